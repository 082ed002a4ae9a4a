package io.github.gmailoauth.oauth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.gmailoauth.testing.Browser;
import io.github.gmailoauth.testing.TestApp;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Access tokens reused, refreshed once, and every kind of Google failure answered in its own way.
 */
class TokenLifecycleTest {
  @TempDir Path dir;
  TestApp app;
  Browser browser;
  String userId;

  @BeforeEach
  void signIn() throws Exception {
    app = TestApp.start(dir);
    browser = new Browser();
    userId = app.google.defaultUser().id();
    assertEquals(302, app.signIn(browser).statusCode());
  }

  @AfterEach
  void stop() throws Exception {
    app.close();
  }

  @Test
  void aHundredPageViewsWithinATokensLifetimeMakeNoRefresh() throws Exception {
    for (int i = 0; i < 100; i++) {
      assertEquals(200, browser.get(app.url("/messages")).statusCode());
      app.clock.advance(Duration.ofSeconds(30)); // 50 minutes in all: still within the hour
    }
    assertEquals(1, app.google.tokenCalls("authorization_code"));
    assertEquals(0, app.google.tokenCalls("refresh_token"));
  }

  @Test
  void theAccessTokenIsRefreshedSixtySecondsBeforeItExpires() throws Exception {
    app.clock.advance(Duration.ofSeconds(3600 - 61));
    browser.get(app.url("/messages"));
    assertEquals(0, app.google.tokenCalls("refresh_token"));
    app.clock.advance(Duration.ofSeconds(2));
    browser.get(app.url("/messages"));
    assertEquals(1, app.google.tokenCalls("refresh_token"));
  }

  @Test
  void twentyConcurrentRequestsWithAnExpiredTokenMakeExactlyOneRefreshAndAllSucceed()
      throws Exception {
    app.clock.advance(Duration.ofHours(2));
    app.google.setLatency(Duration.ofMillis(50)); // a refresh that takes a while, so they overlap
    List<Integer> statuses = concurrently(20, () -> browser.get(app.url("/messages")).statusCode());
    assertEquals(List.of(), statuses.stream().filter(s -> s != 200).toList());
    assertEquals(1, app.google.tokenCalls("refresh_token"));
  }

