package io.github.gmailoauth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.zaxxer.hikari.HikariDataSource;
import io.github.gmailoauth.oauth.Grant;
import io.github.gmailoauth.oauth.TokenStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The grants table on a real H2 database, migrated by Flyway exactly as at start-up. */
class TokenStoreTest {
  @TempDir Path dir;
  HikariDataSource dataSource;
  MutableClock clock = new MutableClock();
  TokenStore store;

  @BeforeEach
  void open() throws Exception {
    Path secrets = Files.writeString(dir.resolve("cs.json"), "{\"web\":{\"client_id\":\"a\",\"client_secret\":\"b\"}}");
    AppConfig config = AppConfig.load(Map.of(
        AppConfig.GOOGLE_CLIENT_SECRETS, secrets.toString(),
        AppConfig.DATABASE_URL, "jdbc:h2:file:" + dir.resolve("db").toAbsolutePath())::get);
    dataSource = Database.open(config);
    store = new TokenStore(dataSource, clock);
  }

  @AfterEach
  void close() {
    dataSource.close();
  }

  @Test
  void aSignInWithoutRefreshTokenAndNoRowStoresNothing() {
    assertFalse(store.saveSignIn("u1", "u1@example.com", null, "s", "at", Instant.now()));
    assertTrue(store.find("u1").isEmpty());
  }

  @Test
  void aStoredRefreshTokenIsNeverOverwrittenWithNull() {
    Instant expiry = clock.instant().plusSeconds(3600).truncatedTo(ChronoUnit.MILLIS);
    assertTrue(store.saveSignIn("u1", "old@example.com", "rt-1", "s1", "at-1", expiry));
    assertTrue(store.saveSignIn("u1", "new@example.com", null, "s2", "at-2", expiry));
    Grant grant = store.find("u1").orElseThrow();
    assertEquals("rt-1", grant.refreshToken());
    assertEquals("new@example.com", grant.email());
    assertEquals("s2", grant.scopes());
    assertEquals("at-2", grant.accessToken());
    assertEquals(expiry, grant.accessTokenExpiresAt());

    store.saveRefreshed("u1", "at-3", expiry, null);
    assertEquals("rt-1", store.find("u1").orElseThrow().refreshToken());
    store.saveRefreshed("u1", "at-4", expiry, "rt-2");
    assertEquals("rt-2", store.find("u1").orElseThrow().refreshToken(), "a rotated refresh token replaces the old");
  }

  @Test
  void forgettingTheAccessTokenKeepsTheGrantAndDeleteRemovesIt() {
    store.saveSignIn("u1", "a@example.com", "rt", "s", "at", clock.instant().plusSeconds(60));
    store.forgetAccessToken("u1");
    Grant grant = store.find("u1").orElseThrow();
    assertNull(grant.accessToken());
    assertEquals("rt", grant.refreshToken());
    store.delete("u1");
    assertTrue(store.find("u1").isEmpty());
  }

  @Test
  void usersAreKeptApartAndToStringShowsNoToken() {
    store.saveSignIn("u1", "a@example.com", "rt-a", "s", "at-a", clock.instant());
    store.saveSignIn("u2", "b@example.com", "rt-b", "s", "at-b", clock.instant());
    assertEquals("rt-a", store.find("u1").orElseThrow().refreshToken());
    assertEquals("rt-b", store.find("u2").orElseThrow().refreshToken());
    String printed = store.find("u1").orElseThrow().toString();
    assertFalse(printed.contains("rt-a") || printed.contains("at-a"), printed);
  }
}
