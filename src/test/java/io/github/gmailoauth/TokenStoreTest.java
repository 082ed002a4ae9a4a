package io.github.gmailoauth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.zaxxer.hikari.HikariDataSource;
import io.github.gmailoauth.oauth.Grant;
import io.github.gmailoauth.oauth.TokenCipher;
import io.github.gmailoauth.oauth.TokenStore;
import io.github.gmailoauth.testing.MutableClock;
import io.github.gmailoauth.testing.TestApp;
import io.github.gmailoauth.testing.TestDatabase;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The grants table on a real H2 database and on a real PostgreSQL, each migrated by Flyway exactly
 * as at start-up.
 */
@ParameterizedClass
@EnumSource(TestDatabase.class)
class TokenStoreTest {
  @Parameter TestDatabase kind;
  @TempDir Path dir;
  TestDatabase.Connect database;
  HikariDataSource dataSource;
  MutableClock clock = new MutableClock();
  TokenStore store;

  @BeforeEach
  void open() throws Exception {
    database = kind.create(dir);
  }

  /** Migrates the database (as start-up does) and opens a store under {@link TestApp#TOKEN_KEY}. */
  private void migrateAndOpen() throws Exception {
    Path secrets =
        Files.writeString(
            dir.resolve("cs.json"), "{\"web\":{\"client_id\":\"a\",\"client_secret\":\"b\"}}");
    Map<String, String> settings = database.settings();
    settings.put(AppConfig.GOOGLE_CLIENT_SECRETS, secrets.toString());
    settings.put(AppConfig.TOKEN_ENCRYPTION_KEY, TestApp.TOKEN_KEY);
    AppConfig config = AppConfig.load(settings::get);
    dataSource = Database.open(config);
    store = new TokenStore(dataSource, config.tokenCipher(), clock);
  }

  /** Another store on the same database, with another key setting (as after a restart). */
  private TokenStore storeWithKeys(String keys) {
    return new TokenStore(dataSource, TokenCipher.fromBase64Keys(keys), clock);
  }

  @AfterEach
  void close() {
    if (dataSource != null) {
      dataSource.close();
    }
  }

  @Test
  void aSignInWithoutRefreshTokenAndNoRowStoresNothing() throws Exception {
    migrateAndOpen();
    assertFalse(store.saveSignIn("u1", "u1@example.com", null, "s", "at", Instant.now()));
    assertTrue(store.find("u1").isEmpty());
  }

  @Test
  void aStoredRefreshTokenIsNeverOverwrittenWithNull() throws Exception {
    migrateAndOpen();
    Instant expiry = clock.instant().plusSeconds(3600).truncatedTo(ChronoUnit.MILLIS);
    assertTrue(store.saveSignIn("u1", "old@example.com", "rt-1", "s1", "at-1", expiry));
    assertTrue(store.saveSignIn("u1", "new@example.com", null, "s2", "at-2", expiry));
    Grant grant = store.find("u1").orElseThrow();
    assertEquals("rt-1", grant.refreshToken());
    assertEquals("new@example.com", grant.email());
    assertEquals("s2", grant.scopes());
    assertEquals("at-2", grant.accessToken());
    assertEquals(expiry, grant.accessTokenExpiresAt());

    store.saveRefreshed("u1", store.find("u1").orElseThrow().version(), "at-3", expiry, null);
    assertEquals("rt-1", store.find("u1").orElseThrow().refreshToken());
    store.saveRefreshed("u1", store.find("u1").orElseThrow().version(), "at-4", expiry, "rt-2");
    assertEquals(
        "rt-2",
        store.find("u1").orElseThrow().refreshToken(),
        "a rotated refresh token replaces the old");
  }

