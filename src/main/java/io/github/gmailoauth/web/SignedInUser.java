package io.github.gmailoauth.web;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpSession;
import java.io.Serializable;

/** Who this browser session belongs to: the Google user id (the key of the grant) and address. */
public record SignedInUser(String id, String email) implements Serializable {
  /** Fixed: a session stored by one build must still be read by the next one and by other nodes. */
  private static final long serialVersionUID = 1L;

  static final String SESSION_ATTRIBUTE = "user";

  /** The signed-in user of this request, or null. Never creates a session. */
  public static SignedInUser of(HttpServletRequest request) {
    HttpSession session = request.getSession(false);
    if (session == null) {
      return null;
    }
    return session.getAttribute(SESSION_ATTRIBUTE) instanceof SignedInUser user ? user : null;
  }

  public void storeIn(HttpSession session) {
    session.setAttribute(SESSION_ATTRIBUTE, this);
  }

  public static void forget(HttpServletRequest request) {
    HttpSession session = request.getSession(false);
    if (session != null) {
      session.removeAttribute(SESSION_ATTRIBUTE);
    }
  }
}
