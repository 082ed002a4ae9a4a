package io.github.gmailoauth.gmail;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.github.gmailoauth.standin.StandInUser;
import io.github.gmailoauth.testing.Browser;
import io.github.gmailoauth.testing.TestApp;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.Map;
import java.util.Random;
import org.jsoup.Jsoup;
import org.jsoup.nodes.Document;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two nodes, each with its own row cache and history position (issue 15), serving the same user in
 * any order: whichever node served the previous page, each page shows the stand-in's mailbox as it
 * is, after changes made between any two pages.
 */
class TwoNodesCachedPagesTest {
  @TempDir Path dir;

  private static Document page(TestApp node, Browser browser) throws Exception {
    HttpResponse<String> answer = browser.get(node.url("/messages"));
    assertEquals(200, answer.statusCode(), answer.body());
    return Jsoup.parse(answer.body());
  }

  @Test
  void bothNodesShowTheTruthAfterChangesMadeBetweenTheirPages() throws Exception {
    try (TestApp a = TestApp.start(dir, Map.of());
        TestApp b = a.secondNode()) {
      StandInUser user = a.google.defaultUser();
      Browser onA = new Browser();
      Browser onB = new Browser();
      a.signIn(onA);
      a.google.setIssueRefreshTokens(false); // the second sign-in keeps the stored grant
      b.signIn(onB);

      // Each node holds the rows it has read: a page seen before on the same node fetches none.
      page(a, onA);
      page(b, onB);
      a.google.clearRequests();
      page(a, onA);
      page(b, onB);
      assertEquals(0, ListedRows.rowsFetched(a.google), ListedRows.gmailCalls(a.google).toString());

      Random random = new Random(1515);
      for (int view = 0; view < 30; view++) {
        ListedRows.changeAtRandom(user, random, view);
        boolean onNodeA = random.nextBoolean();
        Document doc = onNodeA ? page(a, onA) : page(b, onB);
        Map<String, Boolean> shown = ListedRows.shown(doc);
        String where = "view " + view + " on node " + (onNodeA ? "A" : "B");
        assertEquals(ListedRows.truth(user, shown.keySet()), shown, where);
        assertEquals(ListedRows.newest(user, "INBOX", 25), ListedRows.order(doc), where);
      }
    }
  }
}
