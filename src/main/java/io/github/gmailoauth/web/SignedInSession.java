package io.github.gmailoauth.web;

import java.io.Serializable;
import java.time.Instant;

/**
 * What a signed-in HTTP session holds: who, since when, and the proof that ties it to the browser's
 * session key ({@link SignedInSessions}). Nothing here lets anyone sign in: the proof is an HMAC
 * over the other fields and a key only the browser holds, under a key only the app holds.
 */
record SignedInSession(String id, String email, Instant signedInAt, String proof)
    implements Serializable {
  /** Fixed: a session stored by one build must still be read by the next one and by other nodes. */
  private static final long serialVersionUID = 1L;

  @Override
  public String toString() {
    return "SignedInSession[id=" + id + ", signedInAt=" + signedInAt + "]";
  }
}