  @Test
  void usersNeverWaitOnEachOthersRefresh() throws Exception {
    // The default user's refresh hangs for a while; another user's page must not wait for it.
    app.google
        .addUser("222", "second@example.com", "Second")
        .addMessage("A <a@example.org>", "hello", "hi", java.time.Instant.now(), "INBOX");
    Browser second = new Browser();
    HttpResponse<String> toGoogle =
        second.get(app.url("/authorize?login_hint=second%40example.com"));
    second.get(Browser.location(second.answerConsent(Browser.location(toGoogle), true)));
    app.google.hangNext("POST", "/token", Duration.ofSeconds(3), 1);
    app.clock.advance(Duration.ofHours(2));
    ExecutorService pool = Executors.newSingleThreadExecutor();
    try {
      Future<Integer> slow = pool.submit(() -> browser.get(app.url("/messages")).statusCode());
      // Wait until the first user's refresh is hanging at the stand-in.
      long deadline = System.nanoTime() + Duration.ofSeconds(2).toNanos();
      while (app.google.tokenCalls("refresh_token") == 0 && System.nanoTime() < deadline) {
        Thread.onSpinWait();
      }
      // The second user's token has expired too, but its refresh is its own.
      assertEquals(200, second.get(app.url("/messages")).statusCode());
      assertFalse(
          slow.isDone(), "the second user finished while the first user's refresh still hung");
      assertEquals(200, slow.get());
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void aRotatedRefreshTokenReplacesTheStoredOneAndAnAnswerWithoutOneKeepsIt() throws Exception {
    String original = (String) app.grantRow(userId).get("refresh_token");
    app.clock.advance(Duration.ofHours(2));
    browser.get(app.url("/messages"));
    assertEquals(original, app.grantRow(userId).get("refresh_token"), "no new refresh token: kept");
    app.google.setRotateRefreshTokens(true);
    app.clock.advance(Duration.ofHours(2));
    browser.get(app.url("/messages"));
    String rotated = (String) app.grantRow(userId).get("refresh_token");
    assertNotEquals(original, rotated);
    app.clock.advance(Duration.ofHours(2));
    assertEquals(200, browser.get(app.url("/messages")).statusCode(), "the rotated token works");
    assertEquals(3, app.google.tokenCalls("refresh_token"));
  }

  @Test
  void invalidGrantTwiceWithinMinutesShowsAnExplanationInsteadOfALoop() throws Exception {
    app.google.revokeRefreshTokens();
    app.clock.advance(Duration.ofHours(2));
    HttpResponse<String> first = browser.get(app.url("/messages"));
    assertEquals(302, first.statusCode());
    assertTrue(app.grantRow(userId).isEmpty());
    // The user consents again; Google refuses the new grant at once too (a minute later).
    app.signIn(browser);
    app.google.revokeRefreshTokens();
    app.google.revokeAccessTokens();
    app.clock.advance(Duration.ofMinutes(1));
    HttpResponse<String> second = browser.get(app.url("/messages"));
    assertEquals(403, second.statusCode());
    assertTrue(second.body().contains("Google keeps refusing access"));
    assertTrue(second.headers().firstValue("Location").isEmpty());
  }

  @Test
  void
      aTokenEndpoint5xxKeepsTheGrantBacksOffAndTheFirstRequestAfterRetryAfterRecoversWithoutConsent()
          throws Exception {
    app.clock.advance(Duration.ofHours(2));
    app.google.answerNext(
        "POST", "/token", 503, "text/html", "<h1>down</h1>".getBytes(StandardCharsets.UTF_8), 1);
    HttpResponse<String> down = browser.get(app.url("/messages"));
    assertEquals(503, down.statusCode());
    assertTrue(down.body().contains("Google is not answering"));
    assertFalse(app.grantRow(userId).isEmpty(), "the grant is kept");
    assertEquals(1, app.grantRow(userId).get("refresh_failures"));
    // Within the back-off: the same answer, without asking Google again.
    HttpResponse<String> again = browser.get(app.url("/messages"));
    assertEquals(503, again.statusCode());
    assertTrue(again.body().contains("Google is not answering"));
    assertEquals(1, app.google.tokenCalls("refresh_token"), "no call during the back-off");
    app.clock.advance(Duration.ofSeconds(retryAfter(again)));
    assertEquals(
        200, browser.get(app.url("/messages")).statusCode(), "Google is back: no consent needed");
    assertEquals(2, app.google.tokenCalls("refresh_token"));
    assertEquals(0, app.grantRow(userId).get("refresh_failures"), "a success ends the back-off");
    assertEquals(null, app.grantRow(userId).get("refresh_retry_at"));
  }

  @Test
  void aTokenEndpointConnectionResetKeepsTheGrantAndAnswers503() throws Exception {
    app.clock.advance(Duration.ofHours(2));
    app.google.resetNext("POST", "/token", 1);
    HttpResponse<String> down = browser.get(app.url("/messages"));
    assertEquals(503, down.statusCode());
    assertFalse(app.grantRow(userId).isEmpty());
    app.clock.advance(Duration.ofSeconds(retryAfter(down)));
    assertEquals(200, browser.get(app.url("/messages")).statusCode());
  }

  @Test
  void failedRefreshesInARowBackOffExponentiallyWithJitterUpToAMinute() throws Exception {
    app.clock.advance(Duration.ofHours(2));
    app.google.failUntilRestored("POST", "/token", 500);
    // Equal jitter: the n-th failure in a row waits between d/2 and d, d = min(60 s, 2^(n-1) s);
    // Retry-After is that, rounded up to whole seconds. (This node's breaker opens at the fifth
    // failure; its 5 s cool-down is shorter than the back-off from then on.)
    long[] d = {1, 2, 4, 8, 16, 32, 60, 60, 60};
    for (int n = 1; n <= d.length; n++) {
      HttpResponse<String> down = browser.get(app.url("/messages"));
      assertEquals(503, down.statusCode());
      assertEquals(n, app.google.tokenCalls("refresh_token"), "one call per back-off");
      assertEquals(n, app.grantRow(userId).get("refresh_failures"));
      long seconds = retryAfter(down);
      assertTrue(
          seconds >= Math.max(1, d[n - 1] / 2) && seconds <= d[n - 1],
          "failure "
              + n
              + ": Retry-After "
              + seconds
              + " s, expected within ["
              + d[n - 1] / 2
              + ", "
              + d[n - 1]
              + "]");
      // A second before it ends, still backing off (and no call); then the next attempt goes out.
      if (seconds > 1) {
        app.clock.advance(Duration.ofSeconds(seconds - 1));
        assertEquals(503, browser.get(app.url("/messages")).statusCode());
        assertEquals(n, app.google.tokenCalls("refresh_token"));
        app.clock.advance(Duration.ofSeconds(1));
      } else {
        app.clock.advance(Duration.ofSeconds(seconds));
      }
    }
    app.google.restore("POST", "/token");
    assertEquals(200, browser.get(app.url("/messages")).statusCode());
    assertEquals(0, app.grantRow(userId).get("refresh_failures"));
  }

  static long retryAfter(HttpResponse<String> page) {
    return Long.parseLong(
        page.headers()
            .firstValue("Retry-After")
            .orElseThrow(() -> new AssertionError("no Retry-After")));
  }

  @Test
  void aHangingTokenEndpointTimesOutWithin10SecondsAndAnswers503() throws Exception {
    app.clock.advance(Duration.ofHours(2));
    app.google.hangNext("POST", "/token", Duration.ofSeconds(30), 1);
    long start = System.nanoTime();
    HttpResponse<String> answer = browser.get(app.url("/messages"));
    long seconds = Duration.ofNanos(System.nanoTime() - start).toSeconds();
    assertEquals(503, answer.statusCode());
    assertTrue(seconds < 25, "gave up on its own deadline, not the hang's: " + seconds + " s");
    assertFalse(app.grantRow(userId).isEmpty());
  }

  @Test
  void gmailRateLimitsAreRetriedWithBackoffAndThenSucceed() throws Exception {
    app.google.failGmail(429, 2);
    assertEquals(200, browser.get(app.url("/messages")).statusCode());
    app.google.failGmail403("userRateLimitExceeded", 1);
    assertEquals(200, browser.get(app.url("/messages")).statusCode());
    app.google.failGmail(503, 1);
    assertEquals(200, browser.get(app.url("/messages")).statusCode());
  }

  @Test
  void gmailStayingBusyGivesA503BusyPageAndKeepsTheGrant() throws Exception {
    app.google.clearRequests();
    app.google.failGmail(429, 1000);
    HttpResponse<String> page = browser.get(app.url("/messages"));
    assertEquals(503, page.statusCode());
    assertTrue(page.body().contains("Google is busy"));
    int attempts = app.google.requests("GET", "/gmail/v1/users/me/messages").size();
    assertTrue(attempts >= 3 && attempts <= 8, "bounded retries: " + attempts);
    assertFalse(app.grantRow(userId).isEmpty());
  }

  @Test
  void aRetryAfterLongerThanTheBudgetIsHonouredByGivingUp() throws Exception {
    app.google.clearRequests();
    app.google.failGmail(429, 1, "30");
    assertEquals(503, browser.get(app.url("/messages")).statusCode());
    assertEquals(
        1,
        app.google.requests("GET", "/gmail/v1/users/me/messages").size(),
        "no retry before Retry-After");
  }

  @Test
  void gmailForbiddenForLackOfScopeShowsThePermissionPageNotALoop() throws Exception {
    app.google.failGmail403("insufficientPermissions", 1);
    HttpResponse<String> page = browser.get(app.url("/messages"));
    assertEquals(403, page.statusCode());
    assertTrue(page.body().contains("Permission needed"));
  }

  interface Call {
    int run() throws Exception;
  }

  static List<Integer> concurrently(int n, Call call) throws Exception {
    CyclicBarrier start = new CyclicBarrier(n);
    ExecutorService pool = Executors.newFixedThreadPool(n);
    try {
      List<Future<Integer>> futures = new ArrayList<>();
      for (int i = 0; i < n; i++) {
        futures.add(
            pool.submit(
                () -> {
                  start.await();
                  return call.run();
                }));
      }
      List<Integer> results = new ArrayList<>();
      for (Future<Integer> f : futures) {
        results.add(f.get());
      }
      return results;
    } finally {
      pool.shutdownNow();
    }
  }
}
