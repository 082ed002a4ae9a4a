package io.github.gmailoauth.risc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.github.gmailoauth.standin.RiscTransmitter;
import io.github.gmailoauth.standin.StandInGoogle;
import io.github.gmailoauth.testing.MutableClock;
import java.time.Duration;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The JWKS behind the verification, fetched over real HTTP from the stand-in: fetched once and
 * cached, fetched again when Google's rotated key signs, and no more often than the configured
 * interval however many tokens name keys nobody published.
 */
class SecurityEventTokensTest {
  private final StandInGoogle google = StandInGoogle.start();
  private final MutableClock clock = new MutableClock();

  @AfterEach
  void stop() {
    google.close();
  }

  private SecurityEventTokens tokens(Duration minRefreshInterval) {
    return new SecurityEventTokens(
        google.riscJwksUri(),
        new JwksRetriever(),
        minRefreshInterval,
        Set.of(google.clientId()),
        clock);
  }

  private int jwksFetches() {
    return google.requests("GET", StandInGoogle.RISC_JWKS_PATH).size();
  }

  private RiscTransmitter.Event event() {
    return google.securityEvent(RiscTransmitter.SESSIONS_REVOKED, "117000000000000000001");
  }

  @Test
  void keysAreCachedAndFetchedAgainWhenARotatedKeySigns() throws Exception {
    SecurityEventTokens tokens = tokens(Duration.ofMillis(1));
    tokens.verify(event().compact());
    tokens.verify(event().compact());
    assertEquals(1, jwksFetches(), "cached");

    google.risc().rotateKey();
    Thread.sleep(5); // past the 1 ms between fetches
    SecurityEventTokens.Verified verified = tokens.verify(event().compact());

    assertEquals(2, jwksFetches(), "the unknown key id made one more fetch");
    assertEquals(clock.instant().getEpochSecond(), verified.issuedAt().getEpochSecond(), 5);
  }

  @Test
  void tokensNamingUnknownKeysFetchAtMostTwicePerInterval() throws Exception {
    SecurityEventTokens tokens = tokens(SecurityEventTokens.MIN_REFRESH_INTERVAL);
    tokens.verify(event().compact());
    for (int i = 0; i < 20; i++) {
      Refusal.RefusedException refused =
          assertThrows(
              Refusal.RefusedException.class,
              () -> tokens.verify(event().signedWith(RiscTransmitter.newKey()).compact()));
      assertEquals(Refusal.KEY, refused.refusal());
    }
    // Nimbus's rate limit allows two fetches per interval (one kept for a key rotation).
    assertEquals(2, jwksFetches(), "rate-limited: the first, and one more within 30 s");
  }
}
