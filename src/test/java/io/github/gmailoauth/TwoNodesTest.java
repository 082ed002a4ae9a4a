package io.github.gmailoauth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import io.github.gmailoauth.testing.Browser;
import io.github.gmailoauth.testing.TestApp;
import io.github.gmailoauth.testing.TestDatabase;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Two app instances on one database (H2, and PostgreSQL): a refresh on one is reused by the other,
 * concurrent expired requests on both make one refresh between them, and with refresh-token
 * rotation no rotated token is lost.
 */
@ParameterizedClass
@EnumSource(TestDatabase.class)
class TwoNodesTest {
  @Parameter TestDatabase kind;

  @TempDir Path dir;

  @Test
  void concurrentRequestsOnTwoNodesMakeOneRefreshAndKeepTheRotatedToken() throws Exception {
    try (TestApp a = TestApp.start(dir, kind, Map.of());
        TestApp b = a.secondNode()) {
      String userId = a.google.defaultUser().id();
      Browser onA = new Browser();
      Browser onB = new Browser();
      a.signIn(onA);
      a.google.setIssueRefreshTokens(false); // the second sign-in reuses the stored grant
      b.signIn(onB);
      a.google.setIssueRefreshTokens(true);
      a.google.setRotateRefreshTokens(true);
      a.google.setLatency(Duration.ofMillis(30));
      String before = (String) a.grantRow(userId).get("refresh_token");

      a.clock.advance(Duration.ofHours(2));
      b.clock.advance(Duration.ofHours(2));
      CyclicBarrier start = new CyclicBarrier(20);
      ExecutorService pool = Executors.newFixedThreadPool(20);
      List<Future<Integer>> answers = new ArrayList<>();
      try {
        for (int i = 0; i < 20; i++) {
          Browser browser = i % 2 == 0 ? onA : onB;
          TestApp node = i % 2 == 0 ? a : b;
          Callable<Integer> call =
              () -> {
                start.await();
                return browser.get(node.url("/messages")).statusCode();
              };
          answers.add(pool.submit(call));
        }
        for (Future<Integer> answer : answers) {
          assertEquals(200, answer.get());
        }
      } finally {
        pool.shutdownNow();
      }
      assertEquals(1, a.google.tokenCalls("refresh_token"), "one refresh across both nodes");
      String rotated = (String) a.grantRow(userId).get("refresh_token");
      assertNotEquals(before, rotated, "the rotated refresh token was stored");

      // The rotated token works: another expiry later, node B refreshes with it.
      b.clock.advance(Duration.ofHours(2));
      assertEquals(200, onB.get(b.url("/messages")).statusCode());
      assertEquals(2, a.google.tokenCalls("refresh_token"));
      // And node A reuses B's fresh token without another refresh.
      a.clock.advance(Duration.ofHours(2).minusMinutes(10));
      assertEquals(200, onA.get(a.url("/messages")).statusCode());
      assertEquals(2, a.google.tokenCalls("refresh_token"));
    }
  }
}
