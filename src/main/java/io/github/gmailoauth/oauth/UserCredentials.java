package io.github.gmailoauth.oauth;

import com.google.api.client.auth.oauth2.TokenResponseException;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Access tokens for signed-in users, built from their stored grants. An access token is reused
 * until shortly before it expires; then one refresh per user runs at a time (requests of other
 * users never wait on it).
 */
public final class UserCredentials {
  /** Refresh this long before the expiry Google announced, to absorb clock skew and latency. */
  static final Duration EXPIRY_MARGIN = Duration.ofSeconds(60);

  private final TokenStore store;
  private final GoogleOAuthClient google;
  private final Clock clock;
  private final ConcurrentHashMap<String, ReentrantLock> refreshLocks = new ConcurrentHashMap<>();

  public UserCredentials(TokenStore store, GoogleOAuthClient google, Clock clock) {
    this.store = store;
    this.google = google;
    this.clock = clock;
  }

  /** The user must go through Google's consent again: no grant, or Google refused it. */
  public static final class ConsentRequired extends Exception {
    public ConsentRequired(String reason) {
      super(reason, null, false, false);
    }
  }

  /** An access token and the scopes the user granted with it. */
  public record Access(String token, String scopes) {
    /** Whether every one of {@code required} was granted. */
    public boolean covers(List<String> required) {
      List<String> granted = scopes == null ? List.of() : Arrays.asList(scopes.trim().split("\\s+"));
      return granted.containsAll(required);
    }

    @Override
    public String toString() {
      return "Access[scopes=" + scopes + ", token=(hidden)]";
    }
  }

  /** A usable access token for {@code userId}, refreshed when needed. */
  public Access access(String userId) throws ConsentRequired, IOException {
    Grant grant = store.find(userId).orElseThrow(() -> new ConsentRequired("no grant stored"));
    if (isFresh(grant)) {
      return new Access(grant.accessToken(), grant.scopes());
    }
    ReentrantLock lock = refreshLocks.computeIfAbsent(userId, id -> new ReentrantLock());
    lock.lock();
    try {
      // Another request may have refreshed while this one waited.
      Optional<Grant> current = store.find(userId);
      if (current.isEmpty()) {
        throw new ConsentRequired("grant deleted meanwhile");
      }
      if (isFresh(current.get())) {
        return new Access(current.get().accessToken(), current.get().scopes());
      }
      GoogleOAuthClient.Tokens tokens;
      try {
        tokens = google.refresh(current.get().refreshToken());
      } catch (TokenResponseException e) {
        if (e.getDetails() != null && "invalid_grant".equals(e.getDetails().getError())) {
          // Revoked, expired or rotated away: the stored grant is worthless now.
          store.delete(userId);
          throw new ConsentRequired("refresh token refused (invalid_grant)");
        }
        throw e;
      }
      store.saveRefreshed(userId, tokens.accessToken(), tokens.expiresAt(), tokens.refreshToken());
      return new Access(tokens.accessToken(), current.get().scopes());
    } finally {
      lock.unlock();
    }
  }

  /** Google refused the access token although it had not expired: forget it, keep the grant. */
  public void accessTokenRejected(String userId) {
    store.forgetAccessToken(userId);
  }

  private boolean isFresh(Grant grant) {
    Instant expiresAt = grant.accessTokenExpiresAt();
    return grant.accessToken() != null
        && expiresAt != null
        && clock.instant().plus(EXPIRY_MARGIN).isBefore(expiresAt);
  }
}
