package io.github.gmailoauth.standin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.api.client.googleapis.auth.oauth2.GoogleTokenResponse;
import com.google.api.client.googleapis.batch.BatchRequest;
import com.google.api.client.googleapis.batch.json.JsonBatchCallback;
import com.google.api.client.googleapis.json.GoogleJsonError;
import com.google.api.client.googleapis.json.GoogleJsonResponseException;
import com.google.api.client.http.HttpHeaders;
import com.google.api.client.http.HttpResponseException;
import com.google.api.services.gmail.Gmail;
import com.google.api.services.gmail.model.ListMessagesResponse;
import com.google.api.services.gmail.model.Message;
import com.google.api.services.gmail.model.MessagePartHeader;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/** The stand-in's Gmail API (list, search, get, batch) read through the generated Gmail client. */
class GmailApiTest extends StandInTestSupport {

  @Test
  void seedMailboxIsRealistic() {
    List<StandInMessage> messages = google.defaultUser().messages();
    // At most 50: "all mail" at 50 to a page must show the whole seed mailbox on one page.
    assertTrue(messages.size() >= 45 && messages.size() <= 50, "size " + messages.size());
    ZoneId zone = ZoneId.systemDefault();
    LocalDate today = LocalDate.now(zone);
    int todayCount = 0;
    int thisYear = 0;
    int older = 0;
    for (int i = 0; i < messages.size(); i++) {
      StandInMessage m = messages.get(i);
      assertTrue(m.id().matches("[0-9a-f]{16}"), m.id());
      assertFalse(m.date().isAfter(Instant.now()));
      if (i > 0) {
        assertFalse(m.date().isAfter(messages.get(i - 1).date()), "newest first");
      }
      LocalDate day = m.date().atZone(zone).toLocalDate();
      if (day.equals(today)) {
        todayCount++;
      } else if (day.getYear() == today.getYear()) {
        thisYear++;
      } else {
        older++;
      }
    }
    assertTrue(todayCount >= 3 && older >= 5, todayCount + " " + thisYear + " " + older);
    assertEquals(messages.size(), messages.stream().map(StandInMessage::id).distinct().count());
    assertTrue(
        messages.stream()
            .anyMatch(
                m ->
                    m.subject()
                            .equals("<script>alert(\"subject\")</script> <b>Bold</b> offer & more")
                        && m.snippet().contains("&lt;img src=x onerror=alert(1)&gt;")
                        && m.from().contains("<img")));
    for (String entity : List.of("&#39;", "&amp;", "&quot;")) {
      assertTrue(messages.stream().anyMatch(m -> m.snippet().contains(entity)), entity);
    }
    for (String label : List.of("INBOX", "UNREAD", "STARRED", "SENT", "IMPORTANT")) {
      assertTrue(messages.stream().anyMatch(m -> m.hasLabel(label)), label);
    }
  }

  @Test
  void pagingVisitsEveryMessageExactlyOnce() throws Exception {
    Gmail gmail = gmail(login().getAccessToken());
    List<String> expected =
        google.defaultUser().messages().stream().map(StandInMessage::id).toList();
    List<String> ids = listAll(gmail, null, 7);
    assertEquals(expected, ids);
    assertEquals(ids.size(), new HashSet<>(ids).size());
    ListMessagesResponse first = gmail.users().messages().list("me").setMaxResults(7L).execute();
    assertEquals(7, first.getMessages().size());
    assertEquals((long) expected.size(), first.getResultSizeEstimate());
    assertEquals(expected.get(0), first.getMessages().get(0).getId());
    // Default page size is 100: everything fits, no next page.
    ListMessagesResponse all = gmail.users().messages().list("me").execute();
    assertEquals(expected.size(), all.getMessages().size());
    assertNull(all.getNextPageToken());
    // The email address works in place of "me".
    assertEquals(
        expected.size(),
        gmail.users().messages().list("demo@example.com").execute().getMessages().size());
  }

  @Test
  void badPageTokenIsInvalidArgument() throws Exception {
    Gmail gmail = gmail(login().getAccessToken());
    GoogleJsonResponseException e =
        assertThrows(
            GoogleJsonResponseException.class,
            () -> gmail.users().messages().list("me").setPageToken("not-a-token").execute());
    assertEquals(400, e.getStatusCode());
    assertEquals("invalidArgument", e.getDetails().getErrors().get(0).getReason());
  }

