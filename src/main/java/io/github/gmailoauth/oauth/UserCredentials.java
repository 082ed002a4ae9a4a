package io.github.gmailoauth.oauth;

import com.google.api.client.auth.oauth2.TokenResponseException;
import io.github.gmailoauth.metrics.AppMetrics;
import io.github.gmailoauth.metrics.AppMetrics.Refresh;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Predicate;

/**
 * Access tokens for signed-in users, built from their stored grants.
 *
 * <ul>
 *   <li>An access token is reused until {@link #EXPIRY_MARGIN} before it expires, by every request
 *       and every node (it is stored, encrypted, with the grant).
 *   <li>Refreshes are single-flight: one per user at a time in this process ({@link PerUserLocks},
 *       so users never wait on each other), and one across nodes (a lease on the row, taken by
 *       compare-and-set on its version). Everyone else reuses the token the refresh stored.
 *   <li>A rotated refresh token replaces the stored one in the same write as the access token; an
 *       answer without one keeps it. A write that lost a race is never applied.
 *   <li>A refresh that Google's token endpoint failed (5xx, timeout, reset, an unreadable answer)
 *       backs the grant off, in its row so that every node honours it: no further attempt before
 *       {@link #backOff} has passed (exponential with jitter, capped), meanwhile every request is
 *       told how long to wait. A successful refresh ends it. {@code invalid_grant} is no outage:
 *       the grant is gone, and the user goes through consent again.
 *   <li>Across users, this node's {@link TokenEndpointBreaker} pauses refreshes when the endpoint
 *       fails for many of them at once.
 * </ul>
 */
public final class UserCredentials {
  /** Refresh this long before the expiry Google announced, to absorb clock skew and latency. */
  static final Duration EXPIRY_MARGIN = Duration.ofSeconds(60);

  /** Longer than one token call may take (10 s), so a live lease is never taken over. */
  static final Duration LEASE = Duration.ofSeconds(15);

  /** How often a request that waits for another's refresh looks at the row again. */
  static final Duration LEASE_POLL = Duration.ofMillis(50);

  /** The first back-off after a failed refresh; doubled with every further failure in a row ... */
  static final Duration BACKOFF_BASE = Duration.ofSeconds(1);

  /** ... up to this. */
  static final Duration BACKOFF_CAP = Duration.ofSeconds(60);

  /** Retry-After when nothing better is known (a lease that did not end). */
  static final Duration DEFAULT_RETRY = Duration.ofSeconds(5);

  private final TokenStore store;
  private final GoogleOAuthClient google;
  private final Clock clock;
  private final PerUserLocks refreshLocks = new PerUserLocks();
  private final TokenEndpointBreaker breaker;
  private final AppMetrics metrics;

  public UserCredentials(
      TokenStore store, GoogleOAuthClient google, Clock clock, AppMetrics metrics) {
    this.store = store;
    this.google = google;
    this.clock = clock;
    this.breaker = new TokenEndpointBreaker(clock);
    this.metrics = metrics;
  }

  /** The user must go through Google's consent again: no grant, or Google refused it. */
  public static final class ConsentRequired extends Exception {
    public ConsentRequired(String reason) {
      super(reason, null, false, false);
    }
  }

  /**
   * Google's token endpoint failed (5xx, timeout, connection reset, an unreadable answer), or is
   * being left alone after failures: the grant is kept, and {@link #retryAfter} says when a request
   * may try again.
   */
  public static class TokenEndpointUnavailable extends IOException {
    private final Duration retryAfter;

    TokenEndpointUnavailable(String reason, Duration retryAfter) {
      super(reason);
      this.retryAfter = retryAfter;
    }

    /** How long until a refresh will be tried again (positive). */
    public Duration retryAfter() {
      return retryAfter;
    }
  }

  /**
   * No refresh was tried: the grant is backing off after failures, or this node's breaker has
   * paused refreshes. Nothing new has failed, so nothing new to report at WARNING.
   */
  public static final class RefreshDeferred extends TokenEndpointUnavailable {
    RefreshDeferred(String reason, Duration retryAfter) {
      super(reason, retryAfter);
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
      super(reason, DEFAULT_RETRY);
    }
  }

