package io.github.gmailoauth.health;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.when;

import java.sql.SQLException;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;

/**
 * A database that hangs: the probe still answers, in time, and never starts a second check
 * meanwhile.
 */
class DatabaseReadinessTest {
  @Test
  void aHungDatabaseIsNotReadyWithinTheBoundAndIsCheckedOnceAtATime() throws Exception {
    CountDownLatch hung = new CountDownLatch(1);
    AtomicInteger checks = new AtomicInteger();
    DataSource database = mock(DataSource.class); // the edge: a pool whose database never answers
    when(database.getConnection())
        .thenAnswer(
            call -> {
              checks.incrementAndGet();
              hung.await();
              throw new SQLException("connection refused", "08001");
            });
    try (DatabaseReadiness readiness =
        new DatabaseReadiness(database, "3", Duration.ofMillis(200))) {
      // Three probes while the database hangs: each gives up on its own (a hung probe would fail
      // here after 10 s), and all three wait for the same single check.
      assertTimeoutPreemptively(
          Duration.ofSeconds(10),
          () -> {
            for (int i = 0; i < 3; i++) {
              assertFalse(readiness.isReady());
            }
          });
      assertEquals(1, checks.get());

      // Once the hung check ends, the next probe runs a check of its own.
      hung.countDown();
      assertTimeoutPreemptively(
          Duration.ofSeconds(10),
          () -> {
            long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
            while (checks.get() < 2 && System.nanoTime() < deadline) {
              assertFalse(readiness.isReady());
            }
          });
      assertEquals(2, checks.get());
    }
  }
}
