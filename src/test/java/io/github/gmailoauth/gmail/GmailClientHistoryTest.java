package io.github.gmailoauth.gmail;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.api.client.json.gson.GsonFactory;
import io.github.gmailoauth.google.BoundedHttpTransport;
import io.github.gmailoauth.metrics.AppMetrics;
import io.github.gmailoauth.standin.RecordedRequest;
import io.github.gmailoauth.standin.StandInGoogle;
import io.github.gmailoauth.standin.StandInMessage;
import io.github.gmailoauth.standin.StandInUser;
import java.io.IOException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@link GmailClient}'s page with held rows (issue 15) against the stand-in Google, whose mailbox
 * is the truth: the rows of each page must carry exactly the labels the stand-in holds, after label
 * changes, deletions and new mail, and a page whose rows are all held sends only {@code
 * messages.list} and {@code users.history.list}.
 */
class GmailClientHistoryTest {
  private static final List<String> SCOPES =
      List.of("openid", "email", "https://www.googleapis.com/auth/gmail.readonly");

  StandInGoogle google;
  StandInUser user;
  String token;
  GmailClient gmail;

  @BeforeEach
  void start() {
    google = StandInGoogle.start();
    user = google.defaultUser();
    token = google.issueAccessToken(user, SCOPES);
    gmail =
        new GmailClient(
            google.apiRootUrl(),
            new BoundedHttpTransport(),
            GsonFactory.getDefaultInstance(),
            BoundedHttpTransport.requestDefaults(),
            AppMetrics.OFF);
  }

  @AfterEach
  void stop() {
    google.close();
  }

  private GmailClient.ListedPage page(RowCache.UserRows held) throws IOException {
    return gmail.listPage(token, "", List.of("INBOX"), null, 25, held);
  }

  /** What the stand-in says the page's rows are: id → labels. */
  private Map<String, Set<String>> truth(MessagePage page) {
    Map<String, Set<String>> now = new HashMap<>();
    for (StandInMessage m : user.messages()) {
      now.put(m.id(), m.labelIds());
    }
    Map<String, Set<String>> expected = new HashMap<>();
    for (MessageSummary row : page.messages()) {
      expected.put(row.id(), now.get(row.id()));
    }
    return expected;
  }

  private static Map<String, Set<String>> shown(MessagePage page) {
    return page.messages().stream()
        .collect(Collectors.toMap(MessageSummary::id, MessageSummary::labelIds));
  }

  private List<String> gmailCalls() {
    return google.requests().stream()
        .filter(r -> !r.batchPart())
        .map(RecordedRequest::path)
        .filter(p -> p.contains("/gmail/") || p.contains("/batch/"))
        .toList();
  }

  @Test
  void theFirstPageAsksForTheMailboxPositionBesideTheListAndHoldsItsRows() throws IOException {
    long before = user.historyId();
    google.clearRequests();

    GmailClient.ListedPage first = page(null);

    assertNotNull(first.hold(), "a position was read: the rows are held");
    assertEquals(before, first.hold().position());
    assertEquals(25, first.page().messages().size());
    assertEquals(
        shown(first.page()),
        first.hold().rows().entrySet().stream()
            .collect(Collectors.toMap(Map.Entry::getKey, e -> e.getValue().labelIds())));
    assertEquals(
        Set.of("/gmail/v1/users/me/profile", "/gmail/v1/users/me/messages", "/batch/gmail/v1"),
        Set.copyOf(gmailCalls()),
        gmailCalls().toString());
    assertEquals(
        3, gmailCalls().size(), "two round trips: list and profile at once, then the batch");
  }

  @Test
  void aPageWhoseRowsAreAllHeldCostsTheListAndTheHistoryOnlyAndShowsTodaysLabels()
      throws IOException {
    GmailClient.ListedPage first = page(null);
    List<String> ids = first.page().messages().stream().map(MessageSummary::id).toList();
    user.markRead(ids.get(0));
    user.star(ids.get(1));
    user.addLabels(ids.get(2), "UNREAD");
    user.removeLabels(ids.get(3), "INBOX"); // leaves the inbox: the list no longer shows it
    google.clearRequests();

    GmailClient.ListedPage second = page(first.hold());

    assertEquals(truth(second.page()), shown(second.page()));
    assertTrue(second.page().messages().stream().noneMatch(m -> m.id().equals(ids.get(3))));
    List<String> calls = gmailCalls();
    assertTrue(calls.contains("/gmail/v1/users/me/history"), calls.toString());
    // The row that came into the page from below is the only one not held: one small batch.
    assertEquals(3, calls.size(), calls.toString());
    assertEquals(user.historyId(), second.hold().position());
  }

  @Test
  void newMailAndADeletionBetweenTwoPagesShowUpOnTheNextOne() throws IOException {
    GmailClient.ListedPage first = page(null);
    String gone = first.page().messages().get(5).id();
    user.deleteMessage(gone);
    StandInMessage fresh =
        user.receiveMessage("Grace <grace@example.org>", "Fresh", "new", "INBOX", "UNREAD");

    GmailClient.ListedPage second = page(first.hold());

    assertEquals(fresh.id(), second.page().messages().get(0).id(), "new mail comes first");
    assertTrue(second.page().messages().stream().noneMatch(m -> m.id().equals(gone)));
    assertTrue(!second.hold().rows().containsKey(gone), "the deleted row is no longer held");
    assertEquals(truth(second.page()), shown(second.page()));
  }

  @Test
  void anExpiredHistoryFetchesEveryRowAndHoldsNothing() throws IOException {
    GmailClient.ListedPage first = page(null);
    user.markRead(first.page().messages().get(0).id());
    user.expireHistory();
    google.clearRequests();

    GmailClient.ListedPage second = page(first.hold());

    assertNull(second.hold(), "nothing held is trusted: the caller forgets the user");
    assertEquals(truth(second.page()), shown(second.page()));
    assertTrue(gmailCalls().contains("/batch/gmail/v1"), gmailCalls().toString());
  }

  @Test
  void aHistoryLongerThanOneAnswerIsNotUsed() throws IOException {
    GmailClient.ListedPage first = page(null);
    String id = first.page().messages().get(0).id();
    for (int i = 0; i <= GmailClient.MAX_HISTORY_RECORDS / 2; i++) {
      user.star(id);
      user.removeLabels(id, "STARRED");
    }

    GmailClient.ListedPage second = page(first.hold());

    assertNull(second.hold());
    assertEquals(truth(second.page()), shown(second.page()));
  }
}