  @Test
  void forgettingTheAccessTokenKeepsTheGrantAndDeleteRemovesIt() throws Exception {
    migrateAndOpen();
    store.saveSignIn("u1", "a@example.com", "rt", "s", "at", clock.instant().plusSeconds(60));
    store.forgetAccessToken("u1", store.find("u1").orElseThrow().version());
    Grant grant = store.find("u1").orElseThrow();
    assertNull(grant.accessToken());
    assertEquals("rt", grant.refreshToken());
    store.delete("u1");
    assertTrue(store.find("u1").isEmpty());
  }

  @Test
  void usersAreKeptApartAndToStringShowsNoToken() throws Exception {
    migrateAndOpen();
    store.saveSignIn("u1", "a@example.com", "rt-a", "s", "at-a", clock.instant());
    store.saveSignIn("u2", "b@example.com", "rt-b", "s", "at-b", clock.instant());
    assertEquals("rt-a", store.find("u1").orElseThrow().refreshToken());
    assertEquals("rt-b", store.find("u2").orElseThrow().refreshToken());
    String printed = store.find("u1").orElseThrow().toString();
    assertFalse(printed.contains("rt-a") || printed.contains("at-a"), printed);
  }

  // --- encryption at rest ---

  @Test
  void theTableHoldsCiphertextAndTheKeyIdNeverTheTokens() throws Exception {
    migrateAndOpen();
    store.saveSignIn(
        "u1", "a@example.com", "srt-plain-refresh", "s", "sat-plain-access", clock.instant());
    Map<String, Object> row = raw("u1");
    String refresh = (String) row.get("refresh_token");
    String access = (String) row.get("access_token");
    assertFalse(refresh.contains("srt-plain-refresh"), refresh);
    assertFalse(access.contains("sat-plain-access"), access);
    assertFalse(
        new String(
                Base64.getDecoder().decode(refresh), java.nio.charset.StandardCharsets.ISO_8859_1)
            .contains("plain-refresh"),
        "not merely base64 of the token");
    assertEquals(TestApp.keyId(TestApp.TOKEN_KEY), row.get("key_id"));
    // nonce (12) + ciphertext (as long as the token) + tag (16)
    assertEquals(
        12 + "srt-plain-refresh".length() + 16, Base64.getDecoder().decode(refresh).length);

    // The same token written twice is stored differently (a fresh nonce per write).
    store.saveRefreshed(
        "u1",
        store.find("u1").orElseThrow().version(),
        "sat-plain-access",
        clock.instant(),
        "srt-plain-refresh");
    assertNotEquals(refresh, raw("u1").get("refresh_token"));
    assertNotEquals(access, raw("u1").get("access_token"));
    assertEquals("srt-plain-refresh", store.find("u1").orElseThrow().refreshToken());
  }

  @Test
  void aTamperedRowIsNoGrantAndIsLoggedByUserAndReasonOnly() throws Exception {
    migrateAndOpen();
    store.saveSignIn("u1", "a@example.com", "rt-1", "s", "at-1", clock.instant());
    String sealed = (String) raw("u1").get("refresh_token");
    byte[] bytes = Base64.getDecoder().decode(sealed);
    bytes[20] ^= 1; // one bit of the ciphertext
    String tampered = Base64.getEncoder().encodeToString(bytes);
    update("UPDATE google_grant SET refresh_token = ? WHERE user_id = ?", tampered, "u1");

    List<LogRecord> logged = new ArrayList<>();
    Logger logger = Logger.getLogger(TokenStore.class.getName());
    Handler capture =
        new Handler() {
          @Override
          public void publish(LogRecord r) {
            logged.add(r);
          }

          @Override
          public void flush() {}

          @Override
          public void close() {}
        };
    logger.addHandler(capture);
    try {
      assertTrue(store.find("u1").isEmpty(), "a row that does not decrypt is no grant");
    } finally {
      logger.removeHandler(capture);
    }
    assertEquals(1, logged.size(), "one line");
    LogRecord line = logged.get(0);
    assertEquals(Level.WARNING, line.getLevel());
    String text = new java.util.logging.SimpleFormatter().formatMessage(line);
    assertTrue(text.contains("u1") && text.contains("AUTHENTICATION_FAILED"), text);
    assertFalse(text.contains(tampered) || text.contains(sealed) || text.contains("rt-1"), text);
  }

