package io.github.gmailoauth.oauth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.gmailoauth.AppConfig;
import io.github.gmailoauth.standin.RecordedRequest;
import io.github.gmailoauth.testing.Browser;
import io.github.gmailoauth.testing.Query;
import io.github.gmailoauth.testing.TestApp;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Tokens encrypted at rest, seen from the outside: the app over real HTTP against the stand-in
 * Google, and its database read with plain JDBC and as a file.
 */
class TokenEncryptionTest {
  @TempDir Path dir;
  TestApp app;
  Browser browser = new Browser();
  String userId;

  @BeforeEach
  void start() throws Exception {
    app = TestApp.start(dir);
    userId = app.google.defaultUser().id();
    assertEquals(app.url("/messages"), Browser.location(app.signIn(browser)));
  }

  @AfterEach
  void stop() throws Exception {
    app.close();
  }

  @Test
  void theDatabaseFileHoldsNoTokenInPlainText() throws Exception {
    Map<String, Object> row = app.grantRow(userId);
    String refreshToken = (String) row.get("refresh_token");
    String accessToken = (String) row.get("access_token");
    assertTrue(refreshToken.startsWith("srt-"), "decrypts to the stand-in's refresh token");
    assertEquals(List.of(refreshToken), app.google.issuedRefreshTokens());
    assertTrue(app.google.issuedAccessTokens().contains(accessToken));
    Map<String, Object> raw = app.rawGrantRow(userId);
    assertEquals(TestApp.keyId(TestApp.TOKEN_KEY), raw.get("key_id"));
    assertFalse(((String) raw.get("refresh_token")).contains(refreshToken));
    assertFalse(((String) raw.get("access_token")).contains(accessToken));

    app.stop(); // closes the pool, so H2 writes and closes the file
    byte[] file = Files.readAllBytes(dir.resolve("db.mv.db"));
    assertFalse(contains(file, refreshToken), "refresh token in plain text in the database file");
    assertFalse(contains(file, accessToken), "access token in plain text in the database file");
    // The scan does find what is stored in plain text, so the two checks above mean something.
    assertTrue(contains(file, app.google.defaultUser().email()));
  }

  @Test
  void aTamperedRowSendsTheUserThroughConsentAndTheNextSignInReplacesIt() throws Exception {
    assertEquals(200, browser.get(app.url("/messages")).statusCode());
    String firstRefreshToken = (String) app.grantRow(userId).get("refresh_token");
    tamperRefreshToken();

    HttpResponse<String> messages = browser.get(app.url("/messages"));
    assertEquals(302, messages.statusCode(), "consent, not an error page");
    assertTrue(
        Browser.location(messages).startsWith(app.url("/authorize")), Browser.location(messages));

    // Google sends no new refresh token: the broken row cannot stand in for one, so consent again.
    app.google.setIssueRefreshTokens(false);
    HttpResponse<String> callback = app.signIn(browser);
    String again = Browser.location(callback);
    assertTrue(again.startsWith(app.google.authUri()), again);
    assertEquals("consent", Query.param(again, "prompt"));

    // Consent brings a refresh token, which replaces the broken row.
    app.google.setIssueRefreshTokens(true);
    HttpResponse<String> done = browser.get(Browser.location(browser.answerConsent(again, true)));
    assertEquals(app.url("/messages"), Browser.location(done));
    assertEquals(200, browser.get(app.url("/messages")).statusCode());
    String newRefreshToken = (String) app.grantRow(userId).get("refresh_token");
    assertTrue(newRefreshToken.startsWith("srt-"));
    assertNotEquals(firstRefreshToken, newRefreshToken);
    assertEquals(TestApp.keyId(TestApp.TOKEN_KEY), app.rawGrantRow(userId).get("key_id"));
  }

  @Test
  void aNewCurrentKeyKeepsOldRowsReadableAndTheNextWriteMovesThemToIt() throws Exception {
    String refreshToken = (String) app.grantRow(userId).get("refresh_token");
    app.restart(
        Map.of(AppConfig.TOKEN_ENCRYPTION_KEY, TestApp.OTHER_TOKEN_KEY + "," + TestApp.TOKEN_KEY));
    assertEquals(
        TestApp.keyId(TestApp.TOKEN_KEY),
        app.rawGrantRow(userId).get("key_id"),
        "start-up leaves it alone");

    // Signing in again with no refresh token from Google works only if the old row decrypts.
    app.google.setIssueRefreshTokens(false);
    Browser later = new Browser();
    assertEquals(app.url("/messages"), Browser.location(app.signIn(later)), "no second consent");
    assertEquals(200, later.get(app.url("/messages")).statusCode());
    assertEquals(
        TestApp.keyId(TestApp.OTHER_TOKEN_KEY),
        app.rawGrantRow(userId).get("key_id"),
        "rewritten under the new key");
    assertEquals(refreshToken, app.grantRow(userId).get("refresh_token"));

    // The re-encrypted refresh token is still the one Google accepts.
    app.clock.advance(Duration.ofHours(2));
    assertEquals(200, later.get(app.url("/messages")).statusCode());
    List<RecordedRequest> refreshes =
        app.google.requests("POST", "/token").stream()
            .filter(r -> "refresh_token".equals(r.formParam("grant_type")))
            .toList();
    assertEquals(1, refreshes.size());
    assertEquals(refreshToken, refreshes.get(0).formParam("refresh_token"));
  }

