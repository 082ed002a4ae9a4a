package io.github.gmailoauth.risc;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.KeySourceException;
import com.nimbusds.jose.jwk.source.JWKSource;
import com.nimbusds.jose.jwk.source.JWKSourceBuilder;
import com.nimbusds.jose.jwk.source.RateLimitReachedException;
import com.nimbusds.jose.proc.BadJOSEException;
import com.nimbusds.jose.proc.DefaultJOSEObjectTypeVerifier;
import com.nimbusds.jose.proc.JWSVerificationKeySelector;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jose.util.ResourceRetriever;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.proc.BadJWTException;
import com.nimbusds.jwt.proc.DefaultJWTProcessor;
import com.nimbusds.jwt.proc.JWTClaimsSetVerifier;
import io.github.gmailoauth.risc.Refusal.RefusedException;
import java.net.MalformedURLException;
import java.net.URI;
import java.net.URL;
import java.text.ParseException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Verifies Google's security event tokens with Nimbus JOSE+JWT: an RS256 signature by a key of the
 * issuer's JWKS (RFC 7515; {@code alg=none}, HMAC and every other algorithm refused, so a public
 * key can never act as an HMAC secret), then the claims of RFC 8417 §2.2 as Google's Cross-Account
 * Protection documentation says to check them: {@code iss} exactly Google's, {@code aud} one of
 * this app's client ids, {@code iat} neither in the future (beyond {@link #SKEW}) nor older than
 * {@link #MAX_AGE}, a {@code jti}, and an {@code events} object. Nothing of the token is parsed by
 * hand.
 *
 * <p>The JWKS is fetched lazily, cached ({@link #CACHE_TTL}), fetched again when a token names a
 * key id the cache lacks (Google rotates its keys), at most twice per {@code minRefreshInterval}
 * whatever tokens arrive, through a {@link ResourceRetriever} whose answers are bounded in size and
 * time.
 */
public final class SecurityEventTokens {
  /** Google's issuer, for the token and for the subjects it names. */
  public static final String GOOGLE_ISSUER = "https://accounts.google.com/";

  /**
   * Google's JWKS, as the {@code jwks_uri} of its RISC configuration document
   * (https://accounts.google.com/.well-known/risc-configuration) names it.
   */
  public static final String DEFAULT_JWKS_URI = "https://www.googleapis.com/oauth2/v3/certs";

  /** How far in the future {@code iat} may be: clocks differ a little. */
  public static final Duration SKEW = Duration.ofMinutes(2);

  /**
   * How old {@code iat} may be. A transmitter retries a failed delivery (RFC 8935 §2.4), so a day
   * or two of our outage must not lose events; a week bounds how long each {@code jti} is kept.
   */
  public static final Duration MAX_AGE = Duration.ofDays(7);

  /** How long fetched keys are used before they are fetched again. */
  static final Duration CACHE_TTL = Duration.ofMinutes(15);

  /**
   * At most two fetches per this interval (Nimbus's rate limit keeps the second for a rotation),
   * however many tokens with unknown key ids arrive.
   */
  public static final Duration MIN_REFRESH_INTERVAL = Duration.ofSeconds(30);

  /** How long a request waits for another thread's fetch of the keys. */
  private static final Duration REFRESH_WAIT = Duration.ofSeconds(15);

  private static final int MAX_JTI = 256;
  private static final int MAX_EVENTS = 8;

  /** RFC 8417 §2.3 recommends this {@code typ}; Google's tokens may carry none, or JWT. */
  private static final JOSEObjectType SECEVENT = new JOSEObjectType("secevent+jwt");

  private final DefaultJWTProcessor<SecurityContext> processor;
  private final Set<String> audiences;
  private final Clock clock;

  /** A token that passed every check: what the events need, nothing else. */
  public record Verified(String jti, Instant issuedAt, Map<String, Object> events) {
    @Override
    public String toString() {
      return "Verified[events=" + events.keySet() + "]";
    }
  }

  /**
   * @param jwksUri the issuer's JWKS ({@code RISC_JWKS_URI})
   * @param retriever fetches it, bounded ({@link JwksRetriever})
   * @param audiences the client ids a token may be addressed to
   */
  public SecurityEventTokens(
      String jwksUri,
      ResourceRetriever retriever,
      Duration minRefreshInterval,
      Set<String> audiences,
      Clock clock) {
    this.audiences = Set.copyOf(audiences);
    this.clock = clock;
    JWKSource<SecurityContext> keys =
        JWKSourceBuilder.<SecurityContext>create(url(jwksUri), retriever)
            .cache(CACHE_TTL.toMillis(), REFRESH_WAIT.toMillis())
            // No background refresh: no thread of ours outlives the web app.
            .refreshAheadCache(false)
            .rateLimited(minRefreshInterval.toMillis())
            .build();
    processor = new DefaultJWTProcessor<>();
    processor.setJWSTypeVerifier(
        new DefaultJOSEObjectTypeVerifier<>(SECEVENT, JOSEObjectType.JWT, null));
    processor.setJWSKeySelector(new JWSVerificationKeySelector<>(JWSAlgorithm.RS256, keys));
    processor.setJWTClaimsSetVerifier(new Claims());
  }

  private static URL url(String uri) {
    try {
      return URI.create(uri).toURL();
    } catch (MalformedURLException | IllegalArgumentException e) {
      throw new IllegalArgumentException("not a URL: the RISC JWKS URI", e);
    }
  }

  /** Thrown when the keys cannot be fetched: not the token's fault, so worth a retry. */
  public static final class KeysUnavailableException extends Exception {
    private static final long serialVersionUID = 1L;

    KeysUnavailableException(Throwable cause) {
      super("the issuer's keys could not be fetched: " + cause.getClass().getSimpleName());
    }
  }

  /** The verified token, or why it is refused. The compact JWT is parsed once, by Nimbus. */
  public Verified verify(String compact) throws RefusedException, KeysUnavailableException {
    JWTClaimsSet claims;
    try {
      claims = processor.process(compact, null);
    } catch (ParseException e) {
      throw new RefusedException(Refusal.MALFORMED, "not a JWS");
    } catch (ClaimRefused e) {
      throw new RefusedException(e.refusal, e.getMessage());
    } catch (BadJWTException e) {
      // The payload is not a JSON object (Nimbus checks it before the signature).
      throw new RefusedException(Refusal.MALFORMED, "claims unreadable");
    } catch (BadJOSEException e) {
      // Plain (alg=none) or encrypted JWTs, another algorithm, no key with that kid, a bad
      // signature, a typ that is not a JWT's or a SET's.
      throw new RefusedException(Refusal.KEY, "not verified");
    } catch (RateLimitReachedException e) {
      // The keys were fetched less than minRefreshInterval ago and none has this key id: a token
      // naming an unknown key, or a flood of them, gets no further fetch and no retry hint.
      throw new RefusedException(Refusal.KEY, "unknown key id");
    } catch (KeySourceException e) {
      throw new KeysUnavailableException(e);
    } catch (JOSEException | RuntimeException e) {
      throw new RefusedException(Refusal.KEY, "not verified");
    }
    Object events = claims.getClaim("events");
    @SuppressWarnings("unchecked")
    Map<String, Object> eventMap = (Map<String, Object>) events; // checked by Claims
    return new Verified(claims.getJWTID(), claims.getIssueTime().toInstant(), eventMap);
  }

  /** A claim check that failed, with the refusal to answer. */
  private static final class ClaimRefused extends BadJWTException {
    private static final long serialVersionUID = 1L;
    private final transient Refusal refusal;

    ClaimRefused(Refusal refusal, String message) {
      super(message);
      this.refusal = refusal;
    }
  }

  /** RFC 8417 §2.2's claims, checked after the signature verified (Nimbus's order). */
  private final class Claims implements JWTClaimsSetVerifier<SecurityContext> {
    @Override
    public void verify(JWTClaimsSet claims, SecurityContext context) throws BadJWTException {
      if (!GOOGLE_ISSUER.equals(claims.getClaim("iss"))) {
        throw new ClaimRefused(Refusal.ISSUER, "iss");
      }
      // A string or an array of strings (RFC 7519 §4.1.3); Nimbus refused any other type.
      List<String> aud = claims.getAudience();
      if (aud.stream().noneMatch(audiences::contains)) {
        throw new ClaimRefused(Refusal.AUDIENCE, "aud");
      }
      Instant now = clock.instant();
      Date iat;
      Date exp;
      try {
        iat = claims.getDateClaim("iat");
        exp = claims.getDateClaim("exp");
      } catch (ParseException e) {
        throw new ClaimRefused(Refusal.MALFORMED, "iat or exp");
      }
      if (iat == null) {
        throw new ClaimRefused(Refusal.MALFORMED, "iat");
      }
      if (iat.toInstant().isAfter(now.plus(SKEW))) {
        throw new ClaimRefused(Refusal.STALE, "iat in the future");
      }
      if (iat.toInstant().isBefore(now.minus(MAX_AGE))) {
        throw new ClaimRefused(Refusal.STALE, "iat too old");
      }
      if (exp != null && !exp.toInstant().isAfter(now.minus(SKEW))) {
        throw new ClaimRefused(Refusal.STALE, "expired");
      }
      Object jti = claims.getClaim("jti");
      if (!(jti instanceof String s) || s.isEmpty() || s.length() > MAX_JTI) {
        throw new ClaimRefused(Refusal.MALFORMED, "jti");
      }
      if (!(claims.getClaim("events") instanceof Map<?, ?> events)
          || events.isEmpty()
          || events.size() > MAX_EVENTS) {
        throw new ClaimRefused(Refusal.MALFORMED, "events");
      }
    }
  }
}