  @Test
  void aSignInWithoutRefreshTokenOnAnUndecryptableRowAsksForConsentAndANewTokenReplacesTheRow()
      throws Exception {
    migrateAndOpen();
    store.saveSignIn("u1", "a@example.com", "rt-1", "s", "at-1", clock.instant());
    update(
        "UPDATE google_grant SET refresh_token = ? WHERE user_id = ?",
        "bm90IGEgY2lwaGVydGV4dCBhdCBhbGw=",
        "u1");
    assertTrue(store.find("u1").isEmpty());

    assertFalse(
        store.saveSignIn("u1", "a@example.com", null, "s", "at-2", clock.instant()),
        "no usable refresh token: the caller must run consent");
    assertEquals(
        "bm90IGEgY2lwaGVydGV4dCBhdCBhbGw=", raw("u1").get("refresh_token"), "nothing written");
    assertFalse(
        store.saveRefreshed(
            "u1", ((Number) raw("u1").get("version")).longValue(), "at-3", clock.instant(), null));
    assertEquals(
        "bm90IGEgY2lwaGVydGV4dCBhdCBhbGw=", raw("u1").get("refresh_token"), "nothing written");

    assertTrue(store.saveSignIn("u1", "a@example.com", "rt-new", "s", "at-4", clock.instant()));
    Grant grant = store.find("u1").orElseThrow();
    assertEquals("rt-new", grant.refreshToken());
    assertEquals("at-4", grant.accessToken());
  }

  @Test
  void aCiphertextMovedToAnotherUserOrColumnDoesNotDecrypt() throws Exception {
    migrateAndOpen();
    store.saveSignIn("victim", "v@example.com", "rt-victim", "s", "at-victim", clock.instant());
    store.saveSignIn(
        "attacker", "x@example.com", "rt-attacker", "s", "at-attacker", clock.instant());
    Map<String, Object> victim = raw("victim");
    // Another user's row, with the victim's ciphertexts and key id.
    update(
        "UPDATE google_grant SET refresh_token = ?, access_token = ? WHERE user_id = ?",
        (String) victim.get("refresh_token"),
        (String) victim.get("access_token"),
        "attacker");
    assertTrue(store.find("attacker").isEmpty(), "bound to its user id");
    // The victim's own row, with its columns swapped.
    update(
        "UPDATE google_grant SET refresh_token = ?, access_token = ? WHERE user_id = ?",
        (String) victim.get("access_token"),
        (String) victim.get("refresh_token"),
        "victim");
    assertTrue(store.find("victim").isEmpty(), "bound to its column");
  }

