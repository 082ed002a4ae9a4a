package io.github.gmailoauth.gmail;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.gmailoauth.AppConfig;
import io.github.gmailoauth.standin.RecordedRequest;
import io.github.gmailoauth.standin.StandInUser;
import io.github.gmailoauth.testing.AppWithGoogle;
import io.github.gmailoauth.testing.Browser;
import io.github.gmailoauth.testing.FileTrees;
import io.github.gmailoauth.testing.TestApp;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.jsoup.Jsoup;
import org.jsoup.nodes.Document;
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

  private Map<String, Boolean> truth(Map<String, Boolean> shown) {
    return ListedRows.truth(app.google.defaultUser(), shown.keySet());
  }

  private List<String> gmailCalls() {
    return ListedRows.gmailCalls(app.google);
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
    assertEquals(truth(ListedRows.shown(again)), ListedRows.shown(again));
  }

  @Test
  void changesBetweenPageViewsShowUpOnTheNextOneEveryTime() throws Exception {
    StandInUser user = app.google.defaultUser();
    Random random = new Random(15);
    page("/messages");
    for (int view = 0; view < 25; view++) {
      ListedRows.changeAtRandom(user, random, view);
      boolean starred = view % 5 == 4;
      Document doc =
          page(
              starred
                  ? "/messages?label=starred"
                  : view % 3 == 2 ? "/messages?size=50" : "/messages");
      Map<String, Boolean> shown = ListedRows.shown(doc);
      assertEquals(truth(shown), shown, "view " + view);
      assertEquals(
          ListedRows.newest(user, starred ? "STARRED" : "INBOX", starred ? 25 : shown.size()),
          ListedRows.order(doc),
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
