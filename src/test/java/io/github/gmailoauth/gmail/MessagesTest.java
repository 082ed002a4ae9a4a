package io.github.gmailoauth.gmail;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.gmailoauth.standin.RecordedRequest;
import io.github.gmailoauth.standin.StandInMessage;
import io.github.gmailoauth.testing.AppWithGoogle;
import io.github.gmailoauth.testing.Browser;
import io.github.gmailoauth.testing.Query;
import io.github.gmailoauth.testing.TestApp;
import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.jsoup.Jsoup;
import org.jsoup.nodes.Document;
import org.jsoup.nodes.Element;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The message list of a signed-in user, against the stand-in Gmail over real HTTP. */
@AppWithGoogle(signedIn = true)
class MessagesTest {
  TestApp app;
  Browser browser;
  String userId;

  @BeforeEach
  void rememberDefaultUser() {
    userId = app.google.defaultUser().id();
  }

  @Test
  void aPageCostsOneListAndOneBatchOfMetadataGets() throws Exception {
    HttpResponse<String> page = browser.get(app.url("/messages"));
    assertEquals(200, page.statusCode());

    // users.getProfile goes beside the list, in the same round trip: the position from which the
    // rows this node now holds are kept exact (issue 15).
    List<RecordedRequest> outer =
        app.google.requests().stream()
            .filter(r -> !r.batchPart() && !r.path().endsWith("/profile"))
            .toList();
    assertEquals(1, app.google.requests("GET", "/gmail/v1/users/me/profile").size());
    assertEquals(2, outer.size(), "two round trips: " + outer);
    assertEquals("/gmail/v1/users/me/messages", outer.get(0).path());
    assertEquals("25", outer.get(0).queryParam("maxResults"));
    assertEquals(
        List.of("INBOX"), outer.get(0).query().get("labelIds"), "the inbox, as Gmail opens");
    assertEquals("POST", outer.get(1).method());
    assertTrue(outer.get(1).path().startsWith("/batch"), outer.get(1).path());

    List<RecordedRequest> parts =
        app.google.requests().stream().filter(RecordedRequest::batchPart).toList();
    assertEquals(25, parts.size());
    for (RecordedRequest part : parts) {
      assertEquals("metadata", part.queryParam("format"));
      assertEquals(List.of("From", "Subject"), part.query().get("metadataHeaders"));
    }

    // The rows are the inbox's 25 newest messages, in order, with From, Subject and snippet.
    List<StandInMessage> newest = inbox().subList(0, 25);
    Document doc = Jsoup.parse(page.body());
    List<Element> rows = doc.select("li.message");
    assertEquals(25, rows.size());
    for (int i = 0; i < 25; i++) {
      StandInMessage expected = newest.get(i);
      Element row = rows.get(i);
      assertEquals(
          expected.subject().isBlank() ? "(no subject)" : expected.subject(),
          row.selectFirst(".subject").text());
      assertTrue(expected.from().contains(row.selectFirst(".from").attr("title")), expected.from());
      assertFalse(row.selectFirst("time").text().isEmpty());
      assertEquals(expected.labelIds().contains("UNREAD"), row.hasClass("unread"));
    }
    assertEquals(0, app.google.tokenCalls("refresh_token"), "the sign-in's access token is reused");
  }

  /** The stand-in's inbox, newest first: what the page shows by default. */
  private List<StandInMessage> inbox() {
    return app.google.defaultUser().messages().stream()
        .filter(m -> m.labelIds().contains("INBOX"))
        .toList();
  }

  @Test
  void nextPageFollowsGmailsNextPageTokenToTheEndWithoutRepeats() throws Exception {
    int total = inbox().size();
    Set<String> seenSubjects = new HashSet<>();
    String url = app.url("/messages");
    int pages = 0;
    int rows = 0;
    while (url != null) {
      HttpResponse<String> page = browser.get(url);
      assertEquals(200, page.statusCode());
      Document doc = Jsoup.parse(page.body(), url);
      for (Element row : doc.select("li.message")) {
        rows++;
        seenSubjects.add(
            row.selectFirst(".subject").text() + "|" + row.selectFirst(".snippet").text());
      }
      Element next = doc.getElementById("next-page");
      url = next == null ? null : next.absUrl("href");
      if (url != null) {
        String token = Query.param(url, "pageToken");
        assertNotNull(token);
        pages++;
        app.google.clearRequests();
        browser.get(url);
        // The token reached Gmail's list call unchanged.
        assertEquals(
            token,
            app.google
                .requests("GET", "/gmail/v1/users/me/messages")
                .get(0)
                .queryParam("pageToken"));
      }
    }
    assertEquals(total, rows, "every message exactly once");
    assertEquals(total, seenSubjects.size());
    assertEquals((total + 24) / 25 - 1, pages);
  }

  @Test
  void theSearchBoxSendsQToGmail() throws Exception {
    String query = "from:ada \"quarterly report\"";
    HttpResponse<String> page =
        browser.get(app.url("/messages?q=" + URLEncoder.encode(query, StandardCharsets.UTF_8)));
    assertEquals(200, page.statusCode());
    assertEquals(
        query, app.google.requests("GET", "/gmail/v1/users/me/messages").get(0).queryParam("q"));
    Document doc = Jsoup.parse(page.body());
    assertEquals(query, doc.getElementById("q").val(), "the box shows the current search");
    Element next = doc.getElementById("next-page");
    if (next != null) {
      assertEquals(query, Query.param(app.url(next.attr("href")), "q"), "paging keeps the search");
    }
  }