  @Test
  void rotationReadsOldRowsAndMovesThemToTheNewKeyOnTheirNextWrite() throws Exception {
    migrateAndOpen();
    String keyA = TestApp.keyId(TestApp.TOKEN_KEY);
    String keyB = TestApp.keyId(TestApp.OTHER_TOKEN_KEY);
    store.saveSignIn("u1", "a@example.com", "rt-1", "s", "at-1", clock.instant());
    store.saveSignIn("u2", "b@example.com", "rt-2", "s", "at-2", clock.instant());
    store.saveSignIn("u3", "c@example.com", "rt-3", "s", "at-3", clock.instant());
    assertEquals(keyA, raw("u1").get("key_id"));

    TokenStore rotated = storeWithKeys(TestApp.OTHER_TOKEN_KEY + "," + TestApp.TOKEN_KEY);
    assertEquals("rt-1", rotated.find("u1").orElseThrow().refreshToken(), "old rows still decrypt");
    assertEquals(keyA, raw("u1").get("key_id"), "reading rewrites nothing");

    rotated.saveSignIn("u1", "a@example.com", null, "s", "at-1b", clock.instant());
    rotated.saveRefreshed(
        "u2", rotated.find("u2").orElseThrow().version(), "at-2b", clock.instant(), null);
    rotated.saveSignIn("u4", "d@example.com", "rt-4", "s", "at-4", clock.instant());
    assertEquals(keyB, raw("u1").get("key_id"), "re-encrypted on its next write");
    assertEquals(keyB, raw("u2").get("key_id"));
    assertEquals(keyB, raw("u4").get("key_id"), "new writes use the new key");
    assertEquals(keyA, raw("u3").get("key_id"), "untouched rows keep their key");
    assertEquals("rt-1", rotated.find("u1").orElseThrow().refreshToken());
    assertEquals("rt-2", rotated.find("u2").orElseThrow().refreshToken());
    assertEquals("rt-3", rotated.find("u3").orElseThrow().refreshToken());

    // Once the old key is dropped, rows still under it are no grant: their users go through
    // consent.
    TokenStore onlyB = storeWithKeys(TestApp.OTHER_TOKEN_KEY);
    assertEquals("rt-1", onlyB.find("u1").orElseThrow().refreshToken());
    assertTrue(onlyB.find("u3").isEmpty());
    assertFalse(onlyB.saveSignIn("u3", "c@example.com", null, "s", "at", clock.instant()));
    assertTrue(onlyB.saveSignIn("u3", "c@example.com", "rt-3b", "s", "at", clock.instant()));
    assertEquals("rt-3b", onlyB.find("u3").orElseThrow().refreshToken());
    assertEquals(keyB, raw("u3").get("key_id"));
  }

  @Test
  void plaintextRowsFromBeforeEncryptionAreEncryptedOnceEachAndStillWork() throws Exception {
    // The schema as the previous release left it, with its plain rows.
    Flyway.configure()
        .dataSource(database.url(), database.user(), database.password())
        .locations("classpath:db/migration")
        .target("1")
        .load()
        .migrate();
    insertPlain("u1", "srt-legacy-1", "sat-legacy-1");
    insertPlain("u2", "srt-legacy-2", null);

    migrateAndOpen();
    assertNull(raw("u1").get("key_id"), "the migration only adds the column");
    assertTrue(store.find("u1").isEmpty(), "a plaintext row is never taken as a token");

    assertEquals(2, store.encryptLegacyRows());
    for (String user : List.of("u1", "u2")) {
      Map<String, Object> row = raw(user);
      assertEquals(TestApp.keyId(TestApp.TOKEN_KEY), row.get("key_id"));
      assertFalse(((String) row.get("refresh_token")).contains("legacy"));
      assertEquals(1L, ((Number) row.get("version")).longValue(), "one write");
    }
    assertNull(raw("u2").get("access_token"));
    Grant one = store.find("u1").orElseThrow();
    assertEquals("srt-legacy-1", one.refreshToken());
    assertEquals("sat-legacy-1", one.accessToken());
    assertEquals("srt-legacy-2", store.find("u2").orElseThrow().refreshToken());

    String sealed = (String) raw("u1").get("refresh_token");
    assertEquals(0, store.encryptLegacyRows(), "idempotent");
    assertEquals(sealed, raw("u1").get("refresh_token"));
  }

