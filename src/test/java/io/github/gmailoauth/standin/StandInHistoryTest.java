package io.github.gmailoauth.standin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.api.client.googleapis.json.GoogleJsonResponseException;
import com.google.api.services.gmail.Gmail;
import com.google.api.services.gmail.model.History;
import com.google.api.services.gmail.model.HistoryLabelAdded;
import com.google.api.services.gmail.model.HistoryLabelRemoved;
import com.google.api.services.gmail.model.ListHistoryResponse;
import com.google.api.services.gmail.model.Message;
import com.google.api.services.gmail.model.Profile;
import com.google.gson.JsonObject;
import java.io.IOException;
import java.math.BigInteger;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * The stand-in's mailbox history: {@code users.history.list} and {@code users.getProfile} read
 * through the Google client library's own model classes, the changes that make history, paging,
 * filters, out-of-date start ids, and the fault switches on the two endpoints.
 */
class StandInHistoryTest extends StandInTestSupport {

  private static final String HISTORY = "/gmail/v1/users/me/history";
  private static final String PROFILE = "/gmail/v1/users/me/profile";

  private static int users;

  /** A user of its own with an empty mailbox, and a gmail.readonly token for it. */
  private record Account(StandInUser user, String token, Gmail gmail) {}

  private Account account(String scope) {
    int n = ++users;
    StandInUser user = google.addUser("2170000000000000" + n, "h" + n + "@example.com", "H " + n);
    String token = google.issueAccessToken(user, List.of(scope));
    return new Account(user, token, gmail(token));
  }

  private Account account() {
    return account(GMAIL_READONLY);
  }

