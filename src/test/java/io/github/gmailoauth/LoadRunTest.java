package io.github.gmailoauth;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.github.gmailoauth.testing.Browser;
import io.github.gmailoauth.testing.TestApp;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A small load run: 50 signed-in users, 400 page views from 8 client threads in this JVM, access
 * tokens expiring three times during the run, with injected failures (Gmail 503s that the backoff
 * absorbs, token endpoint 500s that users see as 503: each failed user's second view in that phase
 * falls in the user's refresh back-off, and is a 503 too, without a call). Asserts zero 5xx beyond
 * those and exactly the expected number of refreshes, and prints the table the README shows.
 */
class LoadRunTest {
  static final int USERS = 50;
  static final int PHASES = 4;
  static final int REQUESTS_PER_PHASE = 100;
  static final int CLIENT_THREADS = 8;
  static final int INJECTED_TOKEN_FAILURES = 3;
  static final int INJECTED_GMAIL_FAILURES = 5;

  @TempDir Path dir;

  @Test
  void fiftyUsersWithExpiringTokensGetNo5xxBeyondTheInjectedAndOneRefreshPerUserPerExpiry()
      throws Exception {
    try (TestApp app = TestApp.start(dir)) {
      // Tokens live 120 s and are refreshed 60 s early: each 61 s step of the clock expires them
      // all.
      app.google.setAccessTokenLifetime(Duration.ofSeconds(120));
      List<Browser> browsers = new ArrayList<>();
      for (int u = 0; u < USERS; u++) {
        String email = "user" + u + "@example.com";
        app.google
            .addUser("load-" + u, email, "User " + u)
            .addMessage("Sender <s@example.org>", "Hello " + u, "snippet", Instant.now(), "INBOX");
        Browser browser = new Browser();
        HttpResponse<String> toGoogle =
            browser.get(app.url("/authorize?login_hint=" + email.replace("@", "%40")));
        browser.get(Browser.location(browser.answerConsent(Browser.location(toGoogle), true)));
        browsers.add(browser);
      }

      Map<Integer, Integer> statuses = Collections.synchronizedMap(new TreeMap<>());
      List<Long> latencies = Collections.synchronizedList(new ArrayList<>());
      ExecutorService clients = Executors.newFixedThreadPool(CLIENT_THREADS);
      long started = System.nanoTime();
      try {
        for (int phase = 0; phase < PHASES; phase++) {
          if (phase > 0) {
            app.clock.advance(Duration.ofSeconds(61));
          }
          if (phase == 2) {
            app.google.answerNext(
                "POST",
                "/token",
                500,
                "text/html",
                "<h1>oops</h1>".getBytes(StandardCharsets.UTF_8),
                INJECTED_TOKEN_FAILURES);
            app.google.failGmail(503, INJECTED_GMAIL_FAILURES);
          }
          List<Future<?>> work = new ArrayList<>();
          for (int r = 0; r < REQUESTS_PER_PHASE; r++) {
            Browser browser = browsers.get(r % USERS);
            work.add(
                clients.submit(
                    () -> {
                      long t0 = System.nanoTime();
                      int status = browser.get(app.url("/messages")).statusCode();
                      latencies.add(System.nanoTime() - t0);
                      statuses.merge(status, 1, Integer::sum);
                      return null;
                    }));
          }
          for (Future<?> f : work) {
            f.get();
          }
        }
      } finally {
        clients.shutdownNow();
      }
      double seconds = (System.nanoTime() - started) / 1e9;
      int total = PHASES * REQUESTS_PER_PHASE;
      // Phases 1-3 expire every user's token once; each of the 50 users is asked for twice in each,
      // and refreshed once: a user whose refresh failed is backing off at the second view, and
      // refreshes in the next phase (whose refresh is counted there anyway).
      int expectedRefreshes = (PHASES - 1) * USERS;
      int expected5xx = 2 * INJECTED_TOKEN_FAILURES;
      int refreshes = app.google.tokenCalls("refresh_token");
      int serverErrors =
          statuses.entrySet().stream()
              .filter(e -> e.getKey() >= 500)
              .mapToInt(Map.Entry::getValue)
              .sum();
      List<Long> sorted = new ArrayList<>(latencies);
      Collections.sort(sorted);

      System.out.println();
      System.out.println("| figure | value |");
      System.out.println("|---|---|");
      System.out.println("| users signed in | " + USERS + " |");
      System.out.println(
          "| page views ("
              + CLIENT_THREADS
              + " client threads, in the test JVM) | "
              + total
              + " |");
      System.out.println(
          "| access-token expiries during the run | "
              + (PHASES - 1)
              + " (every user's, each time) |");
      System.out.println("| answers by status | " + statuses + " |");
      System.out.println(
          "| injected: token endpoint 500 / Gmail 503 | "
              + INJECTED_TOKEN_FAILURES
              + " / "
              + INJECTED_GMAIL_FAILURES
              + " |");
      System.out.println(
          "| 5xx answers (expected "
              + expected5xx
              + ": the "
              + INJECTED_TOKEN_FAILURES
              + " users whose refresh failed, twice each) | "
              + serverErrors
              + " |");
      System.out.println(
          "| refresh calls (expected " + expectedRefreshes + ") | " + refreshes + " |");
      System.out.println(
          "| code exchanges | " + app.google.tokenCalls("authorization_code") + " |");
      System.out.printf(
          "| latency p50 / p95 / max | %.1f / %.1f / %.1f ms |%n",
          ms(sorted, 0.50), ms(sorted, 0.95), ms(sorted, 1.0));
      System.out.printf("| throughput | %.0f page views/s |%n", total / seconds);
      System.out.println();

      assertEquals(
          expected5xx, serverErrors, "no 5xx beyond the injected token failures: " + statuses);
      assertEquals(expected5xx, statuses.getOrDefault(503, 0));
      assertEquals(total - expected5xx, statuses.getOrDefault(200, 0));
      assertEquals(expectedRefreshes, refreshes);
      assertEquals(USERS, app.google.tokenCalls("authorization_code"));
    }
  }

  private static double ms(List<Long> sorted, double quantile) {
    int i = (int) Math.min(sorted.size() - 1, Math.ceil(quantile * sorted.size()) - 1);
    return sorted.get(Math.max(0, i)) / 1e6;
  }
}
