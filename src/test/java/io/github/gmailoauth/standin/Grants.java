package io.github.gmailoauth.standin;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;

/** What the stand-in's authorization server hands out: codes, refresh tokens and access tokens. */
final class Grants {

  private Grants() {}

  /** A single-use authorization code and everything the token request must match. */
  record AuthCode(
      String value,
      StandInUser user,
      String clientId,
      String redirectUri,
      List<String> scopes,
      String codeChallenge,
      boolean offline,
      Instant expiresAt,
      AtomicBoolean used) {}

  /**
   * A refresh token; it remembers its access tokens so that revoking the grant reaches them. When
   * rotation replaces it, the successor inherits that list and {@code replacedBy} points to it, so
   * revoking any member of the chain (or any of its access tokens) revokes the whole grant.
   * Rotation and revocation of one token are done while holding its monitor.
   */
  static final class RefreshToken {
    final String value;
    final StandInUser user;
    final String clientId;
    final List<String> scopes;
    final List<AccessToken> accessTokens = new CopyOnWriteArrayList<>();
    volatile boolean revoked;
    volatile RefreshToken replacedBy; // set once, by rotation

    RefreshToken(String value, StandInUser user, String clientId, List<String> scopes) {
      this.value = value;
      this.user = user;
      this.clientId = clientId;
      this.scopes = scopes;
    }

    /** Whether grant_type=refresh_token accepts it: neither revoked nor rotated away. */
    boolean usable() {
      return !revoked && replacedBy == null;
    }
  }

  static final class AccessToken {
    final String value;
    final StandInUser user;
    final String clientId;
    final List<String> scopes;
    final Duration lifetime;
    final Instant expiresAt;
    final RefreshToken grant; // null when no refresh token was issued
    volatile boolean revoked;

    AccessToken(
        String value,
        StandInUser user,
        String clientId,
        List<String> scopes,
        Duration lifetime,
        RefreshToken grant) {
      this.value = value;
      this.user = user;
      this.clientId = clientId;
      this.scopes = scopes;
      this.lifetime = lifetime;
      this.expiresAt = Instant.now().plus(lifetime);
      this.grant = grant;
    }

    boolean usable(Instant now) {
      return !revoked && now.isBefore(expiresAt);
    }
  }
}