  @Test
  void theMigrationWidensTheTokenColumnsAndKeepsTheRefreshTokenRequired() throws Exception {
    migrateAndOpen();
    try (Connection c = dataSource.getConnection()) {
      DatabaseMetaData meta = c.getMetaData();
      // H2 folds unquoted names to upper case, PostgreSQL to lower case.
      String table = meta.storesUpperCaseIdentifiers() ? "GOOGLE_GRANT" : "google_grant";
      try (ResultSet rs = meta.getColumns(null, null, table, null)) {
        Map<String, int[]> columns = new LinkedHashMap<>();
        while (rs.next()) {
          columns.put(
              rs.getString("COLUMN_NAME").toLowerCase(),
              new int[] {rs.getInt("COLUMN_SIZE"), rs.getInt("NULLABLE")});
        }
        assertEquals(4096, columns.get("refresh_token")[0]);
        assertEquals(DatabaseMetaData.columnNoNulls, columns.get("refresh_token")[1]);
        assertEquals(8192, columns.get("access_token")[0]);
        assertEquals(DatabaseMetaData.columnNullable, columns.get("key_id")[1]);
      }
    }
    // A refresh token as long as the old column allowed still fits once encrypted.
    String longToken = "r".repeat(2048);
    assertTrue(
        store.saveSignIn("u1", "a@example.com", longToken, "s", "a".repeat(4096), clock.instant()));
    assertEquals(longToken, store.find("u1").orElseThrow().refreshToken());
  }

  private void insertPlain(String userId, String refreshToken, String accessToken)
      throws SQLException {
    try (Connection c = database.open();
        PreparedStatement ps =
            c.prepareStatement(
                "INSERT INTO google_grant (user_id, email, refresh_token, scopes, access_token,"
                    + " access_token_expires_at, version, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, 0, ?, ?)")) {
      OffsetDateTime now = OffsetDateTime.ofInstant(clock.instant(), ZoneOffset.UTC);
      ps.setString(1, userId);
      ps.setString(2, userId + "@example.com");
      ps.setString(3, refreshToken);
      ps.setString(4, "s");
      ps.setString(5, accessToken);
      ps.setObject(6, accessToken == null ? null : now.plusHours(1));
      ps.setObject(7, now);
      ps.setObject(8, now);
      ps.executeUpdate();
    }
  }

  private Map<String, Object> raw(String userId) throws SQLException {
    try (Connection c = database.open();
        PreparedStatement ps = c.prepareStatement("SELECT * FROM google_grant WHERE user_id = ?")) {
      ps.setString(1, userId);
      try (ResultSet rs = ps.executeQuery()) {
        assertTrue(rs.next(), "a row for " + userId);
        Map<String, Object> row = new LinkedHashMap<>();
        for (int i = 1; i <= rs.getMetaData().getColumnCount(); i++) {
          row.put(rs.getMetaData().getColumnLabel(i).toLowerCase(), rs.getObject(i));
        }
        assertNotNull(row.get("refresh_token"));
        return row;
      }
    }
  }

  private void update(String sql, String... params) throws SQLException {
    try (Connection c = database.open();
        PreparedStatement ps = c.prepareStatement(sql)) {
      for (int i = 0; i < params.length; i++) {
        ps.setString(i + 1, params[i]);
      }
      assertEquals(1, ps.executeUpdate());
    }
  }

  @Test
  void aRefreshThatLostARaceIsNeverWritten() throws Exception {
    migrateAndOpen();
    store.saveSignIn("u1", "a@example.com", "rt-1", "s", "at-1", clock.instant());
    long seen = store.find("u1").orElseThrow().version();
    // Another request stores a rotated token first.
    assertTrue(store.saveRefreshed("u1", seen, "at-2", clock.instant(), "rt-2"));
    // The slower one, still holding the old version, must not overwrite it.
    assertFalse(store.saveRefreshed("u1", seen, "at-3", clock.instant(), "rt-3"));
    assertEquals("rt-2", store.find("u1").orElseThrow().refreshToken());
    assertFalse(
        store.deleteIfUnchanged("u1", seen), "a stale invalid_grant does not delete the new grant");
    assertTrue(store.find("u1").isPresent());
  }

