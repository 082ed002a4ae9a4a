package io.github.gmailoauth.testing;

import io.github.gmailoauth.AppConfig;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The databases the tests run on: an H2 file in the test's folder, or a fresh database on a real
 * PostgreSQL 14. One PostgreSQL serves the whole test JVM (started on first use, stopped when the
 * JVM exits); each test gets its own database, owned by its own role that is not a superuser and
 * logs in with a SCRAM-SHA-256 password, so the app's SQL is proven under ordinary rights and the
 * production authentication path.
 */
public enum TestDatabase {
  H2,
  POSTGRESQL;

  /** Where and as whom the app connects: what DATABASE_URL, _USER and _PASSWORD would say. */
  public record Connect(String url, String user, String password) {
    public Connection open() throws SQLException {
      return user == null
          ? DriverManager.getConnection(url)
          : DriverManager.getConnection(url, user, password);
    }

    /** The app's settings for this database. */
    public Map<String, String> settings() {
      Map<String, String> settings = new HashMap<>();
      settings.put(AppConfig.DATABASE_URL, url);
      if (user != null) {
        settings.put(AppConfig.DATABASE_USER, user);
        settings.put(AppConfig.DATABASE_PASSWORD, password);
      }
      return settings;
    }

    @Override
    public String toString() {
      return url;
    }
  }

  /**
   * A new, empty database for one test; {@code dir} is the test's temporary folder (H2 lives
   * there).
   */
  public Connect create(Path dir) {
    return switch (this) {
      case H2 -> new Connect(TestApp.databaseUrl(dir), null, null);
      case POSTGRESQL -> Postgres.createDatabase();
    };
  }

  /** The one PostgreSQL of this JVM. */
  public static final class Postgres {
    private static final AtomicInteger DATABASES = new AtomicInteger();
    private static final SecureRandom RANDOM = new SecureRandom();
    private static EmbeddedPostgres server;

    private Postgres() {}

    public static synchronized EmbeddedPostgres server() {
      if (server == null) {
        try {
          server =
              EmbeddedPostgres.builder()
                  // Throw-away data: no durability needed, and the machine is shared.
                  .setServerConfig("fsync", "off")
                  .setServerConfig("synchronous_commit", "off")
                  .setServerConfig("full_page_writes", "off")
                  .setServerConfig("max_connections", "300")
                  .setServerConfig("password_encryption", "scram-sha-256")
                  .setDataDirectoryCustomizer(Postgres::requirePasswords)
                  .start();
        } catch (IOException e) {
          throw new UncheckedIOException("cannot start the embedded PostgreSQL", e);
        }
      }
      return server;
    }

    /**
     * Only the superuser "postgres" (which the tests use to create databases and roles) is trusted;
     * every other role must log in with its SCRAM password, as in production.
     */
    private static void requirePasswords(java.io.File dataDirectory) {
      String hba =
          String.join(
              "\n",
              "local all postgres trust",
              "host all postgres 127.0.0.1/32 trust",
              "host all postgres ::1/128 trust",
              "local all all scram-sha-256",
              "host all all 127.0.0.1/32 scram-sha-256",
              "host all all ::1/128 scram-sha-256",
              "");
      try {
        Files.writeString(
            dataDirectory.toPath().resolve("pg_hba.conf"), hba, StandardCharsets.US_ASCII);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }

    /** A new database owned by a new login role (no superuser, no CREATEDB, no CREATEROLE). */
    public static Connect createDatabase() {
      EmbeddedPostgres pg = server();
      int n = DATABASES.incrementAndGet();
      String role = "app" + n;
      String database = "test" + n;
      byte[] secret = new byte[18];
      RANDOM.nextBytes(secret);
      String password = Base64.getUrlEncoder().withoutPadding().encodeToString(secret);
      try (Connection admin = pg.getPostgresDatabase().getConnection();
          Statement s = admin.createStatement()) {
        s.execute(
            "CREATE ROLE "
                + role
                + " LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE PASSWORD '"
                + password
                + "'");
        s.execute("CREATE DATABASE " + database + " OWNER " + role);
      } catch (SQLException e) {
        throw new IllegalStateException("cannot create a test database", e);
      }
      return new Connect(
          "jdbc:postgresql://localhost:" + pg.getPort() + "/" + database, role, password);
    }

    /** A connection as the superuser, for what a test must check behind the app's back. */
    public static Connection admin() throws SQLException {
      return server().getPostgresDatabase().getConnection();
    }
  }
}
