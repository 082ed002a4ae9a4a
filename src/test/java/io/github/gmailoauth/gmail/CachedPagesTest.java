package io.github.gmailoauth.gmail;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.gmailoauth.AppConfig;
import io.github.gmailoauth.standin.RecordedRequest;
import io.github.gmailoauth.standin.StandInMessage;
import io.github.gmailoauth.standin.StandInUser;
import io.github.gmailoauth.testing.AppWithGoogle;
import io.github.gmailoauth.testing.Browser;
import io.github.gmailoauth.testing.FileTrees;
import io.github.gmailoauth.testing.TestApp;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.jsoup.Jsoup;
import org.jsoup.nodes.Document;
import org.jsoup.nodes.Element;
import org.junit.jupiter.api.Test;

/**
 * The list page with this node's row cache (issue 15), through the whole app against the stand-in
 * Google, whose mailbox is the truth: every row's unread and starred marks on every page equal the
 * stand-in's, however the mailbox changed between two pages.
 */
@AppWithGoogle(signedIn = true)
class CachedPagesTest {
  TestApp app;
  Browser browser;

  private Document page(String path) throws Exception {
    HttpResponse<String> answer = browser.get(app.url(path));
    assertEquals(200, answer.statusCode(), answer.body());
    return Jsoup.parse(answer.body());
  }

  /** The page's rows as the person sees them: id → unread. */
  private static Map<String, Boolean> shown(Document doc) {
    Map<String, Boolean> rows = new HashMap<>();
    for (Element li : doc.select("li.message")) {
      String href = li.selectFirst("a.read").attr("href");
      String id = href.substring(href.lastIndexOf('/') + 1).replaceAll("\\?.*", "");
      rows.put(id, li.hasClass("unread"));
    }
    return rows;
  }

  /** What the stand-in says of the same ids. */
  private Map<String, Boolean> truth(Map<String, Boolean> shown) {
    Map<String, Set<String>> labels = new HashMap<>();
    for (StandInMessage m : app.google.defaultUser().messages()) {
      labels.put(m.id(), m.labelIds());
    }
    Map<String, Boolean> expected = new HashMap<>();
    for (String id : shown.keySet()) {
      expected.put(id, labels.get(id).contains("UNREAD"));
    }
    return expected;
  }

  /** The inbox's newest ids, as the stand-in orders them. */
  private List<String> inboxIds(int n) {
    return app.google.defaultUser().messages().stream()
        .filter(m -> m.labelIds().contains("INBOX"))
        .map(StandInMessage::id)
        .limit(n)
        .toList();
  }

  private List<String> gmailCalls() {
    return app.google.requests().stream()
        .filter(r -> !r.batchPart())
        .map(RecordedRequest::path)
        .filter(p -> !p.startsWith("/token") && !p.contains("userinfo"))
        .toList();
  }

  @Test
  void aPageSeenBeforeCostsTheListAndTheHistoryAtOnceAndNoBatch() throws Exception {
    page("/messages");
    app.google.clearRequests();

    Document again = page("/messages");

    assertEquals(
        Set.of("/gmail/v1/users/me/messages", "/gmail/v1/users/me/history"),
        Set.copyOf(gmailCalls()),
        gmailCalls().toString());
    assertEquals(2, gmailCalls().size(), gmailCalls().toString());
    assertEquals(truth(shown(again)), shown(again));
  }

  @Test
  void changesBetweenPageViewsShowUpOnTheNextOneEveryTime() throws Exception {
    StandInUser user = app.google.defaultUser();
    Random random = new Random(15);
    page("/messages");
    for (int view = 0; view < 25; view++) {
      List<String> ids = inboxIds(30);
      for (int change = random.nextInt(4); change > 0; change--) {
        String id = ids.get(random.nextInt(ids.size()));
        switch (random.nextInt(6)) {
          case 0 -> user.markRead(id);
          case 1 -> user.addLabels(id, "UNREAD");
          case 2 -> user.star(id);
          case 3 -> user.removeLabels(id, "INBOX");
          case 4 -> user.deleteMessage(id);
          default ->
              user.receiveMessage(
                  "New <new@example.org>", "Arrived " + view, "hi", "INBOX", "UNREAD");
        }
      }
      Document doc = page(view % 3 == 2 ? "/messages?size=50" : "/messages");
      Map<String, Boolean> shown = shown(doc);
      assertEquals(truth(shown), shown, "view " + view);
      assertEquals(
          inboxIds(shown.size()),
          doc.select("li.message a.read").stream()
              .map(a -> a.attr("href").replaceAll(".*/", "").replaceAll("\\?.*", ""))
              .toList(),
          "view " + view + ": the list decides which messages and their order");
    }
  }

  @Test
  void aSignOutForgetsTheRowsTheNextSignInStartsFromTheProfile() throws Exception {
    page("/messages");
    browser.signOut(app.url("/"));
    app.signIn(browser);
    app.google.clearRequests();

    page("/messages");

    assertTrue(gmailCalls().contains("/gmail/v1/users/me/profile"), gmailCalls().toString());
    assertTrue(!gmailCalls().contains("/gmail/v1/users/me/history"), gmailCalls().toString());
  }

  @Test
  void zeroMegabytesReadsEveryPageAsToday() throws Exception {
    Path dir = Files.createTempDirectory("no-cache");
    try (TestApp plain = TestApp.start(dir, Map.of(AppConfig.MESSAGE_CACHE_MB, "0"))) {
      Browser b = new Browser();
      plain.signIn(b);
      assertEquals(200, b.get(plain.url("/messages")).statusCode());
      plain.google.clearRequests();
      assertEquals(200, b.get(plain.url("/messages")).statusCode());
      List<String> calls =
          plain.google.requests().stream()
              .filter(r -> !r.batchPart())
              .map(RecordedRequest::path)
              .toList();
      assertEquals(2, calls.size(), calls.toString());
      assertTrue(calls.stream().noneMatch(p -> p.endsWith("/history") || p.endsWith("/profile")));
    } finally {
      FileTrees.delete(dir);
    }
  }
}
