package io.github.gmailoauth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.gmailoauth.bench.RestartablePostgres;
import io.github.gmailoauth.oauth.SignInCompletion;
import io.github.gmailoauth.testing.Browser;
import io.github.gmailoauth.testing.H2Outage;
import io.github.gmailoauth.testing.TestApp;
import io.github.gmailoauth.testing.TestDatabase;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 12, point 1: a database blip signs nobody out. While the database is away, a request whose
 * session cannot be loaded answers 503 with Retry-After (never a redirect to Google's consent); a
 * callback whose grant or new session cannot be saved says so with a 503 page. Each test takes a
 * real database away (H2 shut down and its file moved aside; an embedded PostgreSQL stopped) and
 * brings it back.
 */
class DatabaseBlipTest {
  static final Map<String, String> JDBC_SESSIONS = Map.of(AppConfig.SESSION_STORE, "jdbc");

  @TempDir Path dir;

  @Test
  void aSignedInSessionOutlivesAnH2OutageWithJdbcSessions() throws Exception {
    H2Outage database = H2Outage.in(dir);
    Map<String, String> settings = new HashMap<>(JDBC_SESSIONS);
    settings.put(AppConfig.DATABASE_URL, database.appUrl);
    try (TestApp app = TestApp.start(dir, settings)) {
      Browser browser = new Browser();
      app.signIn(browser);
      assertEquals(200, browser.get(app.url("/messages")).statusCode());
      int signIns = app.grantCount();

      database.takeAway();
      for (String path : List.of("/messages", "/")) {
        assertUnavailableNotSignedOut(browser.get(app.url(path)), path);
      }

      database.bringBack();
      assertEquals(
          200, browser.get(app.url("/messages")).statusCode(), "the same cookies, no new sign-in");
      assertEquals(signIns, app.grantCount());
    }
  }

  @Test
  void aSessionWhoseLoadFailedIsNotASignOutEvenWhenTheDatabaseAnswersAgain() throws Exception {
    // What a 0.5 s restart does: the session's load fails, and by the time anyone asks, the
    // database answers again. Here the load fails on a missing session table, which Jetty reports
    // exactly like a refused connection ("Unable to get Session"), while the readiness check
    // passes.
    try (TestApp app = TestApp.start(dir, JDBC_SESSIONS)) {
      Browser browser = new Browser();
      app.signIn(browser);
      assertEquals(200, browser.get(app.url("/messages")).statusCode());
      try (Connection c = app.database.open();
          Statement s = c.createStatement()) {
        s.execute("ALTER TABLE JettySessions RENAME TO JettySessionsAway");
      }
      HttpResponse<String> page = browser.get(app.url("/messages"));
      try (Connection c = app.database.open();
          Statement s = c.createStatement()) {
        s.execute("ALTER TABLE JettySessionsAway RENAME TO JettySessions");
      }
      assertUnavailableNotSignedOut(page, "/messages");
      assertEquals(
          200, browser.get(app.url("/messages")).statusCode(), "the same cookies, no new sign-in");
    }
  }

  @Test
  void anUnknownSessionIdWhileTheDatabaseIsFineIsSimplySignedOut() throws Exception {
    try (TestApp app = TestApp.start(dir, JDBC_SESSIONS)) {
      Browser browser = new Browser();
      app.signIn(browser);
      try (Connection c = app.database.open();
          Statement s = c.createStatement()) {
        assertEquals(1, s.executeUpdate("DELETE FROM JettySessions"));
      }
      HttpResponse<String> page = browser.get(app.url("/messages"));
      assertEquals(302, page.statusCode());
      assertTrue(Browser.location(page).contains("/authorize"), Browser.location(page));
    }
  }

  @Test
  void aSignedInSessionOutlivesAPostgresqlRestart() throws Exception {
    try (RestartablePostgres postgres = new RestartablePostgres(dir.resolve("pgdata"));
        TestApp app = TestApp.start(dir, connect(postgres), JDBC_SESSIONS)) {
      Browser browser = new Browser();
      app.signIn(browser);
      assertEquals(200, browser.get(app.url("/messages")).statusCode());

      postgres.stop();
      assertUnavailableNotSignedOut(browser.get(app.url("/messages")), "/messages");

      postgres.start();
      assertEquals(
          200, browser.get(app.url("/messages")).statusCode(), "the same cookies, no new sign-in");
      assertEquals(1, app.grantCount());
    }
  }

  @Test
  void aGrantThatCannotBeSavedGivesA503PageAndNoRow() throws Exception {
    try (RestartablePostgres postgres = new RestartablePostgres(dir.resolve("pgdata"));
        TestApp app = TestApp.start(dir, connect(postgres), Map.of());
        Warnings warnings = new Warnings(SignInCompletion.class.getName())) {
      Browser browser = new Browser();
      HttpResponse<String> authorize = browser.get(app.url("/authorize"));
      String callback = Browser.location(browser.answerConsent(Browser.location(authorize), true));

      postgres.stop();
      HttpResponse<String> page = browser.get(callback);
      postgres.start();

      assertEquals(503, page.statusCode());
      assertNotNull(page.headers().firstValue("Retry-After").orElse(null), "Retry-After");
      assertTrue(
          page.body().contains("signed in at Google, but we could not save it"), page.body());
      assertTrue(page.body().contains("try again"), page.body());
      assertEquals(1, warnings.count(), warnings.messages.toString());
      assertEquals(0, app.grantCount(), "nothing half-written");
      assertEquals(302, app.signIn(browser).statusCode(), "signing in again works");
      assertEquals(200, browser.get(app.url("/messages")).statusCode());
    }
  }

  @Test
  void aSessionThatCannotBeSavedAtSignInIsExplained() throws Exception {
    try (TestApp app = TestApp.start(dir, JDBC_SESSIONS)) {
      Browser browser = new Browser();
      HttpResponse<String> authorize = browser.get(app.url("/authorize"));
      String callback = Browser.location(browser.answerConsent(Browser.location(authorize), true));

      // The database fails after the grant is saved: the grant's table still works, the session
      // table and Flyway's history (what the readiness check reads) are gone.
      try (Connection c = app.database.open();
          Statement s = c.createStatement()) {
        s.execute("ALTER TABLE JettySessions RENAME TO JettySessionsAway");
        s.execute("ALTER TABLE \"flyway_schema_history\" RENAME TO \"flyway_away\"");
      }
      HttpResponse<String> page = browser.get(callback);
      try (Connection c = app.database.open();
          Statement s = c.createStatement()) {
        s.execute("ALTER TABLE JettySessionsAway RENAME TO JettySessions");
        s.execute("ALTER TABLE \"flyway_away\" RENAME TO \"flyway_schema_history\"");
      }
      assertEquals(1, app.grantCount(), "the grant was saved");

      assertEquals(503, page.statusCode(), page.body());
      assertNotNull(page.headers().firstValue("Retry-After").orElse(null), "Retry-After");
      assertTrue(page.body().contains("try again"), page.body());
      assertEquals(302, app.signIn(browser).statusCode(), "signing in again works");
      assertEquals(200, browser.get(app.url("/messages")).statusCode());
    }
  }

  private static void assertUnavailableNotSignedOut(HttpResponse<String> page, String path) {
    assertEquals(
        503, page.statusCode(), path + ": " + page.headers().firstValue("Location").orElse(""));
    assertTrue(page.headers().firstValue("Retry-After").isPresent(), path + ": Retry-After");
    assertTrue(page.body().contains("try again"), path + ": " + page.body());
    assertFalse(page.body().contains("Sign in with Google"), path + ": not shown as signed out");
  }

  /** The app's settings for a {@link RestartablePostgres}. */
  private static TestDatabase.Connect connect(RestartablePostgres postgres) {
    return new TestDatabase.Connect(postgres.url(), RestartablePostgres.USER, "");
  }

  /** Counts WARNING records of one logger while open. */
  static final class Warnings extends Handler implements AutoCloseable {
    final List<String> messages = new ArrayList<>();
    private final Logger logger;

    Warnings(String loggerName) {
      logger = Logger.getLogger(loggerName);
      logger.addHandler(this);
    }

    @Override
    public synchronized void publish(LogRecord record) {
      if (record.getLevel().intValue() >= Level.WARNING.intValue()) {
        messages.add(record.getMessage());
      }
    }

    synchronized int count() {
      return messages.size();
    }

    @Override
    public void flush() {}

    @Override
    public void close() {
      logger.removeHandler(this);
    }
  }
}
