package io.github.gmailoauth.oauth;

import java.time.Instant;

/**
 * One authorization request in flight: the {@code state} sent to Google, the PKCE verifier that
 * goes with it, when it was made, and the same-site page to return to afterwards. Kept sealed in
 * the browser's cookie only ({@link PendingAuthorizations}).
 *
 * @param forcedConsent true when this request re-ran consent because Google sent no refresh token,
 *     so that a second answer without one ends with an explanation instead of a loop
 */
record PendingAuthorization(
    String state, String verifier, Instant createdAt, String returnTo, boolean forcedConsent) {
  @Override
  public String toString() {
    return "PendingAuthorization[createdAt=" + createdAt + ", returnTo=" + returnTo + "]";
  }
}
