package io.github.gmailoauth.gmail;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.gmailoauth.standin.StandInUser;
import io.github.gmailoauth.testing.AppWithGoogle;
import io.github.gmailoauth.testing.Browser;
import io.github.gmailoauth.testing.TestApp;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.jsoup.Jsoup;
import org.jsoup.nodes.Document;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * When Gmail's history cannot be used (issue 15) the list page reads its rows as on a first visit:
 * it shows the truth, says nothing is wrong, and holds rows again from the next page on. Through
 * the whole app; the stand-in's mailbox is the truth.
 */
@AppWithGoogle(signedIn = true)
class HistoryFallbackTest {
  private static final String HISTORY = "/gmail/v1/users/me/history";

  TestApp app;
  Browser browser;
  StandInUser user;
  List<String> firstPage;

  @BeforeEach
  void seeTheFirstPage() throws Exception {
    user = app.google.defaultUser();
    firstPage = ListedRows.order(page());
    assertEquals(25, firstPage.size());
  }

  private Document page() throws Exception {
    HttpResponse<String> answer = browser.get(app.url("/messages"));
    assertEquals(200, answer.statusCode(), answer.body());
    return Jsoup.parse(answer.body());
  }

  /** Changes the unread mark of two rows the person has seen, so stale rows would show. */
  private void changeTwoRows() {
    Map<String, Boolean> unread = ListedRows.truth(user, Set.copyOf(firstPage));
    String read = firstPage.stream().filter(unread::get).findFirst().orElseThrow();
    String notRead = firstPage.stream().filter(id -> !unread.get(id)).findFirst().orElseThrow();
    user.markRead(read);
    user.addLabels(notRead, "UNREAD");
  }

  /** The page after a fallback: every row fetched, each as the stand-in has it, nothing said. */
  private void assertEveryRowFetchedAndTrue() throws Exception {
    app.google.clearRequests();
    Document doc = page();
    Map<String, Boolean> shown = ListedRows.shown(doc);
    assertEquals(ListedRows.truth(user, shown.keySet()), shown);
    assertEquals(ListedRows.newest(user, "INBOX", 25), ListedRows.order(doc));
    assertEquals(25, ListedRows.rowsFetched(app.google), "every row fetched again");
    assertTrue(doc.select(".error, [role=alert]").isEmpty(), doc.body().text());
    assertFalse(doc.text().toLowerCase().contains("try again"), doc.body().text());
  }

  /** The page after that holds rows again: the list and the history, no row fetched. */
  private void assertTheNextPagesHoldRowsAgain() throws Exception {
    page();
    app.google.clearRequests();
    page();
    assertEquals(
        0, ListedRows.rowsFetched(app.google), ListedRows.gmailCalls(app.google).toString());
    assertTrue(ListedRows.gmailCalls(app.google).contains(HISTORY));
  }

  @ParameterizedTest(name = "history.list answers {0}")
  @ValueSource(ints = {500, 503, 429})
  void aFailingHistoryListFetchesEveryRow(int status) throws Exception {
    changeTwoRows();
    byte[] error =
        ("{\"error\":{\"code\":" + status + ",\"message\":\"injected\",\"errors\":[]}}")
            .getBytes(StandardCharsets.UTF_8);
    app.google.answerNext("GET", HISTORY, status, "application/json", error, 1);

    assertEveryRowFetchedAndTrue();
    assertTheNextPagesHoldRowsAgain();
  }

  @Test
  void anUnreachableHistoryListFetchesEveryRow() throws Exception {
    changeTwoRows();
    app.google.resetNext("GET", HISTORY, 2); // HttpURLConnection retries a GET once by itself

    assertEveryRowFetchedAndTrue();
    assertTheNextPagesHoldRowsAgain();
  }

  @Test
  void anExpiredStartFetchesEveryRow() throws Exception {
    changeTwoRows();
    user.expireHistory();

    assertEveryRowFetchedAndTrue();
    assertTheNextPagesHoldRowsAgain();
  }

  @Test
  void aHistoryOfSeveralAnswersIsNotUsedAndEveryRowIsFetched() throws Exception {
    String toggled = firstPage.get(3);
    // 2 × 300 label records: more than the one answer of GmailClient.MAX_HISTORY_RECORDS asked for.
    for (int i = 0; i < 300; i++) {
      user.star(toggled);
      user.removeLabels(toggled, "STARRED");
    }
    changeTwoRows();

    assertEveryRowFetchedAndTrue();
    assertTheNextPagesHoldRowsAgain();
  }
}