  @Test
  void htmlInASubjectAndSnippetComesOutEscaped() throws Exception {
    StandInMessage hostile =
        app.google.defaultUser().messages().stream()
            .filter(m -> m.subject().contains("<script>"))
            .findFirst()
            .orElseThrow();
    String query = "subject:Bold";
    HttpResponse<String> page =
        browser.get(app.url("/messages?q=" + URLEncoder.encode(query, StandardCharsets.UTF_8)));
    assertEquals(200, page.statusCode());
    assertFalse(page.body().contains("<script>alert"), "no live script tag");
    assertFalse(page.body().contains("<b>Bold</b>"));
    assertFalse(page.body().contains("<img src=x"));
    Document doc = Jsoup.parse(page.body());
    assertTrue(doc.select("script").isEmpty());
    assertTrue(doc.select("main b, main img").isEmpty());
    assertEquals(
        hostile.subject(), doc.selectFirst("li.message .subject").text(), "shown as text, exactly");
    assertTrue(
        doc.selectFirst("li.message .snippet").text().contains("<img src=x onerror=alert(1)>"),
        "snippet decoded once, then escaped once");
  }

  @Test
  void aSnippetIsDecodedOnceNotTwice() throws Exception {
    app.google
        .defaultUser()
        .addMessage(
            "Tom <tom@example.org>",
            "Entities",
            "it&#39;s &amp;amp; &quot;quoted&quot;",
            java.time.Instant.now(),
            "INBOX");
    Document doc = Jsoup.parse(browser.get(app.url("/messages")).body());
    assertEquals("it's &amp; \"quoted\"", doc.selectFirst("li.message .snippet").text());
  }

  @Test
  void gmail401WithAFreshTokenGetsOneForcedRefreshAndOneRetry() throws Exception {
    app.google.revokeAccessTokens();
    HttpResponse<String> page = browser.get(app.url("/messages?q=x"));
    assertEquals(200, page.statusCode());
    assertEquals(1, app.google.tokenCalls("refresh_token"));
    assertEquals(
        2,
        app.google.requests("GET", "/gmail/v1/users/me/messages").size(),
        "the list, then its retry");
  }

  @Test
  void gmail401AgainAfterTheForcedRefreshSendsTheUserBackThroughAuthorize() throws Exception {
    app.google.failGmail(401, 2);
    HttpResponse<String> page = browser.get(app.url("/messages?q=x"));
    assertEquals(302, page.statusCode());
    String location = Browser.location(page);
    assertTrue(location.startsWith(app.url("/authorize?next=")), location);
    assertEquals("/messages?q=x", Query.param(location, "next"));
    assertEquals(1, app.google.tokenCalls("refresh_token"), "exactly one forced refresh");
    assertNull(app.grantRow(userId).get("access_token"), "the refused access token is forgotten");
    assertNotNull(app.grantRow(userId).get("refresh_token"), "the grant is kept");
  }

  @Test
  void invalidGrantOnRefreshDeletesTheGrantAndSendsTheUserThroughAuthorize() throws Exception {
    app.google.revokeRefreshTokens();
    app.clock.advance(Duration.ofHours(2)); // the access token from sign-in has expired
    HttpResponse<String> page = browser.get(app.url("/messages"));
    assertEquals(302, page.statusCode());
    assertTrue(Browser.location(page).startsWith(app.url("/authorize")));
    assertEquals(1, app.google.tokenCalls("refresh_token"));
    assertTrue(app.grantRow(userId).isEmpty(), "the dead grant is deleted");
  }

  @Test
  void anExpiredAccessTokenIsRefreshedOnceAndThenReused() throws Exception {
    app.clock.advance(Duration.ofHours(2));
    for (int i = 0; i < 3; i++) {
      assertEquals(200, browser.get(app.url("/messages")).statusCode());
    }
    assertEquals(1, app.google.tokenCalls("refresh_token"));
    String newToken = (String) app.grantRow(userId).get("access_token");
    Set<String> bearers =
        app.google.requests("GET", "/gmail/v1/users/me/messages").stream()
            .map(r -> r.header("authorization"))
            .collect(Collectors.toSet());
    assertEquals(Set.of("Bearer " + newToken), bearers);
  }

  @Test
  void aMalformedPageTokenIsRefusedBeforeGmailIsAsked() throws Exception {
    HttpResponse<String> page = browser.get(app.url("/messages?pageToken=%3Cscript%3E"));
    assertEquals(400, page.statusCode());
    assertTrue(app.google.requests().isEmpty());
  }

  @Test
  void gmailRefusingTheRequestGivesAnErrorPageAndKeepsTheGrant() throws Exception {
    app.google.failGmail(400, 1);
    HttpResponse<String> page = browser.get(app.url("/messages"));
    assertEquals(502, page.statusCode());
    assertTrue(page.body().contains("Gmail is not answering"));
    assertFalse(page.body().contains("Exception"));
    assertFalse(app.grantRow(userId).isEmpty());
  }
}