  @Test
  void searchFilters() throws Exception {
    Gmail gmail = gmail(login().getAccessToken());
    List<StandInMessage> mailbox = google.defaultUser().messages();

    List<String> github = listAll(gmail, "from:github", 100);
    assertEquals(
        mailbox.stream()
            .filter(m -> m.from().contains("github.com"))
            .map(StandInMessage::id)
            .toList(),
        github);
    assertTrue(github.size() >= 2);

    List<String> unreadInbox = listAll(gmail, "is:unread in:inbox", 100);
    assertEquals(
        mailbox.stream()
            .filter(m -> m.hasLabel("UNREAD") && m.hasLabel("INBOX"))
            .map(StandInMessage::id)
            .toList(),
        unreadInbox);

    assertEquals(
        mailbox.stream().filter(m -> m.hasLabel("STARRED")).map(StandInMessage::id).toList(),
        listAll(gmail, "is:starred", 100));
    assertEquals(
        mailbox.stream().filter(m -> m.hasLabel("SENT")).map(StandInMessage::id).toList(),
        listAll(gmail, "in:sent", 100));

    // Quoted phrases, case-insensitive words, HTML entities in snippets matched as text.
    assertEquals(1, listAll(gmail, "\"HEXADECIMAL dollar\"", 100).size());
    assertEquals(1, listAll(gmail, "\"I'll bring a bundle\"", 100).size());
    assertEquals(0, listAll(gmail, "\"dollar hexadecimal\"", 100).size());
    List<String> both = listAll(gmail, "subject:nanoseconds grace", 100);
    assertEquals(2, both.size());
    assertTrue(listAll(gmail, "zebra-that-does-not-exist", 100).isEmpty());

    ListMessagesResponse labelled =
        gmail.users().messages().list("me").setLabelIds(List.of("INBOX", "IMPORTANT")).execute();
    assertEquals(
        mailbox.stream()
            .filter(m -> m.hasLabel("INBOX") && m.hasLabel("IMPORTANT"))
            .map(StandInMessage::id)
            .toList(),
        labelled.getMessages().stream().map(Message::getId).toList());
    // The client sends repeated parameters; the stand-in records them all.
    assertEquals(
        List.of("INBOX", "IMPORTANT"),
        google.requests("GET", "/gmail/v1/users/me/messages").stream()
            .filter(r -> r.query().containsKey("labelIds"))
            .findFirst()
            .orElseThrow()
            .query()
            .get("labelIds"));
  }

  @Test
  void getMessageWithMetadataHeaders() throws Exception {
    Gmail gmail = gmail(login().getAccessToken());
    StandInMessage xss =
        google.defaultUser().messages().stream()
            .filter(m -> m.subject().startsWith("<script>"))
            .findFirst()
            .orElseThrow();
    Message m =
        gmail
            .users()
            .messages()
            .get("me", xss.id())
            .setFormat("metadata")
            .setMetadataHeaders(List.of("From", "Subject"))
            .execute();
    assertEquals(xss.id(), m.getId());
    assertEquals(xss.threadId(), m.getThreadId());
    assertEquals(xss.snippet(), m.getSnippet());
    assertEquals(List.copyOf(xss.labelIds()), m.getLabelIds());
    assertEquals(xss.date().toEpochMilli(), m.getInternalDate());
    assertEquals(2, m.getPayload().getHeaders().size());
    assertEquals(xss.subject(), header(m, "Subject"));
    assertEquals(xss.from(), header(m, "From"));

    Message full = gmail.users().messages().get("me", xss.id()).execute();
    // The envelope, then the headers of the text/plain MIME the stand-in makes from the fields.
    assertEquals(
        List.of(
            "From",
            "To",
            "Subject",
            "Date",
            "MIME-Version",
            "Content-Type",
            "Content-Transfer-Encoding"),
        full.getPayload().getHeaders().stream().map(MessagePartHeader::getName).toList());
    assertEquals(
        Web.unescapeHtml(xss.snippet()),
        new String(full.getPayload().getBody().decodeData(), StandardCharsets.UTF_8));
    assertEquals("demo@example.com", header(full, "To").replaceAll(".*<(.*)>.*", "$1"));
    assertNotNull(header(full, "Date"));

    Message minimal = gmail.users().messages().get("me", xss.id()).setFormat("minimal").execute();
    assertNull(minimal.getPayload());

    GoogleJsonResponseException e =
        assertThrows(
            GoogleJsonResponseException.class,
            () -> gmail.users().messages().get("me", "0000000000000000").execute());
    assertEquals(404, e.getStatusCode());
    assertEquals("notFound", e.getDetails().getErrors().get(0).getReason());
  }

