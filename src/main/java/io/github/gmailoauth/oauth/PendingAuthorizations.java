package io.github.gmailoauth.oauth;

import jakarta.servlet.http.HttpSession;
import java.io.Serializable;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * The authorization requests a session has in flight. A handful may be pending at once (two tabs
 * signing in), the oldest dropped beyond that so that a flood of /authorize cannot grow the
 * session. Each is single use and expires after ten minutes.
 */
final class PendingAuthorizations implements Serializable {
  /** Fixed: a session stored by one build must still be read by the next one and by other nodes. */
  private static final long serialVersionUID = 1L;

  static final String SESSION_ATTRIBUTE = "oauth.pending";
  static final Duration LIFETIME = Duration.ofMinutes(10);
  static final int MAX_PENDING = 5;

  private final List<PendingAuthorization> pending = new ArrayList<>();

  static PendingAuthorization begin(
      HttpSession session, Clock clock, String returnTo, boolean forcedConsent) {
    PendingAuthorization created =
        new PendingAuthorization(
            Pkce.random256(), Pkce.random256(), clock.instant(), returnTo, forcedConsent);
    synchronized (session) {
      PendingAuthorizations all = of(session);
      all.pending.add(created);
      while (all.pending.size() > MAX_PENDING) {
        all.pending.remove(0);
      }
      // Set again after the change so that a persistent session store writes it out.
      session.setAttribute(SESSION_ATTRIBUTE, all);
    }
    return created;
  }

  /**
   * Removes and returns the pending request that {@code state} names, or null when it is unknown,
   * already used or expired. Every candidate is compared in constant time.
   */
  static PendingAuthorization consume(HttpSession session, Clock clock, String state) {
    if (session == null || state == null) {
      return null;
    }
    byte[] presented = state.getBytes(StandardCharsets.UTF_8);
    synchronized (session) {
      PendingAuthorizations all = of(session);
      PendingAuthorization match = null;
      for (PendingAuthorization p : all.pending) {
        if (MessageDigest.isEqual(p.state().getBytes(StandardCharsets.UTF_8), presented)) {
          match = p;
        }
      }
      Instant now = clock.instant();
      boolean changed = all.pending.removeIf(p -> isExpired(p, now));
      if (match != null) {
        all.pending.remove(match);
        changed = true;
      }
      if (changed) {
        session.setAttribute(SESSION_ATTRIBUTE, all);
      }
      return match == null || isExpired(match, now) ? null : match;
    }
  }

  private static boolean isExpired(PendingAuthorization p, Instant now) {
    return !now.isBefore(p.createdAt().plus(LIFETIME)) || now.isBefore(p.createdAt().minus(LIFETIME));
  }

  private static PendingAuthorizations of(HttpSession session) {
    Object value = session.getAttribute(SESSION_ATTRIBUTE);
    return value instanceof PendingAuthorizations p ? p : new PendingAuthorizations();
  }
}
