package io.github.gmailoauth;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;

/**
 * A test app's H2 file database that a test takes away and gives back while the app runs: shut
 * down and its file moved aside, then moved back. {@code IFEXISTS=TRUE} in {@link #appUrl} keeps
 * H2 from creating an empty database in its place while it is gone.
 */
final class H2Outage {
  /** What the app's {@code DATABASE_URL} must be for the outage to be real. */
  final String appUrl;
  private final Path file;
  private final Path away;

  private H2Outage(Path dir) {
    appUrl = TestApp.databaseUrl(dir) + ";IFEXISTS=TRUE";
    file = dir.resolve("db.mv.db");
    away = dir.resolve("db.mv.db.away");
  }

  /** Creates the (empty) database file of a test app in {@code dir}. */
  static H2Outage in(Path dir) throws SQLException {
    try (Connection create = DriverManager.getConnection(TestApp.databaseUrl(dir))) {
      create.isValid(1);
    }
    return new H2Outage(dir);
  }

  /**
   * Moves the file away while this connection holds the database open, then shuts it down. In the
   * other order, the app's pool could reopen the database between the shutdown and the move (the
   * file was still there), and that instance, closing later, could leave a file at the old path.
   */
  void takeAway() throws SQLException, IOException {
    try (Connection c = DriverManager.getConnection(appUrl)) {
      Files.move(file, away);
      c.createStatement().execute("SHUTDOWN");
    }
  }

  void bringBack() throws IOException {
    Files.move(away, file);
  }
}
