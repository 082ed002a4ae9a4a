package io.github.gmailoauth.health;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.gmailoauth.AppConfig;
import io.github.gmailoauth.testing.Await;
import io.github.gmailoauth.testing.H2Outage;
import io.github.gmailoauth.testing.TestApp;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code /healthz} and {@code /readyz} over real HTTP: small JSON and nothing else, no session, no
 * sign-in; readiness follows the database (gone, then back; newest migration not applied).
 */
class HealthChecksTest {
  static final String UP = "{\"status\":\"UP\"}";
  static final String READY = "{\"status\":\"READY\"}";
  static final String NOT_READY = "{\"status\":\"NOT_READY\"}";

  @TempDir Path dir;
  private final HttpClient http = HttpClient.newHttpClient();

  private HttpResponse<String> get(TestApp app, String path, String... headers) throws Exception {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(app.url(path)));
    if (headers.length > 0) {
      request.headers(headers);
    }
    return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  /**
   * The probe's answer is exactly {@code body} with {@code status}, as JSON, uncached, and sets no
   * cookie.
   */
  private static void assertProbe(int status, String body, HttpResponse<String> answer) {
    assertEquals(status, answer.statusCode(), answer.body());
    assertEquals(body, answer.body());
    assertEquals("application/json", answer.headers().firstValue("Content-Type").orElse(null));
    assertEquals("no-store", answer.headers().firstValue("Cache-Control").orElse(null));
    assertTrue(
        answer.headers().allValues("Set-Cookie").isEmpty(),
        "no session: " + answer.headers().map());
    assertTrue(answer.headers().firstValue("Server").isEmpty(), "no Server header");
  }

  @Test
  void aFreshAppIsUpAndReadyAndTheProbesSayNothingElse() throws Exception {
    try (TestApp app = TestApp.start(dir)) {
      assertProbe(200, UP, get(app, "/healthz"));
      assertProbe(200, READY, get(app, "/readyz"));
      // Not signed in, and a probe that looks cross-site is not a state change: still answered.
      assertProbe(
          200,
          READY,
          get(app, "/readyz", "Sec-Fetch-Site", "cross-site", "Origin", "https://lb.invalid"));
      // A probe that presents a stale session cookie gets no new session either.
      assertProbe(200, UP, get(app, "/healthz", "Cookie", "JSESSIONID=node0stale.node0"));
      HttpResponse<Void> head =
          http.send(
              HttpRequest.newBuilder(URI.create(app.url("/readyz")))
                  .method("HEAD", HttpRequest.BodyPublishers.noBody())
                  .build(),
              HttpResponse.BodyHandlers.discarding());
      assertEquals(200, head.statusCode());
    }
  }

  @Test
  void readinessIs503WhileTheDatabaseIsGoneAndComesBackByItself() throws Exception {
    H2Outage database = H2Outage.in(dir);
    try (TestApp app = TestApp.start(dir, Map.of(AppConfig.DATABASE_URL, database.appUrl))) {
      assertProbe(200, READY, get(app, "/readyz"));

      database.takeAway();

      assertProbe(503, NOT_READY, get(app, "/readyz"));
      assertProbe(503, NOT_READY, get(app, "/readyz"));
      assertProbe(200, UP, get(app, "/healthz"));

      database.bringBack();
      // The pool reconnects by itself, retrying with a back-off: polled, not slept.
      Await.until(
          Duration.ofSeconds(20),
          "ready again after the database's return",
          () -> get(app, "/readyz").statusCode() == 200);
      assertProbe(200, READY, get(app, "/readyz"));
    }
  }

  @Test
  void readinessIs503WhileTheNewestMigrationIsNotApplied() throws Exception {
    try (TestApp app = TestApp.start(dir)) {
      assertProbe(200, READY, get(app, "/readyz"));
      String newest;
      try (Connection c = DriverManager.getConnection(app.databaseUrl);
          ResultSet rs =
              c.createStatement()
                  .executeQuery(
                      "SELECT \"version\" FROM \"flyway_schema_history\" ORDER BY \"installed_rank\" DESC LIMIT 1")) {
        assertTrue(rs.next());
        newest = rs.getString(1);
      }
      setSuccess(app, newest, false); // what a failed migration leaves behind
      assertProbe(503, NOT_READY, get(app, "/readyz"));
      assertProbe(200, UP, get(app, "/healthz"));
      setSuccess(app, newest, true);
      assertProbe(200, READY, get(app, "/readyz"));
    }
  }

  private static void setSuccess(TestApp app, String version, boolean success) throws Exception {
    try (Connection c = DriverManager.getConnection(app.databaseUrl);
        PreparedStatement ps =
            c.prepareStatement(
                "UPDATE \"flyway_schema_history\" SET \"success\" = ? WHERE \"version\" = ?")) {
      ps.setBoolean(1, success);
      ps.setString(2, version);
      assertEquals(1, ps.executeUpdate());
    }
  }
}