  @Test
  void addedMessagesAppearNewestFirst() throws Exception {
    StandInUser user = google.addUser("117000000000000000003", "three@example.com", "Three");
    Instant now = Instant.now();
    StandInMessage old =
        user.addMessage("a@example.com", "old", "old", now.minusSeconds(3600), "INBOX");
    StandInMessage newest = user.addMessage("b@example.com", "new", "new", now, "INBOX", "UNREAD");
    StandInMessage middle =
        user.addMessage("c@example.com", "mid", "mid", now.minusSeconds(60), "INBOX");
    assertEquals(List.of(newest, middle, old), user.messages());
    assertEquals(Set.of("INBOX", "UNREAD"), newest.labelIds());
  }

  @Test
  void batchOf25ReturnsAllInOrder() throws Exception {
    Gmail gmail = gmail(login().getAccessToken());
    List<StandInMessage> wanted = google.defaultUser().messages().subList(0, 25);
    List<Message> got = Collections.synchronizedList(new ArrayList<>());
    List<GoogleJsonError> failures = Collections.synchronizedList(new ArrayList<>());
    BatchRequest batch = gmail.batch();
    for (StandInMessage m : wanted) {
      gmail
          .users()
          .messages()
          .get("me", m.id())
          .setFormat("metadata")
          .setMetadataHeaders(List.of("From", "Subject", "Date"))
          .queue(
              batch,
              new JsonBatchCallback<Message>() {
                @Override
                public void onSuccess(Message message, HttpHeaders responseHeaders) {
                  got.add(message);
                }

                @Override
                public void onFailure(GoogleJsonError e, HttpHeaders responseHeaders) {
                  failures.add(e);
                }
              });
    }
    google.clearRequests();
    batch.execute();

    assertEquals(List.of(), failures);
    assertEquals(
        wanted.stream().map(StandInMessage::id).toList(),
        got.stream().map(Message::getId).toList());
    for (int i = 0; i < wanted.size(); i++) {
      assertEquals(wanted.get(i).from(), header(got.get(i), "From"));
      assertEquals(wanted.get(i).subject(), header(got.get(i), "Subject"));
      assertNotNull(header(got.get(i), "Date"));
      assertEquals(3, got.get(i).getPayload().getHeaders().size());
      assertEquals(
          wanted.get(i).snippet(), got.get(i).getSnippet()); // non-ASCII survives the batch
    }

    List<RecordedRequest> recorded = google.requests();
    List<RecordedRequest> outer = recorded.stream().filter(r -> !r.batchPart()).toList();
    List<RecordedRequest> parts = recorded.stream().filter(RecordedRequest::batchPart).toList();
    assertEquals(1, outer.size());
    assertEquals("POST", outer.get(0).method());
    assertTrue(outer.get(0).path().startsWith("/batch"), outer.get(0).path());
    assertEquals(25, parts.size());
    for (int i = 0; i < 25; i++) {
      RecordedRequest p = parts.get(i);
      assertEquals("GET", p.method());
      assertEquals("/gmail/v1/users/me/messages/" + wanted.get(i).id(), p.path());
      assertEquals("metadata", p.queryParam("format"));
      assertEquals(List.of("From", "Subject", "Date"), p.query().get("metadataHeaders"));
      assertTrue(p.header("authorization").startsWith("Bearer sat-"));
    }
  }

