package io.github.gmailoauth.oauth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.gmailoauth.standin.RecordedRequest;
import io.github.gmailoauth.testing.Browser;
import io.github.gmailoauth.testing.TestApp;
import io.github.gmailoauth.testing.TestDatabase;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The same person finishing several sign-ins at the same moment (several tabs, a double click, a
 * retried redirect): each callback exchanges its own code and saves a grant for the same user id,
 * before any row of that user exists. None may fail, and what is left must be one row whose refresh
 * token works.
 */
@ParameterizedClass
@EnumSource(TestDatabase.class)
class ConcurrentSignInTest {
  @Parameter TestDatabase kind;

  static final int BROWSERS = 8;

  @TempDir Path dir;

  @Test
  void concurrentCallbacksOfTheSameUserLeaveOneRowWithAWorkingRefreshToken() throws Exception {
    try (TestApp app = TestApp.start(dir, kind, Map.of())) {
      String userId = app.google.defaultUser().id();

      // Each browser up to the callback URL Google sends it back to, not following it yet.
      List<Browser> browsers = new ArrayList<>();
      List<String> callbacks = new ArrayList<>();
      for (int i = 0; i < BROWSERS; i++) {
        Browser browser = new Browser();
        HttpResponse<String> toGoogle = browser.get(app.url("/authorize"));
        assertEquals(302, toGoogle.statusCode());
        HttpResponse<String> back = browser.answerConsent(Browser.location(toGoogle), true);
        assertEquals(302, back.statusCode());
        String callback = Browser.location(back);
        assertTrue(callback.startsWith(app.url("/oauth2callback?")), callback);
        browsers.add(browser);
        callbacks.add(callback);
      }
      assertEquals(0, app.grantCount(), "no row before the callbacks");

      // All callbacks at once: the barrier releases the threads together.
      CyclicBarrier together = new CyclicBarrier(BROWSERS);
      ExecutorService pool = Executors.newFixedThreadPool(BROWSERS);
      List<HttpResponse<String>> answers = new ArrayList<>();
      try {
        List<Future<HttpResponse<String>>> futures = new ArrayList<>();
        for (int i = 0; i < BROWSERS; i++) {
          Browser browser = browsers.get(i);
          String callback = callbacks.get(i);
          futures.add(
              pool.submit(
                  () -> {
                    together.await(10, TimeUnit.SECONDS);
                    return browser.get(callback);
                  }));
        }
        for (Future<HttpResponse<String>> f : futures) {
          answers.add(f.get(30, TimeUnit.SECONDS));
        }
      } finally {
        pool.shutdownNow();
      }
      List<Integer> statuses = answers.stream().map(HttpResponse::statusCode).toList();
      for (HttpResponse<String> answer : answers) {
        assertEquals(
            302, answer.statusCode(), "every callback succeeds; all statuses: " + statuses);
        assertEquals(app.url("/messages"), Browser.location(answer));
      }
      assertEquals(BROWSERS, app.google.tokenCalls("authorization_code"));

      // One row, holding one of the refresh tokens Google really issued.
      assertEquals(1, app.grantCount());
      String stored = (String) app.grantRow(userId).get("refresh_token");
      assertTrue(
          app.google.issuedRefreshTokens().contains(stored),
          "the stored refresh token is not Google's");
      assertEquals(BROWSERS, app.google.issuedRefreshTokens().size());

      // It works: two hours on, the access token is stale and the page needs a refresh with it.
      app.clock.advance(Duration.ofHours(2));
      int refreshesBefore = app.google.tokenCalls("refresh_token");
      HttpResponse<String> page = browsers.get(0).get(app.url("/messages"));
      assertEquals(200, page.statusCode());
      assertEquals(refreshesBefore + 1, app.google.tokenCalls("refresh_token"));
      List<RecordedRequest> tokenCalls = app.google.requests("POST", "/token");
      RecordedRequest refresh = tokenCalls.get(tokenCalls.size() - 1);
      assertEquals("refresh_token", refresh.formParam("grant_type"));
      assertEquals(stored, refresh.formParam("refresh_token"), "the refresh used the stored token");
      assertEquals(1, app.grantCount());
    }
  }
}
