package io.github.gmailoauth.risc;

import io.github.gmailoauth.metrics.AppMetrics;
import io.github.gmailoauth.oauth.TokenStore;
import io.github.gmailoauth.risc.Refusal.RefusedException;
import java.lang.System.Logger.Level;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * Every security event Google's Cross-Account Protection sends is handled here, and only here: the
 * token verified ({@link SecurityEventTokens}), its events read, its {@code jti} recorded once for
 * every node ({@link RiscStore}), then each event acted on as Google's documentation recommends,
 * for the Google user id its subject names (the key of the grant). Each handled event passes
 * through {@link #handled}, and each refused token through {@link #refused}: the two places that
 * log, and where counting them belongs.
 *
 * <p>Everything is checked before anything changes: a token refused for any reason, or one whose
 * events are malformed, changes nothing and records no {@code jti}.
 */
public final class SecurityEvents {
  private static final System.Logger LOG = System.getLogger(SecurityEvents.class.getName());

  /** Google's subject identifier (RFC 9493 §3.2.5, the RISC profile's "iss-sub"). */
  private static final String ISS_SUB = "iss-sub";

  private static final int MAX_USER_ID = 255;

  private final SecurityEventTokens tokens;
  private final RiscStore store;
  private final TokenStore grants;
  private final Consumer<String> grantDeleted;
  private final Duration sessionMaxAge;
  private final Clock clock;
  private final AppMetrics metrics;

  /** What became of a delivery. */
  public enum Outcome {
    /** Verified, recorded and acted on (or nothing to do): 202. */
    ACCEPTED,
    /** Refused: 400 with {@link Result#refusal()}; nothing changed. */
    REFUSED,
    /** Not the token's fault (keys or database unavailable): 503, a retry may succeed. */
    UNAVAILABLE
  }

  /** The outcome, and the refusal when {@link Outcome#REFUSED}. */
  public record Result(Outcome outcome, Refusal refusal) {
    static final Result ACCEPTED = new Result(Outcome.ACCEPTED, null);
    static final Result UNAVAILABLE = new Result(Outcome.UNAVAILABLE, null);
  }

  /** One event of a token, read: for whom, and what it says. */
  record Event(EventType type, String userId, byte[] tokenHash, String reason) {}

  /**
   * @param grantDeleted told the user's id whenever a grant is deleted here (this node's row cache
   *     forgets the user's rows)
   * @param sessionMaxAge {@code SESSION_MAX_AGE}: how long a "sessions ended" mark is needed
   * @param metrics counts every event handled, by type, and every token refused, by why
   */
  public SecurityEvents(
      SecurityEventTokens tokens,
      RiscStore store,
      TokenStore grants,
      Consumer<String> grantDeleted,
      Duration sessionMaxAge,
      Clock clock,
      AppMetrics metrics) {
    this.tokens = tokens;
    this.store = store;
    this.grants = grants;
    this.grantDeleted = grantDeleted;
    this.sessionMaxAge = sessionMaxAge;
    this.clock = clock;
    this.metrics = metrics;
  }

  /** Verifies {@code compact} (a compact JWS, as received) and acts on its events. */
  public Result receive(String compact) {
    SecurityEventTokens.Verified token;
    List<Event> events;
    try {
      token = tokens.verify(compact);
      events = read(token.events());
    } catch (RefusedException e) {
      return refused(e.refusal(), e.getMessage());
    } catch (SecurityEventTokens.KeysUnavailableException e) {
      LOG.log(Level.WARNING, "security event not verified: {0}", e.getMessage());
      return unavailable();
    }
    try {
      if (!store.recordOnce(token.jti(), token.issuedAt())) {
        return refused(Refusal.REPLAYED, "jti seen before");
      }
    } catch (RuntimeException e) {
      LOG.log(Level.WARNING, "security event not recorded: {0}", e.getClass().getSimpleName());
      return unavailable();
    }
    try {
      for (Event event : events) {
        handled(event, act(event));
      }
    } catch (RuntimeException e) {
      // Acting is idempotent: forget the jti so that the transmitter's retry is not a "replay".
      LOG.log(Level.WARNING, "security event not acted on: {0}", e.getClass().getSimpleName());
      try {
        store.forget(token.jti());
      } catch (RuntimeException ignored) {
        // the retry will be refused as a replay; logged above
      }
      return unavailable();
    }
    purge();
    return Result.ACCEPTED;
  }

  /**
   * Logs a handled event at INFO: its type, the user id (never a token) and what was done. The one
   * place every handled event passes: count events by type here (issue 16's metrics).
   */
  private void handled(Event event, String done) {
    metrics.securityEvent(event.type().name().toLowerCase(Locale.ROOT), "handled");
    LOG.log(
        Level.INFO,
        "security event {0} for user {1}: {2}",
        event.type(),
        event.userId() == null ? "(none named)" : event.userId(),
        done);
  }

  /**
   * Logs a refused token at INFO: only why, in fixed words. The one place every refusal passes:
   * count refusals by {@link Refusal} here.
   */
  private Result refused(Refusal refusal, String why) {
    metrics.securityEvent("refused", refusal.name().toLowerCase(Locale.ROOT));
    LOG.log(Level.INFO, "security event token refused ({0}: {1})", refusal, why);
    return new Result(Outcome.REFUSED, refusal);
  }

  /** A token not acted on for want of Google's keys or the database: the transmitter retries. */
  private Result unavailable() {
    metrics.securityEvent("unavailable", "retry");
    return Result.UNAVAILABLE;
  }

  /** What {@code event} does; answers what was done, for the log. */
  private String act(Event event) {
    Instant now = clock.instant();
    String user = event.userId();
    return switch (event.type()) {
      case SESSIONS_REVOKED, ACCOUNT_CREDENTIAL_CHANGE_REQUIRED -> {
        store.endSessions(user, now);
        yield "sessions ended";
      }
      case TOKENS_REVOKED -> {
        deleteGrant(user);
        yield "grant deleted";
      }
      case TOKEN_REVOKED -> tokenRevoked(event);
      case ACCOUNT_DISABLED -> {
        deleteGrant(user);
        store.endSessions(user, now);
        if ("hijacking".equals(event.reason())) {
          store.refuseSignIn(user, true, now);
          yield "grant deleted, sessions ended, sign-in refused (hijacking)";
        }
        yield "grant deleted, sessions ended";
      }
      case ACCOUNT_ENABLED -> {
        store.refuseSignIn(user, false, now);
        yield "sign-in allowed";
      }
      case ACCOUNT_PURGED -> {
        deleteGrant(user);
        store.deleteAccount(user);
        // The one row kept: it ends sessions still open, and goes with the next purge once they
        // would have aged out anyway (SESSION_MAX_AGE).
        store.endSessions(user, now);
        yield "everything stored deleted, sessions ended";
      }
      case VERIFICATION -> "verification received";
      case UNKNOWN -> "not a type this app handles; nothing done";
    };
  }

  private String tokenRevoked(Event event) {
    if (event.tokenHash() == null) {
      return "not a refresh token this app can identify; nothing done";
    }
    Optional<TokenStore.RefreshTokenHolder> holder =
        grants.findByRefreshToken(token -> TokenHash.matches(event.tokenHash(), token));
    if (holder.isEmpty()) {
      return "no stored refresh token matches; nothing done";
    }
    // Only the row that held the revoked token: a rotated one stored meanwhile is not revoked.
    if (grants.deleteIfUnchanged(holder.get().userId(), holder.get().version())) {
      grantDeleted.accept(holder.get().userId());
      return "grant of user " + holder.get().userId() + " deleted";
    }
    return "the grant changed meanwhile; kept";
  }

  private void deleteGrant(String userId) {
    grants.delete(userId);
    grantDeleted.accept(userId);
  }

  /** Rows no longer needed: tokens that would be refused as too old, marks older than sessions. */
  private void purge() {
    Instant now = clock.instant();
    try {
      store.purgeSeenBefore(now.minus(SecurityEventTokens.MAX_AGE).minus(SecurityEventTokens.SKEW));
      store.purgeAccountsBefore(now.minus(sessionMaxAge).minus(SecurityEventTokens.SKEW));
    } catch (RuntimeException e) {
      LOG.log(
          Level.WARNING,
          "could not purge old security event rows: {0}",
          e.getClass().getSimpleName());
    }
  }

  /** The events of a verified token, each with its subject read; malformed ones refuse it. */
  static List<Event> read(Map<String, Object> events) throws RefusedException {
    List<Event> read = new ArrayList<>();
    for (Map.Entry<String, Object> entry : events.entrySet()) {
      EventType type = EventType.of(entry.getKey());
      if (!(entry.getValue() instanceof Map<?, ?> payload)) {
        throw new RefusedException(Refusal.MALFORMED, "event payload");
      }
      read.add(event(type, payload));
    }
    return read;
  }

  private static Event event(EventType type, Map<?, ?> payload) throws RefusedException {
    Object subject = payload.get("subject");
    switch (type) {
      case VERIFICATION, UNKNOWN:
        return new Event(type, null, null, null);
      case TOKEN_REVOKED:
        return new Event(type, null, tokenHash(subject), null);
      default:
        Object reason = payload.get("reason");
        return new Event(type, userId(subject), null, reason instanceof String s ? s : null);
    }
  }

  /** The Google user id of an {@code iss-sub} subject whose {@code iss} is Google's. */
  private static String userId(Object subject) throws RefusedException {
    if (!(subject instanceof Map<?, ?> s)
        || !ISS_SUB.equals(s.get("subject_type"))
        || !SecurityEventTokens.GOOGLE_ISSUER.equals(s.get("iss"))
        || !(s.get("sub") instanceof String sub)
        || sub.isEmpty()
        || sub.length() > MAX_USER_ID) {
      throw new RefusedException(Refusal.MALFORMED, "subject");
    }
    return sub;
  }

  /**
   * The hash of a revoked refresh token, or null when the subject names another kind of token or
   * identifier (nothing this app can match); a malformed subject refuses the token.
   */
  private static byte[] tokenHash(Object subject) throws RefusedException {
    if (!(subject instanceof Map<?, ?> s) || !"oauth_token".equals(s.get("subject_type"))) {
      throw new RefusedException(Refusal.MALFORMED, "subject");
    }
    if (!"refresh_token".equals(s.get("token_type"))
        || !TokenHash.ALGORITHM.equals(s.get("token_identifier_alg"))) {
      return null;
    }
    byte[] hash = TokenHash.parse(s.get("token") instanceof String t ? t : null);
    if (hash == null) {
      throw new RefusedException(Refusal.MALFORMED, "token identifier");
    }
    return hash;
  }
}
