package io.github.gmailoauth.oauth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.gmailoauth.AppConfig;
import io.github.gmailoauth.testing.Browser;
import io.github.gmailoauth.testing.TestApp;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 12's outage, without sleeping: Google's token endpoint answers 500 for 6 s of the app's
 * clock while 2 users x 8 client threads keep viewing pages, every user's access token expired. The
 * clock moves in 200 ms steps; in each step every thread views one page (all 16 at once), so the
 * endpoint is asked as often as the app lets it: 480 page views, which made 480 refresh calls
 * before the back-off. On one node, and on two nodes on one database whose threads alternate
 * between the nodes (a round-robin balancer), where the back-off is shared through the grant's row.
 */
class TokenEndpointOutageTest {
  static final Duration OUTAGE = Duration.ofSeconds(6);
  static final Duration STEP = Duration.ofMillis(200);
  static final int THREADS_PER_USER = 8;

  /** The issue's goal for this scenario. */
  static final int MAX_REFRESH_CALLS = 40;

  @TempDir Path dir;

  @Test
  void oneNodeTriesEachUsersRefreshAFewTimesAndRecoversAtTheFirstRequestAfterRetryAfter()
      throws Exception {
    try (TestApp app = TestApp.start(dir)) {
      outage(List.of(app));
    }
  }

  @Test
  void twoNodesShareEachUsersBackOffThroughTheGrantsRow() throws Exception {
    // Sessions in the shared database too, so that either node serves either browser.
    try (TestApp a = TestApp.start(dir, Map.of(AppConfig.SESSION_STORE, "jdbc"));
        TestApp b = a.secondNode()) {
      outage(List.of(a, b));
    }
  }

  @Test
  void aBackOffStartedOnOneNodeHoldsOnTheOther() throws Exception {
    try (TestApp a = TestApp.start(dir, Map.of(AppConfig.SESSION_STORE, "jdbc"));
        TestApp b = a.secondNode()) {
      Browser browser = new Browser();
      assertEquals(302, a.signIn(browser).statusCode());
      advance(List.of(a, b), Duration.ofHours(2));
      a.google.failUntilRestored("POST", "/token", 500);
      HttpResponse<String> onA = browser.get(a.url("/messages"));
      assertEquals(503, onA.statusCode());
      assertEquals(1, a.google.tokenCalls("refresh_token"));
      a.google.restore("POST", "/token");
      // Google is back, but the grant's back-off (in its row) still holds on B: no call.
      HttpResponse<String> onB = browser.get(b.url("/messages"));
      assertEquals(503, onB.statusCode());
      assertEquals(1, a.google.tokenCalls("refresh_token"), "B honoured the back-off A wrote");
      assertEquals(retryAfter(onA), retryAfter(onB), "the same back-off, seen from both nodes");
      advance(List.of(a, b), Duration.ofSeconds(retryAfter(onB)));
      assertEquals(200, browser.get(b.url("/messages")).statusCode());
      assertEquals(2, a.google.tokenCalls("refresh_token"));
    }
  }

  @Test
  void whenTheEndpointFailsForManyUsersTheBreakerLetsFiveCallsThenOneProbePerCoolDown()
      throws Exception {
    try (TestApp app = TestApp.start(dir)) {
      List<Browser> users = new ArrayList<>();
      for (int u = 0; u < 8; u++) {
        String email = "user" + u + "@example.com";
        app.google
            .addUser("many-" + u, email, "User " + u)
            .addMessage("A <a@example.org>", "hello", "hi", Instant.now(), "INBOX");
        Browser browser = new Browser();
        HttpResponse<String> toGoogle =
            browser.get(app.url("/authorize?login_hint=" + email.replace("@", "%40")));
        browser.get(Browser.location(browser.answerConsent(Browser.location(toGoogle), true)));
        users.add(browser);
      }
      app.clock.advance(Duration.ofHours(2));
      app.google.failUntilRestored("POST", "/token", 500);

      // Eight users, one view each, at one instant: five failures open the breaker, and the
      // other three are told to come back after its 5 s cool-down, without a call.
      List<Long> retryAfters = new ArrayList<>();
      for (Browser user : users) {
        HttpResponse<String> page = user.get(app.url("/messages"));
        assertEquals(503, page.statusCode());
        assertTrue(page.body().contains("Google is not answering"));
        retryAfters.add(retryAfter(page));
      }
      assertEquals(5, app.google.tokenCalls("refresh_token"));
      assertEquals(
          List.of(6L, 6L, 6L), retryAfters.subList(5, 8), "the cool-down, rounded up past its end");

      // After the cool-down, still down: one probe goes out, fails, and the breaker opens again.
      app.clock.advance(Duration.ofSeconds(6));
      for (Browser user : users) {
        assertEquals(503, user.get(app.url("/messages")).statusCode());
      }
      assertEquals(6, app.google.tokenCalls("refresh_token"), "one probe");

      // Google is back: after the next cool-down the probe succeeds, and every user is served.
      app.google.restore("POST", "/token");
      app.clock.advance(Duration.ofSeconds(6));
      for (Browser user : users) {
        assertEquals(200, user.get(app.url("/messages")).statusCode());
      }
      assertEquals(6 + 8, app.google.tokenCalls("refresh_token"));
    }
  }

