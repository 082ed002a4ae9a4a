package io.github.gmailoauth.web;

import java.time.Instant;

/**
 * Sessions ended from outside the browser (Google's Cross-Account Protection events, issue 16): a
 * per-user time before which every sign-in, on every node, is over. {@link SignedInSessions} asks
 * it on each request that is otherwise signed in.
 */
@FunctionalInterface
public interface SessionRevocations {
  /**
   * The time before which every session of {@code userId} is over, or null when there is none. May
   * throw when the store cannot answer; the session then counts as not ended for this request (what
   * it could reach needs the same database, which is down).
   */
  Instant signedOutBefore(String userId);
}