  private HttpResponse<String> getRaw(String token, String pathAndQuery)
      throws IOException, InterruptedException {
    return http.send(
        HttpRequest.newBuilder(URI.create(google.baseUrl() + pathAndQuery.substring(1)))
            .header("Authorization", "Bearer " + token)
            .GET()
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private ListHistoryResponse parseHistory(HttpResponse<String> answer) throws IOException {
    assertEquals(200, answer.statusCode(), answer.body());
    return json.createJsonParser(answer.body()).parseAndClose(ListHistoryResponse.class);
  }

  private static Gmail.Users.History.List history(Gmail gmail, long start) throws IOException {
    return gmail.users().history().list("me").setStartHistoryId(BigInteger.valueOf(start));
  }

  /** Every record after {@code start}, page by page. */
  private static List<History> all(Gmail gmail, long start, long pageSize) throws IOException {
    List<History> out = new ArrayList<>();
    String pageToken = null;
    do {
      ListHistoryResponse page =
          history(gmail, start).setMaxResults(pageSize).setPageToken(pageToken).execute();
      if (page.getHistory() != null) {
        out.addAll(page.getHistory());
      }
      pageToken = page.getNextPageToken();
    } while (pageToken != null);
    return out;
  }

  private StandInMessage receive(StandInUser user, String subject, String... labels) {
    return user.receiveMessage("\"Sender\" <s@example.org>", subject, subject, labels);
  }

  @Test
  void profileCarriesTheNewestRecordsIdAndGrowsWithEveryChange() throws Exception {
    Account a = account();
    Profile empty = a.gmail().users().getProfile("me").execute();
    assertEquals(a.user().email(), empty.getEmailAddress());
    assertEquals(0, empty.getMessagesTotal());
    assertEquals(0, empty.getThreadsTotal());
    long start = empty.getHistoryId().longValueExact();
    assertEquals(a.user().historyId(), start);

    StandInMessage first = receive(a.user(), "first", "INBOX", "UNREAD");
    StandInMessage second = receive(a.user(), "second", "INBOX");
    List<Runnable> changes =
        List.of(
            () -> receive(a.user(), "third", "INBOX"),
            () -> a.user().markRead(first.id()),
            () -> a.user().star(second.id()),
            () -> a.user().addLabels(second.id(), "IMPORTANT", "Label_7"),
            () -> a.user().removeLabels(second.id(), "INBOX"),
            () -> a.user().deleteMessage(first.id()));
    long previous = a.gmail().users().getProfile("me").execute().getHistoryId().longValueExact();
    assertTrue(previous > start);
    for (Runnable change : changes) {
      change.run();
      Profile p = a.gmail().users().getProfile("me").execute();
      long now = p.getHistoryId().longValueExact();
      assertTrue(now > previous, now + " after " + previous);
      List<History> records = all(a.gmail(), start, 100);
      assertEquals(
          BigInteger.valueOf(now), records.get(records.size() - 1).getId(), "newest record");
      assertEquals(BigInteger.valueOf(now), history(a.gmail(), start).execute().getHistoryId());
      previous = now;
    }
    Profile last = a.gmail().users().getProfile("me").execute();
    assertEquals(2, last.getMessagesTotal());
    assertEquals(2, last.getThreadsTotal());
  }

  @Test
  void everyChangeIsOneRecordInGmailsShapeWithGapsBetweenIds() throws Exception {
    Account a = account();
    StandInUser u = a.user();
    long start = u.historyId();
    StandInMessage old = receive(u, "old", "INBOX", "UNREAD");
    StandInMessage doomed = receive(u, "doomed", "INBOX");
    u.markRead(old.id());
    u.addLabels(old.id(), "STARRED", "INBOX"); // INBOX it had already: only STARRED is added
    u.removeLabels(old.id(), "SPAM"); // it had no SPAM: no change, no record
    u.deleteMessage(doomed.id());

    ListHistoryResponse page =
        parseHistory(getRaw(a.token(), HISTORY + "?startHistoryId=" + start));
    List<History> h = page.getHistory();
    assertEquals(5, h.size());
    assertNull(page.getNextPageToken());
    assertEquals(BigInteger.valueOf(u.historyId()), page.getHistoryId());
    long previous = start;
    for (History record : h) {
      long id = record.getId().longValueExact();
      assertTrue(id - previous >= 1 && id - previous <= 7, "a gap of 1..7: " + (id - previous));
      previous = id;
      assertEquals(1, record.getMessages().size(), "every record lists its message");
    }

    Message added = h.get(0).getMessagesAdded().get(0).getMessage();
    assertEquals(old.id(), added.getId());
    assertEquals(old.threadId(), added.getThreadId());
    assertEquals(List.of("INBOX", "UNREAD"), added.getLabelIds());
    assertNull(h.get(0).getLabelsAdded());
    assertNull(h.get(0).getMessagesDeleted());

    HistoryLabelRemoved read = h.get(2).getLabelsRemoved().get(0);
    assertEquals(List.of("UNREAD"), read.getLabelIds());
    assertEquals(List.of("INBOX"), read.getMessage().getLabelIds());
    HistoryLabelAdded starred = h.get(3).getLabelsAdded().get(0);
    assertEquals(List.of("STARRED"), starred.getLabelIds());
    assertEquals(List.of("INBOX", "STARRED"), starred.getMessage().getLabelIds());

    Message deleted = h.get(4).getMessagesDeleted().get(0).getMessage();
    assertEquals(doomed.id(), deleted.getId());
    assertEquals(doomed.threadId(), deleted.getThreadId());
    assertEquals(doomed.id(), h.get(4).getMessages().get(0).getId());
    assertEquals(BigInteger.valueOf(previous), page.getHistoryId()); // fresh's record is next

    StandInMessage fresh = receive(u, "fresh", "INBOX", "UNREAD");
    // The fresh message: first in the list, its record the newest, its historyId that record's.
    List<History> after = all(a.gmail(), previous, 10);
    assertEquals(1, after.size());
    assertEquals(fresh.id(), after.get(0).getMessagesAdded().get(0).getMessage().getId());
    assertEquals(List.of(fresh.id(), old.id()), listAll(a.gmail(), null, 10));
    for (String format : List.of("minimal", "metadata", "full")) {
      Message m = a.gmail().users().messages().get("me", fresh.id()).setFormat(format).execute();
      assertEquals(after.get(0).getId(), m.getHistoryId(), format);
      Message o = a.gmail().users().messages().get("me", old.id()).setFormat(format).execute();
      assertEquals(List.of("INBOX", "STARRED"), o.getLabelIds(), format);
      assertEquals(h.get(3).getId(), o.getHistoryId(), format + ": the last change of it");
    }
    GoogleJsonResponseException gone =
        assertThrows(
            GoogleJsonResponseException.class,
            () -> a.gmail().users().messages().get("me", doomed.id()).execute());
    assertEquals(404, gone.getStatusCode());
    assertThrows(IllegalArgumentException.class, () -> u.deleteMessage(doomed.id()));
    assertThrows(IllegalArgumentException.class, () -> u.star(doomed.id()));
  }

  @Test
  void noHistoryKeyWhenNothingChangedAndTheCurrentIdIsStillThere() throws Exception {
    Account a = account();
    receive(a.user(), "one", "INBOX");
    long now = a.user().historyId();
    HttpResponse<String> answer = getRaw(a.token(), HISTORY + "?startHistoryId=" + now);
    JsonObject o = jsonOf(answer);
    assertEquals(Set.of("historyId"), o.keySet(), answer.body());
    assertEquals(String.valueOf(now), o.get("historyId").getAsString());
    assertTrue(o.get("historyId").getAsJsonPrimitive().isString(), "a uint64 is a JSON string");
  }

  @Test
  void pagingWithOneRecordAPageServesEveryRecordOnceInOrder() throws Exception {
    Account a = account();
    StandInUser u = a.user();
    long start = u.historyId();
    List<StandInMessage> ms = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      ms.add(receive(u, "m" + i, "INBOX", "UNREAD"));
    }
    ms.forEach(m -> u.markRead(m.id()));
    u.deleteMessage(ms.get(1).id());
    List<Long> expected = new ArrayList<>();
    for (History record : all(a.gmail(), start, 100)) {
      expected.add(record.getId().longValueExact());
    }
    assertEquals(9, expected.size());

    List<Long> paged = new ArrayList<>();
    String pageToken = null;
    int pages = 0;
    do {
      ListHistoryResponse page =
          history(a.gmail(), start).setMaxResults(1L).setPageToken(pageToken).execute();
      assertEquals(1, page.getHistory().size());
      paged.add(page.getHistory().get(0).getId().longValueExact());
      pageToken = page.getNextPageToken();
      if (pages++ == 3) {
        // A change while the client pages comes after the records it has not seen yet.
        receive(u, "late", "INBOX");
        expected.add(u.historyId());
      }
    } while (pageToken != null);
    assertEquals(expected, paged);
    assertEquals(expected.stream().sorted().distinct().toList(), paged, "increasing, once each");

    // maxResults above 500 is 500, 0 is the default; a token we never issued is a 400.
    assertEquals(
        10, history(a.gmail(), start).setMaxResults(100_000L).execute().getHistory().size());
    assertEquals(
        400,
        getRaw(a.token(), HISTORY + "?startHistoryId=" + start + "&pageToken=bogus").statusCode());
    assertEquals(
        400,
        getRaw(a.token(), HISTORY + "?startHistoryId=" + start + "&maxResults=-1").statusCode());
  }

  @Test
  void historyTypesAndLabelIdFilter() throws Exception {
    Account a = account();
    StandInUser u = a.user();
    long start = u.historyId();
    StandInMessage news = receive(u, "news", "INBOX", "CATEGORY_UPDATES", "UNREAD");
    StandInMessage work = receive(u, "work", "INBOX", "Label_9");
    u.markRead(news.id());
    u.star(work.id());
    u.removeLabels(work.id(), "Label_9");
    u.deleteMessage(news.id());

    assertEquals(
        List.of(news.id(), work.id()),
        ids(history(a.gmail(), start).setHistoryTypes(List.of("messageAdded")).execute()));
    ListHistoryResponse labels =
        history(a.gmail(), start).setHistoryTypes(List.of("labelAdded", "labelRemoved")).execute();
    assertEquals(List.of(news.id(), work.id(), work.id()), ids(labels));
    assertNotNull(labels.getHistory().get(0).getLabelsRemoved());
    assertNotNull(labels.getHistory().get(1).getLabelsAdded());
    assertEquals(
        List.of(news.id()),
        ids(history(a.gmail(), start).setHistoryTypes(List.of("messageDeleted")).execute()));
    // A repeated parameter as Gmail takes it, the proto name as well as the JSON name.
    assertEquals(
        5,
        parseHistory(
                getRaw(
                    a.token(),
                    HISTORY
                        + "?startHistoryId="
                        + start
                        + "&historyTypes=MESSAGE_ADDED&historyTypes=messageDeleted"
                        + "&historyTypes=labelRemoved"))
            .getHistory()
            .size());
    assertEquals(
        400,
        getRaw(a.token(), HISTORY + "?startHistoryId=" + start + "&historyTypes=labelsAdded")
            .statusCode());

    // labelId: records whose message had or has the label (removing it counts).
    assertEquals(
        List.of(work.id(), work.id(), work.id()),
        ids(history(a.gmail(), start).setLabelId("Label_9").execute()));
    assertEquals(
        List.of(news.id(), news.id(), news.id()),
        ids(history(a.gmail(), start).setLabelId("CATEGORY_UPDATES").execute()));
    assertEquals(
        List.of(work.id(), work.id()),
        ids(history(a.gmail(), start).setLabelId("STARRED").execute()));
    assertEquals(
        List.of(news.id()),
        ids(
            history(a.gmail(), start)
                .setLabelId("UNREAD")
                .setHistoryTypes(List.of("messageAdded"))
                .execute()));
    assertNull(history(a.gmail(), start).setLabelId("Label_none").execute().getHistory());
  }

  private static List<String> ids(ListHistoryResponse page) {
    List<String> out = new ArrayList<>();
    if (page.getHistory() != null) {
      page.getHistory().forEach(h -> out.add(h.getMessages().get(0).getId()));
    }
    return out;
  }

  @Test
  void missingOrGarbageStartHistoryIdIsInvalidArgument() throws Exception {
    Account a = account();
    receive(a.user(), "one", "INBOX");
    for (String query :
        List.of(
            "",
            "?startHistoryId=",
            "?startHistoryId=abc",
            "?startHistoryId=-5",
            "?startHistoryId=1e3",
            "?startHistoryId=99999999999999999999999")) {
      HttpResponse<String> answer = getRaw(a.token(), HISTORY + query);
      assertEquals(400, answer.statusCode(), query + ": " + answer.body());
      assertEquals(
          "invalidArgument",
          jsonOf(answer)
              .getAsJsonObject("error")
              .getAsJsonArray("errors")
              .get(0)
              .getAsJsonObject()
              .get("reason")
              .getAsString(),
          query);
    }
    GoogleJsonResponseException e =
        assertThrows(
            GoogleJsonResponseException.class,
            () -> a.gmail().users().history().list("me").execute());
    assertEquals(400, e.getStatusCode());
  }

  @Test
  void expiredHistoryAnswers404ForEveryStartIdSoFar() throws Exception {
    Account a = account();
    StandInUser u = a.user();
    long start = u.historyId();
    StandInMessage m = receive(u, "one", "INBOX", "UNREAD");
    long messageHistoryId =
        a.gmail().users().messages().get("me", m.id()).execute().getHistoryId().longValueExact();
    ListHistoryResponse firstPage = history(a.gmail(), start).setMaxResults(1L).execute();
    assertNull(firstPage.getNextPageToken());
    u.markRead(m.id());
    ListHistoryResponse paging = history(a.gmail(), start).setMaxResults(1L).execute();
    assertNotNull(paging.getNextPageToken());
    long profileId = a.gmail().users().getProfile("me").execute().getHistoryId().longValueExact();

    u.expireHistory();
    for (long old : List.of(start, messageHistoryId, profileId)) {
      GoogleJsonResponseException e =
          assertThrows(GoogleJsonResponseException.class, () -> history(a.gmail(), old).execute());
      assertEquals(404, e.getStatusCode(), "start " + old);
      assertEquals("notFound", e.getDetails().getErrors().get(0).getReason());
    }
    GoogleJsonResponseException midway =
        assertThrows(
            GoogleJsonResponseException.class,
            () -> history(a.gmail(), start).setPageToken(paging.getNextPageToken()).execute());
    assertEquals(404, midway.getStatusCode(), "a page token into expired history");

    // The way back, as Gmail's sync guide says: a full sync from a fresh profile.
    long fresh = a.gmail().users().getProfile("me").execute().getHistoryId().longValueExact();
    assertTrue(fresh > profileId);
    assertNull(history(a.gmail(), fresh).execute().getHistory());
    u.star(m.id());
    assertEquals(List.of(m.id()), ids(history(a.gmail(), fresh).execute()));
  }

  @Test
  void startIdOlderThanTheKeptHistoryIs404() throws Exception {
    Account a = account();
    StandInUser u = a.user();
    long start = u.historyId();
    StandInMessage m = receive(u, "busy", "INBOX");
    long afterFirst = u.historyId();
    for (int i = 0; i < StandInUser.HISTORY_LIMIT - 1; i++) {
      u.addLabels(m.id(), "Label_" + i);
    }
    // Exactly HISTORY_LIMIT records: all kept, and the oldest start id still works.
    assertEquals(StandInUser.HISTORY_LIMIT, all(a.gmail(), start, 500).size());
    u.removeLabels(m.id(), "Label_0");
    GoogleJsonResponseException e =
        assertThrows(GoogleJsonResponseException.class, () -> history(a.gmail(), start).execute());
    assertEquals(404, e.getStatusCode());
    List<History> kept = all(a.gmail(), afterFirst, 500);
    assertEquals(StandInUser.HISTORY_LIMIT, kept.size());
    assertEquals(BigInteger.valueOf(u.historyId()), kept.get(kept.size() - 1).getId());
    ListHistoryResponse big = history(a.gmail(), afterFirst).execute();
    assertEquals(100, big.getHistory().size(), "default maxResults");
  }

  @Test
  void metadataScopeReadsHistoryAndProfile() throws Exception {
    Account a = account("https://www.googleapis.com/auth/gmail.metadata");
    long start = a.user().historyId();
    receive(a.user(), "one", "INBOX");
    assertEquals(1, history(a.gmail(), start).execute().getHistory().size());
    assertEquals(1, a.gmail().users().getProfile("me").execute().getMessagesTotal());
    Account none = account("email");
    GoogleJsonResponseException e =
        assertThrows(
            GoogleJsonResponseException.class, () -> history(none.gmail(), start).execute());
    assertEquals(403, e.getStatusCode());
  }

  @Test
  void faultSwitchesApplyAndRequestsAreRecorded() throws Exception {
    Account a = account();
    long start = a.user().historyId();
    receive(a.user(), "one", "INBOX");
    google.clearRequests();

    // A pending Gmail failure answers the calls beside the list too, without being used up by
    // them: it stays pending until a call it counts (here messages.list) takes it.
    google.failGmail(503, 1);
    GoogleJsonResponseException down =
        assertThrows(GoogleJsonResponseException.class, () -> history(a.gmail(), start).execute());
    assertEquals(503, down.getStatusCode());
    assertThrows(GoogleJsonResponseException.class, () -> history(a.gmail(), start).execute());
    assertEquals(
        503,
        assertThrows(
                GoogleJsonResponseException.class,
                () -> a.gmail().users().messages().list("me").execute())
            .getStatusCode());
    assertEquals(1, history(a.gmail(), start).execute().getHistory().size(), "used up");
    google.failGmail403("userRateLimitExceeded", 1);
    GoogleJsonResponseException quota =
        assertThrows(
            GoogleJsonResponseException.class, () -> a.gmail().users().getProfile("me").execute());
    assertEquals("userRateLimitExceeded", quota.getDetails().getErrors().get(0).getReason());
    google.failGmail(0, 0);

    google.failUntilRestored("GET", HISTORY, 502);
    assertEquals(502, getRaw(a.token(), HISTORY + "?startHistoryId=" + start).statusCode());
    google.restore("GET", HISTORY);
    google.answerNext("GET", PROFILE, 500, "application/json", "{}".getBytes(), 1);
    assertEquals(500, getRaw(a.token(), PROFILE).statusCode());

    google.hangNext("GET", HISTORY, Duration.ofMillis(300), 1);
    Instant before = Instant.now();
    assertEquals(1, history(a.gmail(), start).execute().getHistory().size());
    assertTrue(Duration.between(before, Instant.now()).toMillis() >= 300, "it hung");

    assertEquals(5, google.requests("GET", HISTORY).size());
    assertEquals(2, google.requests("GET", PROFILE).size());
    assertEquals(
        String.valueOf(start), google.requests("GET", HISTORY).get(0).queryParam("startHistoryId"));
  }

  @Test
  void concurrentChangesGetDistinctIncreasingIdsAndOneRecordEach() throws Exception {
    Account a = account();
    StandInUser u = a.user();
    long start = u.historyId();
    List<StandInMessage> ms = new ArrayList<>();
    for (int i = 0; i < 8; i++) {
      ms.add(receive(u, "m" + i, "INBOX", "UNREAD"));
    }
    AtomicInteger changes = new AtomicInteger(ms.size());
    ExecutorService pool = Executors.newFixedThreadPool(8);
    try {
      List<Future<?>> done = new ArrayList<>();
      for (int t = 0; t < 8; t++) {
        StandInMessage mine = ms.get(t);
        done.add(
            pool.submit(
                () -> {
                  for (int i = 0; i < 50; i++) {
                    u.addLabels(mine.id(), "Label_" + i);
                    changes.incrementAndGet();
                    u.removeLabels(mine.id(), "Label_" + i);
                    changes.incrementAndGet();
                  }
                  return null;
                }));
        done.add(pool.submit(() -> all(a.gmail(), start, 37))); // readers while it changes
      }
      for (Future<?> f : done) {
        f.get();
      }
    } finally {
      pool.shutdownNow();
    }
    List<History> records = all(a.gmail(), start, 500);
    assertEquals(changes.get(), records.size());
    for (int i = 1; i < records.size(); i++) {
      assertTrue(records.get(i).getId().compareTo(records.get(i - 1).getId()) > 0);
    }
    for (StandInMessage m : ms) {
      Message now = a.gmail().users().messages().get("me", m.id()).setFormat("minimal").execute();
      assertEquals(List.of("INBOX", "UNREAD"), now.getLabelIds());
      assertFalse(now.getHistoryId().longValueExact() <= start);
    }
  }
}
