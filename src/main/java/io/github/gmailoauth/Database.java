package io.github.gmailoauth;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import com.zaxxer.hikari.SQLExceptionOverride;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.SQLException;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.MigrationInfo;
import org.flywaydb.core.api.MigrationVersion;

/**
 * Opens the connection pool and brings the schema up to date before anything uses it. H2 ({@code
 * jdbc:h2:}) or PostgreSQL ({@code jdbc:postgresql:}); the same migrations serve both.
 */
final class Database {
  private Database() {}

  /** H2's "database closed", "closed at shutdown" and "connection broken" error codes. */
  private static final Set<Integer> H2_CONNECTION_LOSS = Set.of(90098, 90121, 90067);

  /** SQLSTATE class 08 (connection exception), PostgreSQL's 57P0x (shutdown), or H2's own codes. */
  static boolean isConnectionLoss(SQLException e) {
    String state = e.getSQLState();
    return (state != null && (state.startsWith("08") || state.startsWith("57P0")))
        || H2_CONNECTION_LOSS.contains(e.getErrorCode());
  }

  /** The pool, with the schema brought up to date. */
  static HikariDataSource open(AppConfig config) {
    keepH2FilesPrivate(config.databaseUrl());
    HikariDataSource dataSource = pool(config);
    try {
      migrate(dataSource);
    } catch (RuntimeException e) {
      dataSource.close();
      throw e;
    }
    return dataSource;
  }

  /**
   * Applies the migrations in {@code db/migration}. The same SQL runs on H2 and PostgreSQL.
   *
   * <p>Jetty's JDBC session store creates its own {@code JettySessions} table when it starts, which
   * may be before the first migration ran (on a stock Jetty the session store starts before the
   * app's listener). Flyway refuses a non-empty schema without its history table unless told to
   * baseline it; a baseline at version 0 records "nothing applied yet", so V1 onwards still run. On
   * a database that already has a history table the two settings do nothing.
   */
  static void migrate(DataSource dataSource) {
    flyway(dataSource).migrate();
  }

  /**
   * One connection pool per node: the token store and (SESSION_STORE=jdbc) the session store share
   * it.
   */
  static HikariDataSource pool(AppConfig config) {
    HikariConfig hikari = new HikariConfig();
    hikari.setPoolName("gmail-oauth-webapp");
    hikari.setJdbcUrl(config.databaseUrl());
    if (config.databaseUser() != null) {
      hikari.setUsername(config.databaseUser());
    }
    if (config.databasePassword() != null) {
      hikari.setPassword(config.databasePassword());
    }
    hikari.setMaximumPoolSize(10);
    // A request waits at most this long for a connection; then it gets a 503 page.
    hikari.setConnectionTimeout(3_000);
    // When the database goes away (restarted, failed over, shut down), every pooled connection is
    // dead: evict them all at the first sign, so that the app recovers by itself once it returns
    // instead of failing one request per stale connection.
    AtomicReference<HikariDataSource> pool = new AtomicReference<>();
    hikari.setExceptionOverride(
        new SQLExceptionOverride() {
          @java.lang
              .Override // in here, a bare Override is the inherited SQLExceptionOverride.Override
          public SQLExceptionOverride.Override adjudicate(SQLException e) {
            if (!isConnectionLoss(e)) {
              return SQLExceptionOverride.Override.CONTINUE_EVICT;
            }
            HikariDataSource current = pool.get();
            if (current != null && current.getHikariPoolMXBean() != null) {
              current.getHikariPoolMXBean().softEvictConnections();
            }
            return SQLExceptionOverride.Override.MUST_EVICT;
          }
        });
    HikariDataSource dataSource = new HikariDataSource(hikari);
    pool.set(dataSource);
    return dataSource;
  }

  private static final String OWNER_ONLY_FILE = "rw-------";
  private static final String OWNER_ONLY_FOLDER = "rwx------";

  /**
   * Keeps an H2 file database readable by the account the app runs as only: the grants are
   * encrypted, but the sessions ({@code SESSION_STORE=jdbc}) and who signed in are not. H2 creates
   * its files with the process's umask (typically world-readable), so the folders the database
   * needs are created rwx------, and its {@code .mv.db} file is created rw------- before H2 opens
   * it (H2 takes an empty file as a new database); an existing one, or its trace file, is narrowed
   * to rw-------. Nothing happens for an in-memory database or on a file system without POSIX
   * permissions.
   */
  static void keepH2FilesPrivate(String databaseUrl) {
    Path database = h2File(databaseUrl);
    if (database == null) {
      return;
    }
    try {
      Path folder = database.toAbsolutePath().getParent();
      if (folder != null && !Files.isDirectory(folder)) {
        Files.createDirectories(
            folder,
            PosixFilePermissions.asFileAttribute(
                PosixFilePermissions.fromString(OWNER_ONLY_FOLDER)));
      }
      Path data = Path.of(database + ".mv.db");
      if (!Files.exists(data)) {
        Files.createFile(
            data,
            PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString(OWNER_ONLY_FILE)));
      }
      for (Path file : List.of(data, Path.of(database + ".trace.db"))) {
        if (Files.exists(file)) {
          Files.setPosixFilePermissions(file, PosixFilePermissions.fromString(OWNER_ONLY_FILE));
        }
      }
    } catch (UnsupportedOperationException notPosix) {
      // e.g. Windows: its ACLs are the administrator's business
    } catch (IOException e) {
      throw new UncheckedIOException("cannot prepare the H2 database file " + database, e);
    }
  }

  /**
   * The file path (without H2's ".mv.db") of a {@code jdbc:h2:file:} or {@code jdbc:h2:<path>} URL;
   * null for in-memory and H2's other storage kinds ({@code mem:}, {@code nio:}, {@code zip:} ...).
   */
  static Path h2File(String databaseUrl) {
    if (databaseUrl == null || !databaseUrl.regionMatches(true, 0, "jdbc:h2:", 0, 8)) {
      return null;
    }
    String name = databaseUrl.substring(8);
    int settings = name.indexOf(';');
    if (settings >= 0) {
      name = name.substring(0, settings);
    }
    if (name.regionMatches(true, 0, "file:", 0, 5)) {
      name = name.substring(5);
    } else if (name.matches("(?s)[A-Za-z][A-Za-z0-9]+:.*")) {
      return null; // another storage kind; a one-letter prefix would be a Windows drive
    }
    if (name.isEmpty()) {
      return null;
    }
    if (name.startsWith("~")) {
      name = System.getProperty("user.home") + name.substring(1);
    }
    try {
      return Path.of(name);
    } catch (InvalidPathException e) {
      return null;
    }
  }

  /** The version of the newest migration this build carries: what a ready database has applied. */
  static String newestMigration(DataSource dataSource) {
    return Arrays.stream(flyway(dataSource).info().all())
        .filter(migration -> migration.getState().isResolved() && migration.getVersion() != null)
        .map(MigrationInfo::getVersion)
        .max(Comparator.naturalOrder())
        .map(MigrationVersion::getVersion)
        .orElseThrow(() -> new IllegalStateException("no migrations on the classpath"));
  }

  private static Flyway flyway(DataSource dataSource) {
    return Flyway.configure()
        .dataSource(dataSource)
        .locations("classpath:db/migration")
        .baselineOnMigrate(true)
        .baselineVersion("0")
        .load();
  }
}
