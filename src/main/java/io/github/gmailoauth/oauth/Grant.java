package io.github.gmailoauth.oauth;

import java.time.Instant;

/**
 * What one Google account has granted this app: the long-lived refresh token, the scopes, and the
 * current access token with its expiry (null when none is cached).
 *
 * <p>{@code version} grows with every write of the row: writers compare it to detect that another
 * request, or another node, changed the grant since they read it (optimistic locking).
 *
 * <p>{@code refreshLeaseUntil}, when in the future, says that some request (on any node) is
 * refreshing the access token right now.
 *
 * <p>{@code refreshFailures} counts the refreshes that failed in a row (Google's token endpoint
 * down); while {@code refreshRetryAt} is in the future, nobody (on any node) tries again.
 *
 * <p>{@code toString()} is overridden so that a token can never reach a log through this record.
 */
public record Grant(
    String userId,
    String email,
    String refreshToken,
    String scopes,
    String accessToken,
    Instant accessTokenExpiresAt,
    Instant createdAt,
    Instant updatedAt,
    long version,
    Instant refreshLeaseUntil,
    int refreshFailures,
    Instant refreshRetryAt) {

  @Override
  public String toString() {
    return "Grant[userId="
        + userId
        + ", scopes="
        + scopes
        + ", accessTokenExpiresAt="
        + accessTokenExpiresAt
        + ", createdAt="
        + createdAt
        + ", updatedAt="
        + updatedAt
        + ", version="
        + version
        + ", refreshLeaseUntil="
        + refreshLeaseUntil
        + ", refreshFailures="
        + refreshFailures
        + ", refreshRetryAt="
        + refreshRetryAt
        + ", tokens=(hidden)]";
  }
}
