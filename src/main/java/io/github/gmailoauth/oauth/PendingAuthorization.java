package io.github.gmailoauth.oauth;

import java.io.Serializable;
import java.time.Instant;

/**
 * One authorization request in flight: the {@code state} sent to Google, the PKCE verifier that
 * goes with it, when it was made, and the same-site page to return to afterwards. Kept in the
 * session only; small and serialisable so that a shared session store can carry it.
 *
 * @param forcedConsent true when this request re-ran consent because Google sent no refresh token,
 *     so that a second answer without one ends with an explanation instead of a loop
 */
record PendingAuthorization(
    String state, String verifier, Instant createdAt, String returnTo, boolean forcedConsent)
    implements Serializable {
  /** Fixed: a session stored by one build must still be read by the next one and by other nodes. */
  private static final long serialVersionUID = 1L;

  @Override
  public String toString() {
    return "PendingAuthorization[createdAt=" + createdAt + ", returnTo=" + returnTo + "]";
  }
}
