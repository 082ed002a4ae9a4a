package io.github.gmailoauth.oauth;

import io.github.gmailoauth.web.Links;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;

/**
 * Starts a sign-in: remembers a fresh {@code state} and PKCE verifier in the browser's sealed
 * cookie (never in a server session: a visitor who never comes back costs the server nothing) and
 * sends the browser to Google's consent page. {@code next} names the same-site page to come back
 * to; {@code login_hint} pre-selects an account.
 */
public final class AuthorizeServlet extends HttpServlet {
  public static final String PATH = "/authorize";
  static final int MAX_LOGIN_HINT = 320;

  private final GoogleOAuthClient google;
  private final PendingAuthorizations pendingAuthorizations;

  public AuthorizeServlet(GoogleOAuthClient google, PendingAuthorizations pendingAuthorizations) {
    this.google = google;
    this.pendingAuthorizations = pendingAuthorizations;
  }

  @Override
  protected void doGet(HttpServletRequest request, HttpServletResponse response)
      throws IOException {
    String returnTo = ReturnTo.sanitize(request.getParameter("next"));
    PendingAuthorization pending = pendingAuthorizations.begin(request, response, returnTo, false);
    response.sendRedirect(
        google.authorizationUrl(pending, loginHint(request.getParameter("login_hint"))));
  }

  /** The sign-in page's address that returns to {@code returnTo} (made same-site) afterwards. */
  public static String pathReturningTo(String returnTo) {
    return PATH + "?next=" + Links.encode(ReturnTo.sanitize(returnTo));
  }

  /** An e-mail address or a Google user id; anything odd is dropped rather than forwarded. */
  static String loginHint(String hint) {
    if (hint == null || hint.isBlank() || hint.length() > MAX_LOGIN_HINT) {
      return null;
    }
    return hint.chars().allMatch(c -> c > 0x20 && c < 0x7f) ? hint : null;
  }
}