  /** An access token and the scopes the user granted with it. */
  public record Access(String token, String scopes) {
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
    ReentrantLock lock = refreshLocks.of(userId);
    lock.lock();
    try {
      long waitedSince = System.nanoTime();
      while (true) {
        // Read again: another request may have refreshed while this one waited for the lock.
        Grant current =
            store.find(userId).orElseThrow(() -> new ConsentRequired("no grant stored"));
        if (!needed.test(current)) {
          // Needed a refresh when asked; another thread or node did it meanwhile.
          metrics.refresh(Refresh.REUSED);
          return new Access(current.accessToken(), current.scopes());
        }
        Instant now = clock.instant();
        if (current.refreshRetryAt() != null && now.isBefore(current.refreshRetryAt())) {
          // Retry-After: the later of the two, so that a client that waits that long is let
          // through.
          Duration backingOff = Duration.between(now, current.refreshRetryAt());
          Duration paused = breaker.pausedFor();
          metrics.refresh(Refresh.DEFERRED);
          throw new RefreshDeferred(
              "refresh backing off after " + current.refreshFailures() + " failure(s)",
              paused.compareTo(backingOff) > 0 ? paused : backingOff);
        }
        if (current.refreshLeaseUntil() != null && now.isBefore(current.refreshLeaseUntil())) {
          // Another node is refreshing: wait for its token rather than refresh a second time.
          if (System.nanoTime() - waitedSince > LEASE.toNanos()) {
            metrics.refresh(Refresh.UNAVAILABLE);
            throw new TokenEndpointUnavailable(
                "another node's refresh did not finish", DEFAULT_RETRY);
          }
          sleep(LEASE_POLL);
          continue;
        }
        if (!breaker.permits()) {
          metrics.refresh(Refresh.DEFERRED);
          throw new RefreshDeferred(
              "token endpoint failing for many users: refresh paused", breaker.untilProbe());
        }
        long leaseVersion;
        try {
          leaseVersion = store.takeRefreshLease(userId, current.version(), now.plus(LEASE));
        } catch (RuntimeException e) {
          breaker.notCalled();
          throw e;
        }
        if (leaseVersion < 0) {
          breaker.notCalled();
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
    long started = System.nanoTime();
    try {
      tokens = google.refresh(current.refreshToken());
    } catch (TokenResponseException e) {
      // 5xx, and 429 "slow down" (RFC 6585 §4), count against the endpoint; an OAuth error shows it
      // working.
      if (e.getStatusCode() >= 500 || e.getStatusCode() == 429) {
        breaker.failed(System.nanoTime() - started, e);
      } else {
        breaker.answered(System.nanoTime() - started);
      }
      if (e.getDetails() != null && "invalid_grant".equals(e.getDetails().getError())) {
        // Revoked or expired (https://developers.google.com/identity/protocols/oauth2#expiration).
        // Under the lease nobody else can have rotated it, so the grant is worthless now.
        store.deleteIfUnchanged(userId, leaseVersion);
        metrics.refresh(Refresh.INVALID_GRANT);
        throw new ConsentRequired("refresh token refused (invalid_grant)");
      }
      metrics.refresh(Refresh.UNAVAILABLE);
      throw backOff(userId, current, leaseVersion, "token endpoint answered " + e.getStatusCode());
    } catch (GoogleOAuthClient.ClientRefused e) {
      // Logged once per cause where it was detected; the grant stays as it is.
      breaker.answered(System.nanoTime() - started);
      store.releaseRefreshLease(userId, leaseVersion);
      metrics.refresh(Refresh.UNAVAILABLE);
      throw new ClientRefused(e.getMessage());
    } catch (IOException | RuntimeException e) {
      breaker.failed(System.nanoTime() - started, e);
      if (e instanceof RuntimeException unexpected) {
        store.releaseRefreshLease(userId, leaseVersion);
        throw unexpected;
      }
      metrics.refresh(Refresh.UNAVAILABLE);
      throw backOff(
          userId, current, leaseVersion, "token endpoint failed: " + e.getClass().getSimpleName());
    }
    breaker.answered(System.nanoTime() - started);
    // If this write loses (a sign-in replaced the grant meanwhile, its tokens at least as new),
    // nothing is stored; this answer's access token still serves this one request.
    store.saveRefreshed(
        userId, leaseVersion, tokens.accessToken(), tokens.expiresAt(), tokens.refreshToken());
    metrics.refresh(Refresh.REFRESHED);
    return new Access(tokens.accessToken(), current.scopes());
  }

  /**
   * Ends the lease and backs the grant off after a failed refresh: the next attempt, from any node,
   * not before {@link #backOff} of its failures in a row.
   */
  private TokenEndpointUnavailable backOff(
      String userId, Grant current, long leaseVersion, String reason) {
    int failures = current.refreshFailures() + 1;
    Duration wait = backOff(failures, ThreadLocalRandom.current().nextDouble());
    store.recordRefreshFailure(userId, leaseVersion, clock.instant().plus(wait));
    // This failure may just have opened the breaker: Retry-After is the later of the two.
    Duration paused = breaker.pausedFor();
    return new TokenEndpointUnavailable(
        reason + "; failure " + failures + " in a row, next try in " + wait.toMillis() + " ms",
        paused.compareTo(wait) > 0 ? paused : wait);
  }

  /**
   * How long to leave a grant alone after its {@code failures}-th failed refresh in a row: {@code d
   * = min(BACKOFF_CAP, BACKOFF_BASE * 2^(failures - 1))}, then "equal jitter", a point in [d/2, d]
   * picked by {@code random} in [0, 1). Half of it random, so that users who failed together (one
   * outage) do not all come back at the same instant, and at least d/2, so that the number of
   * attempts in an outage has an upper bound.
   */
  static Duration backOff(int failures, double random) {
    int doublings = Math.min(Math.max(failures, 1) - 1, 30);
    long d = Math.min(BACKOFF_CAP.toMillis(), BACKOFF_BASE.toMillis() << doublings);
    return Duration.ofMillis(d / 2 + (long) (random * (d - d / 2)));
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
      throw new TokenEndpointUnavailable("interrupted while waiting for a refresh", DEFAULT_RETRY);
    }
  }
}
