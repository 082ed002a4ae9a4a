package io.github.gmailoauth.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;

/**
 * A test app's H2 file database that a test takes away and gives back while the app runs: shut down
 * and its file moved aside, then moved back. {@code IFEXISTS=TRUE} in {@link #appUrl} keeps H2 from
 * creating an empty database in its place while it is gone.
 */
public final class H2Outage {
  /** What the app's {@code DATABASE_URL} must be for the outage to be real. */
  public final String appUrl;

  private final Path file;
  private final Path away;

  private H2Outage(Path dir) {
    appUrl = TestApp.databaseUrl(dir) + ";IFEXISTS=TRUE";
    file = dir.resolve("db.mv.db");
    away = dir.resolve("db.mv.db.away");
  }

  /** Creates the (empty) database file of a test app in {@code dir}. */
  public static H2Outage in(Path dir) throws SQLException {
    try (Connection create = DriverManager.getConnection(TestApp.databaseUrl(dir))) {
      create.isValid(1);
    }
    return new H2Outage(dir);
  }

  /**
   * Shuts the database down and moves its file aside. The app's pool may reopen the database
   * between the shutdown and the move (it then runs on the moved file, and the outage would not be
   * real), so after the move it is shut down again for as long as it still opens (only an open
   * database opens without its file, IFEXISTS); a file its close wrote back in place is the newest.
   */
  public void takeAway() throws SQLException, IOException {
    shutdownIfOpen();
    Files.move(file, away);
    for (int i = 0; i < 10 && shutdownIfOpen(); i++) {
      if (Files.exists(file)) {
        Files.move(file, away, StandardCopyOption.REPLACE_EXISTING);
      }
    }
    if (Files.exists(file)) {
      Files.move(file, away, StandardCopyOption.REPLACE_EXISTING);
    }
  }

  private boolean shutdownIfOpen() {
    try (Connection c = DriverManager.getConnection(appUrl)) {
      c.createStatement().execute("SHUTDOWN");
      return true;
    } catch (SQLException notOpen) {
      return false;
    }
  }

  public void bringBack() throws IOException {
    Files.move(away, file);
  }
}
