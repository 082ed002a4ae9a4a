package io.github.gmailoauth.oauth;

import com.google.api.client.auth.oauth2.TokenResponseException;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Predicate;

/**
 * Access tokens for signed-in users, built from their stored grants.
 *
 * <ul>
 *   <li>An access token is reused until {@link #EXPIRY_MARGIN} before it expires, by every request
 *       and every node (it is stored, encrypted, with the grant).
 *   <li>Refreshes are single-flight: one per user at a time in this process (a per-user lock, so
 *       users never wait on each other), and one across nodes (a lease on the row, taken by
 *       compare-and-set on its version). Everyone else reuses the token the refresh stored.
 *   <li>A rotated refresh token replaces the stored one in the same write as the access token;
 *       an answer without one keeps it. A write that lost a race is never applied.
 * </ul>
 */
public final class UserCredentials {
  /** Refresh this long before the expiry Google announced, to absorb clock skew and latency. */
  static final Duration EXPIRY_MARGIN = Duration.ofSeconds(60);
  /** Longer than one token call may take (10 s), so a live lease is never taken over. */
  static final Duration LEASE = Duration.ofSeconds(15);
  /** How often a request that waits for another's refresh looks at the row again. */
  static final Duration LEASE_POLL = Duration.ofMillis(50);

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

  /**
   * Google's token endpoint failed (5xx, timeout, connection reset, an unreadable answer): the
   * grant is kept and the next request tries again.
   */
  public static class TokenEndpointUnavailable extends IOException {
    TokenEndpointUnavailable(String reason) {
      super(reason);
    }
  }

  /**
   * The token endpoint refused this app as a client ({@code invalid_client}): a configuration
   * error. The grant is kept (nothing is wrong with it), but retrying cannot help until the
   * operator fixes the client's settings. A kind of {@link TokenEndpointUnavailable}, so that a
   * caller that does not tell them apart still keeps the grant.
   */
  public static final class ClientRefused extends TokenEndpointUnavailable {
    ClientRefused(String reason) {
      super(reason);
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
  public Access access(String userId) throws ConsentRequired, TokenEndpointUnavailable {
    Grant grant = store.find(userId).orElseThrow(() -> new ConsentRequired("no grant stored"));
    if (isFresh(grant)) {
      return new Access(grant.accessToken(), grant.scopes());
    }
    return refresh(userId, this::needsRefresh);
  }

  /**
   * Google refused {@code rejectedToken} although it had not expired (revoked, or its clock
   * differs): one forced refresh, unless another request already replaced that token.
   */
  public Access refreshRejected(String userId, String rejectedToken)
      throws ConsentRequired, TokenEndpointUnavailable {
    return refresh(userId, g -> rejectedToken.equals(g.accessToken()) || needsRefresh(g));
  }

  /** Google refused the access token even after a refresh: forget it, keep the grant. */
  public void accessTokenRejected(String userId) {
    store.find(userId).ifPresent(g -> store.forgetAccessToken(userId, g.version()));
  }

  private Access refresh(String userId, Predicate<Grant> needed)
      throws ConsentRequired, TokenEndpointUnavailable {
    ReentrantLock lock = refreshLocks.computeIfAbsent(userId, id -> new ReentrantLock());
    lock.lock();
    try {
      long waitedSince = System.nanoTime();
      while (true) {
        // Read again: another request may have refreshed while this one waited for the lock.
        Grant current = store.find(userId).orElseThrow(() -> new ConsentRequired("no grant stored"));
        if (!needed.test(current)) {
          return new Access(current.accessToken(), current.scopes());
        }
        Instant now = clock.instant();
        if (current.refreshLeaseUntil() != null && now.isBefore(current.refreshLeaseUntil())) {
          // Another node is refreshing: wait for its token rather than refresh a second time.
          if (System.nanoTime() - waitedSince > LEASE.toNanos()) {
            throw new TokenEndpointUnavailable("another node's refresh did not finish");
          }
          sleep(LEASE_POLL);
          continue;
        }
        long leaseVersion = store.takeRefreshLease(userId, current.version(), now.plus(LEASE));
        if (leaseVersion < 0) {
          continue; // the row changed between the read and the lease: look again
        }
        return refreshUnderLease(userId, current, leaseVersion);
      }
    } finally {
      lock.unlock();
    }
  }

  private Access refreshUnderLease(String userId, Grant current, long leaseVersion)
      throws ConsentRequired, TokenEndpointUnavailable {
    GoogleOAuthClient.Tokens tokens;
    try {
      tokens = google.refresh(current.refreshToken());
    } catch (TokenResponseException e) {
      if (e.getDetails() != null && "invalid_grant".equals(e.getDetails().getError())) {
        // Revoked or expired (https://developers.google.com/identity/protocols/oauth2#expiration).
        // Under the lease nobody else can have rotated it, so the grant is worthless now.
        store.deleteIfUnchanged(userId, leaseVersion);
        throw new ConsentRequired("refresh token refused (invalid_grant)");
      }
      store.releaseRefreshLease(userId, leaseVersion);
      throw new TokenEndpointUnavailable("token endpoint answered " + e.getStatusCode());
    } catch (GoogleOAuthClient.ClientRefused e) {
      // Logged once per cause where it was detected; the grant stays as it is.
      store.releaseRefreshLease(userId, leaseVersion);
      throw new ClientRefused(e.getMessage());
    } catch (IOException e) {
      store.releaseRefreshLease(userId, leaseVersion);
      throw new TokenEndpointUnavailable("token endpoint failed: " + e.getClass().getSimpleName());
    }
    // If this write loses (a sign-in replaced the grant meanwhile, its tokens at least as new),
    // nothing is stored; this answer's access token still serves this one request.
    store.saveRefreshed(userId, leaseVersion, tokens.accessToken(), tokens.expiresAt(), tokens.refreshToken());
    return new Access(tokens.accessToken(), current.scopes());
  }

  private boolean needsRefresh(Grant grant) {
    return !isFresh(grant);
  }

  private boolean isFresh(Grant grant) {
    Instant expiresAt = grant.accessTokenExpiresAt();
    return grant.accessToken() != null
        && expiresAt != null
        && clock.instant().plus(EXPIRY_MARGIN).isBefore(expiresAt);
  }

  private static void sleep(Duration d) throws TokenEndpointUnavailable {
    try {
      Thread.sleep(d.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new TokenEndpointUnavailable("interrupted while waiting for a refresh");
    }
  }
}