  @Test
  void aRefreshLeaseIsTakenOnceAndReleased() throws Exception {
    migrateAndOpen();
    store.saveSignIn("u1", "a@example.com", "rt-1", "s", "at-1", clock.instant());
    long seen = store.find("u1").orElseThrow().version();
    long lease = store.takeRefreshLease("u1", seen, clock.instant().plusSeconds(15));
    assertEquals(seen + 1, lease);
    assertEquals(
        -1, store.takeRefreshLease("u1", seen, clock.instant().plusSeconds(15)), "only one taker");
    assertNotNull(store.find("u1").orElseThrow().refreshLeaseUntil());
    assertTrue(store.saveRefreshed("u1", lease, "at-2", clock.instant(), null));
    assertNull(
        store.find("u1").orElseThrow().refreshLeaseUntil(), "storing the token ends the lease");
  }

  @Test
  void aFailedRefreshBacksTheGrantOffUnderItsLeaseAndASuccessOrASignInEndsIt() throws Exception {
    migrateAndOpen();
    store.saveSignIn("u1", "a@example.com", "rt-1", "s", "at-1", clock.instant());
    Grant fresh = store.find("u1").orElseThrow();
    assertEquals(0, fresh.refreshFailures());
    assertNull(fresh.refreshRetryAt());

    Instant retryAt = clock.instant().plusSeconds(2).truncatedTo(ChronoUnit.MILLIS);
    long lease = store.takeRefreshLease("u1", fresh.version(), clock.instant().plusSeconds(15));
    assertTrue(store.recordRefreshFailure("u1", lease, retryAt));
    assertFalse(store.recordRefreshFailure("u1", lease, retryAt), "only while the lease is held");
    Grant backingOff = store.find("u1").orElseThrow();
    assertEquals(1, backingOff.refreshFailures());
    assertEquals(retryAt, backingOff.refreshRetryAt());
    assertNull(backingOff.refreshLeaseUntil(), "the lease is given back");
    assertEquals("rt-1", backingOff.refreshToken(), "the grant is kept");

    lease = store.takeRefreshLease("u1", backingOff.version(), clock.instant().plusSeconds(15));
    assertTrue(store.recordRefreshFailure("u1", lease, retryAt.plusSeconds(2)));
    assertEquals(
        2, store.find("u1").orElseThrow().refreshFailures(), "failures in a row are counted");

    lease =
        store.takeRefreshLease(
            "u1", store.find("u1").orElseThrow().version(), clock.instant().plusSeconds(15));
    assertTrue(store.saveRefreshed("u1", lease, "at-2", clock.instant(), null));
    Grant recovered = store.find("u1").orElseThrow();
    assertEquals(0, recovered.refreshFailures());
    assertNull(recovered.refreshRetryAt());

    lease = store.takeRefreshLease("u1", recovered.version(), clock.instant().plusSeconds(15));
    assertTrue(store.recordRefreshFailure("u1", lease, retryAt));
    assertTrue(store.saveSignIn("u1", "a@example.com", "rt-2", "s", "at-3", clock.instant()));
    Grant signedInAgain = store.find("u1").orElseThrow();
    assertEquals(0, signedInAgain.refreshFailures(), "a new sign-in ends the back-off");
    assertNull(signedInAgain.refreshRetryAt());
  }

  @Test
  void twoFirstSignInsOfOneUserAtOnceLeaveOneRow() throws Exception {
    migrateAndOpen();
    int n = 8;
    java.util.concurrent.CyclicBarrier start = new java.util.concurrent.CyclicBarrier(n);
    java.util.concurrent.ExecutorService pool =
        java.util.concurrent.Executors.newFixedThreadPool(n);
    try {
      java.util.List<java.util.concurrent.Future<Boolean>> results = new java.util.ArrayList<>();
      for (int i = 0; i < n; i++) {
        int k = i;
        results.add(
            pool.submit(
                () -> {
                  start.await();
                  return store.saveSignIn(
                      "race", "r@example.com", "rt-" + k, "s", "at-" + k, clock.instant());
                }));
      }
      for (var r : results) {
        assertTrue(r.get());
      }
    } finally {
      pool.shutdownNow();
    }
    assertTrue(store.find("race").orElseThrow().refreshToken().startsWith("rt-"));
  }
}
