package io.github.gmailoauth.oauth;

import java.time.Instant;

/**
 * What one Google account has granted this app: the long-lived refresh token, the scopes, and the
 * current access token with its expiry (null when none is cached).
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
    Instant updatedAt) {

  @Override
  public String toString() {
    return "Grant[userId=" + userId + ", scopes=" + scopes + ", accessTokenExpiresAt="
        + accessTokenExpiresAt + ", createdAt=" + createdAt + ", updatedAt=" + updatedAt
        + ", tokens=(hidden)]";
  }
}