  private void outage(List<TestApp> nodes) throws Exception {
    TestApp first = nodes.get(0);
    first
        .google
        .addUser("222", "second@example.com", "Second")
        .addMessage("A <a@example.org>", "hello", "hi", Instant.now(), "INBOX");
    Browser one = new Browser();
    Browser two = new Browser();
    assertEquals(302, first.signIn(one).statusCode());
    HttpResponse<String> toGoogle =
        two.get(first.url("/authorize?login_hint=second%40example.com"));
    two.get(Browser.location(two.answerConsent(Browser.location(toGoogle), true)));
    List<Browser> users = List.of(one, two);

    advance(nodes, Duration.ofHours(2)); // every access token has expired
    int before = first.google.tokenCalls("refresh_token");
    first.google.failUntilRestored("POST", "/token", 500);
    Map<Integer, Integer> statuses = new TreeMap<>();
    ExecutorService clients = Executors.newFixedThreadPool(users.size() * THREADS_PER_USER);
    try {
      for (Duration t = Duration.ZERO; t.compareTo(OUTAGE) < 0; t = t.plus(STEP)) {
        List<Callable<HttpResponse<String>>> views = new ArrayList<>();
        for (Browser user : users) {
          for (int i = 0; i < THREADS_PER_USER; i++) {
            TestApp node = nodes.get(i % nodes.size());
            views.add(() -> user.get(node.url("/messages")));
          }
        }
        for (Future<HttpResponse<String>> view : clients.invokeAll(views)) {
          HttpResponse<String> page = view.get();
          statuses.merge(page.statusCode(), 1, Integer::sum);
          if (page.statusCode() == 503) {
            assertTrue(page.body().contains("Google is not answering"), page.body());
            retryAfter(page); // present and a number of seconds, on every one
          }
        }
        advance(nodes, STEP);
      }
    } finally {
      clients.shutdownNow();
    }
    int duringOutage = first.google.tokenCalls("refresh_token") - before;
    first.google.restore("POST", "/token");
    System.out.println(
        nodes.size()
            + " node(s): "
            + duringOutage
            + " refresh calls during the outage, answers "
            + statuses);

    assertEquals(
        Map.of(503, users.size() * THREADS_PER_USER * 30),
        statuses,
        "every view during the outage");
    assertTrue(
        duringOutage <= MAX_REFRESH_CALLS,
        duringOutage
            + " refresh calls for 2 users during a 6 s outage (at most "
            + MAX_REFRESH_CALLS
            + ")");
    assertTrue(duringOutage >= users.size(), "each user's refresh was tried: " + duringOutage);
    assertEquals(2, first.grantCount(), "the grants are kept");

    // Google is back. Each user's next view either succeeds, or says when to come back; the first
    // view after that succeeds. One refresh per user, no consent.
    for (Browser user : users) {
      for (TestApp node : nodes) {
        HttpResponse<String> page = user.get(node.url("/messages"));
        if (page.statusCode() == 503) {
          advance(nodes, Duration.ofSeconds(retryAfter(page)));
          page = user.get(node.url("/messages"));
        }
        assertEquals(200, page.statusCode(), "the first view after Retry-After");
      }
    }
    assertEquals(
        duringOutage + users.size(),
        first.google.tokenCalls("refresh_token") - before,
        "one refresh per user after the outage");
  }

  private static long retryAfter(HttpResponse<String> page) {
    String value =
        page.headers()
            .firstValue("Retry-After")
            .orElseThrow(() -> new AssertionError("no Retry-After"));
    long seconds = Long.parseLong(value);
    assertTrue(seconds >= 1 && seconds <= 120, "Retry-After: " + value);
    return seconds;
  }

  private static void advance(List<TestApp> nodes, Duration by) {
    for (TestApp node : nodes) {
      node.clock.advance(by);
    }
  }
}
