package io.github.gmailoauth.oauth;

import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.time.Clock;

/**
 * Starts a sign-in: remembers a fresh {@code state} and PKCE verifier in the session and sends the
 * browser to Google's consent page. {@code next} names the same-site page to come back to;
 * {@code login_hint} pre-selects an account.
 */
public final class AuthorizeServlet extends HttpServlet {
  public static final String PATH = "/authorize";
  static final int MAX_LOGIN_HINT = 320;

  private final GoogleOAuthClient google;
  private final Clock clock;

  public AuthorizeServlet(GoogleOAuthClient google, Clock clock) {
    this.google = google;
    this.clock = clock;
  }

  @Override
  protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
    String returnTo = ReturnTo.sanitize(request.getParameter("next"));
    jakarta.servlet.http.HttpSession session = request.getSession(true);
    if (session.isNew()) {
      // A visitor who only started a sign-in is forgotten when the sign-in expires, not after
      // the signed-in session's 30 minutes: a flood of /authorize cannot pile up sessions.
      session.setMaxInactiveInterval((int) PendingAuthorizations.LIFETIME.toSeconds());
    }
    PendingAuthorization pending = PendingAuthorizations.begin(session, clock, returnTo, false);
    response.sendRedirect(google.authorizationUrl(pending, loginHint(request.getParameter("login_hint"))));
  }

  /** An e-mail address or a Google user id; anything odd is dropped rather than forwarded. */
  static String loginHint(String hint) {
    if (hint == null || hint.isBlank() || hint.length() > MAX_LOGIN_HINT) {
      return null;
    }
    return hint.chars().allMatch(c -> c > 0x20 && c < 0x7f) ? hint : null;
  }
}
