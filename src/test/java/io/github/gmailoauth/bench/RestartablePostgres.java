package io.github.gmailoauth.bench;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Path;

/**
 * A real PostgreSQL of its own (the tests' shared one serves other tests) that can be stopped and
 * started again on the same data directory and port, as {@code pg_ctl restart} would: what {@code
 * DatabaseBlipTest} and the soak ({@link Soak}) take away under a running app. Connections go to
 * the superuser's database, which is trusted: the app's rights are not under test here (the shared
 * test database checks them).
 */
public final class RestartablePostgres implements AutoCloseable {
  private final Path data;
  private final int port;
  private EmbeddedPostgres server;

  /** Starts a PostgreSQL whose data lives in {@code data} (created, or reused if it holds one). */
  public RestartablePostgres(Path data) throws IOException {
    this.data = data;
    try (ServerSocket free = new ServerSocket(0)) {
      port = free.getLocalPort();
    }
    start();
  }

  /** The JDBC URL of the superuser's database, user {@value #USER}, no password. */
  public String url() {
    return "jdbc:postgresql://localhost:" + port + "/postgres";
  }

  public static final String USER = "postgres";

  public synchronized void start() throws IOException {
    server =
        EmbeddedPostgres.builder()
            .setDataDirectory(data)
            .setCleanDataDirectory(false)
            .setPort(port)
            // Throw-away data: no durability needed, and the machine is shared.
            .setServerConfig("fsync", "off")
            .setServerConfig("max_connections", "100")
            .start();
  }

  /**
   * Stops the server (zonky's close: {@code pg_ctl stop -m fast}); {@link #start} brings it back.
   */
  public synchronized void stop() throws IOException {
    server.close();
  }

  @Override
  public synchronized void close() throws IOException {
    server.close();
  }
}
