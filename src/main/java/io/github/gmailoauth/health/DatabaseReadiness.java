package io.github.gmailoauth.health;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import javax.sql.DataSource;

/**
 * Whether the database is usable: a connection from the pool answers a query, and Flyway's history
 * records the newest migration this build carries as applied.
 *
 * <p>A probe never waits longer than its bound: a hung database (the pool waits up to its own
 * timeout for a connection, a query may wait longer) gives "not ready" in time instead of a hung
 * probe. The check runs on one thread of its own, and probes that arrive while a check is still
 * running wait for that same check, so a hung database never piles up threads or connections.
 */
public final class DatabaseReadiness implements AutoCloseable {
  /** Flyway's default history table; quoted, because Flyway creates it in lower case. */
  private static final String NEWEST_APPLIED =
      "SELECT COUNT(*) FROM \"flyway_schema_history\" WHERE \"version\" = ? AND \"success\" = TRUE";

  private static final int QUERY_TIMEOUT_SECONDS = 5;

  private final DataSource dataSource;
  private final String newestMigration;
  private final Duration bound;
  private final ExecutorService checker =
      Executors.newSingleThreadExecutor(
          r -> {
            Thread t = new Thread(r, "readiness-check");
            t.setDaemon(true);
            return t;
          });
  private CompletableFuture<Boolean> running; // guarded by this

  /**
   * @param newestMigration the version of the newest migration this build carries, e.g. "3"
   * @param bound the longest a probe waits for the answer
   */
  public DatabaseReadiness(DataSource dataSource, String newestMigration, Duration bound) {
    this.dataSource = dataSource;
    this.newestMigration = newestMigration;
    this.bound = bound;
  }

  public boolean isReady() {
    CompletableFuture<Boolean> check;
    try {
      synchronized (this) {
        if (running == null || running.isDone()) {
          running = CompletableFuture.supplyAsync(this::check, checker);
        }
        check = running;
      }
      return check.get(bound.toNanos(), TimeUnit.NANOSECONDS);
    } catch (TimeoutException | ExecutionException | RejectedExecutionException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  private boolean check() {
    try (Connection connection = dataSource.getConnection();
        PreparedStatement applied = connection.prepareStatement(NEWEST_APPLIED)) {
      applied.setQueryTimeout(QUERY_TIMEOUT_SECONDS);
      applied.setString(1, newestMigration);
      try (ResultSet rs = applied.executeQuery()) {
        return rs.next() && rs.getInt(1) > 0;
      }
    } catch (SQLException | RuntimeException e) {
      return false;
    }
  }

  @Override
  public void close() {
    checker.shutdownNow();
  }
}