  @Test
  void aRowUnderARetiredKeySendsItsUserThroughConsent() throws Exception {
    app.restart(Map.of(AppConfig.TOKEN_ENCRYPTION_KEY, TestApp.OTHER_TOKEN_KEY));
    app.google.setIssueRefreshTokens(false);
    Browser later = new Browser();
    String again = Browser.location(app.signIn(later));
    assertTrue(again.startsWith(app.google.authUri()), "sent through consent: " + again);
    assertEquals("consent", Query.param(again, "prompt"));
    assertEquals(
        TestApp.keyId(TestApp.TOKEN_KEY), app.rawGrantRow(userId).get("key_id"), "not overwritten");

    app.google.setIssueRefreshTokens(true);
    HttpResponse<String> done = later.get(Browser.location(later.answerConsent(again, true)));
    assertEquals(app.url("/messages"), Browser.location(done));
    assertEquals(200, later.get(app.url("/messages")).statusCode());
    assertEquals(TestApp.keyId(TestApp.OTHER_TOKEN_KEY), app.rawGrantRow(userId).get("key_id"));
  }

  @Test
  void aPlaintextRowFromBeforeEncryptionIsEncryptedAtStartUpAndKeepsWorking() throws Exception {
    // Tokens the stand-in really issued, written in plain text into the previous release's schema.
    String refreshToken = (String) app.grantRow(userId).get("refresh_token");
    String accessToken = (String) app.grantRow(userId).get("access_token");
    String email = app.google.defaultUser().email();
    app.restart(
        Map.of(),
        url -> {
          try (Connection c = DriverManager.getConnection(url)) {
            c.createStatement().execute("DROP ALL OBJECTS");
          }
          Flyway.configure()
              .dataSource(url, null, null)
              .locations("classpath:db/migration")
              .target("1")
              .load()
              .migrate();
          try (Connection c = DriverManager.getConnection(url);
              PreparedStatement ps =
                  c.prepareStatement(
                      "INSERT INTO google_grant (user_id, email, refresh_token, scopes, access_token,"
                          + " access_token_expires_at, version, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, 0, ?, ?)")) {
            OffsetDateTime now = OffsetDateTime.ofInstant(app.clock.instant(), ZoneOffset.UTC);
            ps.setString(1, userId);
            ps.setString(2, email);
            ps.setString(3, refreshToken);
            ps.setString(4, AppConfig.DEFAULT_SCOPES);
            ps.setString(5, accessToken);
            ps.setObject(6, now.plusMinutes(30));
            ps.setObject(7, now);
            ps.setObject(8, now);
            ps.executeUpdate();
          }
        });

    assertEquals("5", latestMigration(), "every migration since V1 ran at start-up");
    Map<String, Object> raw = app.rawGrantRow(userId);
    assertEquals(TestApp.keyId(TestApp.TOKEN_KEY), raw.get("key_id"), "encrypted at start-up");
    assertFalse(((String) raw.get("refresh_token")).contains(refreshToken));
    assertFalse(((String) raw.get("access_token")).contains(accessToken));
    assertEquals(refreshToken, app.grantRow(userId).get("refresh_token"));

    app.google.setIssueRefreshTokens(false);
    Browser later = new Browser();
    assertEquals(
        app.url("/messages"), Browser.location(app.signIn(later)), "the stored grant is used");
    app.clock.advance(Duration.ofHours(2));
    assertEquals(200, later.get(app.url("/messages")).statusCode());
    RecordedRequest refresh =
        app.google.requests("POST", "/token").stream()
            .filter(r -> "refresh_token".equals(r.formParam("grant_type")))
            .findFirst()
            .orElseThrow();
    assertEquals(refreshToken, refresh.formParam("refresh_token"));
  }

  @Test
  void withoutAKeyTheAppDoesNotStart() {
    Map<String, String> noKey = new HashMap<>();
    noKey.put(AppConfig.TOKEN_ENCRYPTION_KEY, null);
    Exception e = assertThrows(Exception.class, () -> app.restart(noKey));
    Throwable cause = e;
    while (cause != null && !(cause instanceof AppConfig.ConfigException)) {
      cause = cause.getCause();
    }
    assertTrue(cause != null, "a ConfigException: " + e);
    assertTrue(cause.getMessage().contains(AppConfig.TOKEN_ENCRYPTION_KEY), cause.getMessage());
  }

  private void tamperRefreshToken() throws Exception {
    String sealed = (String) app.rawGrantRow(userId).get("refresh_token");
    byte[] bytes = Base64.getDecoder().decode(sealed);
    bytes[bytes.length - 1] ^= 0x40; // one bit of the tag
    try (Connection c = DriverManager.getConnection(app.databaseUrl);
        PreparedStatement ps =
            c.prepareStatement("UPDATE google_grant SET refresh_token = ? WHERE user_id = ?")) {
      ps.setString(1, Base64.getEncoder().encodeToString(bytes));
      ps.setString(2, userId);
      assertEquals(1, ps.executeUpdate());
    }
  }

  private String latestMigration() throws Exception {
    try (Connection c = DriverManager.getConnection(app.databaseUrl);
        ResultSet rs =
            c.createStatement()
                .executeQuery(
                    "SELECT \"version\" FROM \"flyway_schema_history\" WHERE \"success\" ORDER BY \"installed_rank\" DESC")) {
      assertTrue(rs.next());
      return rs.getString(1);
    }
  }

  private static boolean contains(byte[] haystack, String needle) {
    byte[] n = needle.getBytes(StandardCharsets.UTF_8);
    outer:
    for (int i = 0; i + n.length <= haystack.length; i++) {
      for (int j = 0; j < n.length; j++) {
        if (haystack[i + j] != n[j]) {
          continue outer;
        }
      }
      return true;
    }
    return false;
  }
}