  @Test
  void batchLimitsAndRawWireFormat() throws Exception {
    String access = login().getAccessToken();
    Gmail gmail = gmail(access);
    BatchRequest tooBig = gmail.batch();
    String id = google.defaultUser().messages().get(0).id();
    for (int i = 0; i < 101; i++) {
      gmail
          .users()
          .messages()
          .get("me", id)
          .setFormat("minimal")
          .queue(
              tooBig,
              new JsonBatchCallback<Message>() {
                @Override
                public void onSuccess(Message message, HttpHeaders responseHeaders) {}

                @Override
                public void onFailure(GoogleJsonError e, HttpHeaders responseHeaders) {}
              });
    }
    HttpResponseException e = assertThrows(HttpResponseException.class, tooBig::execute);
    assertEquals(400, e.getStatusCode());

    // Bare LF line endings, Content-ID without brackets, origin-form targets, and an unknown id.
    String body =
        "--b1\n"
            + "Content-Type: application/http\n"
            + "Content-ID: 7\n\n"
            + "GET /gmail/v1/users/me/messages/"
            + id
            + "?format=minimal HTTP/1.1\n"
            + "Authorization: Bearer "
            + access
            + "\n\n"
            + "--b1\n"
            + "Content-Type: application/http\n"
            + "Content-ID: <item-8>\n\n"
            + "GET /gmail/v1/users/me/messages/ffffffffffffffff HTTP/1.1\n\n"
            + "--b1--\n";
    HttpResponse<String> answer =
        http.send(
            HttpRequest.newBuilder(URI.create(google.baseUrl() + "batch/gmail/v1"))
                .header("Content-Type", "multipart/mixed; boundary=\"b1\"")
                .header(
                    "Authorization",
                    "Bearer " + access) // outer headers apply to parts without their own
                .POST(HttpRequest.BodyPublishers.ofString(body))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertEquals(200, answer.statusCode());
    String boundary =
        answer.headers().firstValue("Content-Type").orElseThrow().replaceAll(".*boundary=", "");
    assertTrue(boundary.startsWith("batch_"));
    String text = answer.body();
    assertTrue(
        text.startsWith(
            "--"
                + boundary
                + "\r\nContent-Type: application/http\r\nContent-ID: <response-7>\r\n\r\nHTTP/1.1 200 OK\r\n"),
        text);
    assertTrue(
        text.contains("Content-ID: <response-item-8>\r\n\r\nHTTP/1.1 404 Not Found\r\n"), text);
    assertTrue(text.endsWith("--" + boundary + "--\r\n"));
    List<RecordedRequest> parts =
        google.requests().stream().filter(RecordedRequest::batchPart).toList();
    assertEquals(
        "/gmail/v1/users/me/messages/ffffffffffffffff", parts.get(parts.size() - 1).path());
  }

  @Test
  void concurrentLoginsAndReads() throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(12);
    try {
      List<Future<Integer>> results = new ArrayList<>();
      for (int i = 0; i < 24; i++) {
        results.add(
            pool.submit(
                () -> {
                  GoogleTokenResponse token = login();
                  Gmail gmail = gmail(token.getAccessToken());
                  List<String> ids = listAll(gmail, null, 10);
                  List<String> fetched = Collections.synchronizedList(new ArrayList<>());
                  BatchRequest batch = gmail.batch();
                  for (String id : ids.subList(0, 5)) {
                    gmail
                        .users()
                        .messages()
                        .get("me", id)
                        .setFormat("metadata")
                        .queue(
                            batch,
                            new JsonBatchCallback<Message>() {
                              @Override
                              public void onSuccess(Message m, HttpHeaders h) {
                                fetched.add(m.getId());
                              }

                              @Override
                              public void onFailure(GoogleJsonError e, HttpHeaders h) {}
                            });
                  }
                  batch.execute();
                  assertEquals(ids.subList(0, 5), fetched);
                  return ids.size();
                }));
      }
      int size = google.defaultUser().messages().size();
      for (Future<Integer> f : results) {
        assertEquals(size, f.get());
      }
    } finally {
      pool.shutdownNow();
    }
    assertEquals(24, google.tokenCalls("authorization_code"));
    assertEquals(24 * 5, google.requests().stream().filter(RecordedRequest::batchPart).count());
  }
}
