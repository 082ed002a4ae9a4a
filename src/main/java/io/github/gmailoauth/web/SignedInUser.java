package io.github.gmailoauth.web;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpSession;

/**
 * Who this request is signed in as: the Google user id (the key of the grant) and address, as
 * {@link SignedInSessions} verified them for this request. Never stored as such.
 */
public record SignedInUser(String id, String email) {
  /**
   * The signed-in user of this request, or null; null too once the session has ended or forgotten
   * its user during this request (sign-out, disconnect). Never creates a session.
   */
  public static SignedInUser of(HttpServletRequest request) {
    if (!(request.getAttribute(SignedInSessions.REQUEST_ATTRIBUTE) instanceof SignedInUser user)) {
      return null;
    }
    HttpSession session = request.getSession(false);
    try {
      return session != null && session.getAttribute(SignedInSessions.SESSION_ATTRIBUTE) != null
          ? user
          : null;
    } catch (IllegalStateException invalidated) {
      return null;
    }
  }

  /** Signs this request's session out (the session itself stays, e.g. for its loop guard). */
  public static void forget(HttpServletRequest request) {
    request.removeAttribute(SignedInSessions.REQUEST_ATTRIBUTE);
    HttpSession session = request.getSession(false);
    if (session != null) {
      session.removeAttribute(SignedInSessions.SESSION_ATTRIBUTE);
    }
  }
}
