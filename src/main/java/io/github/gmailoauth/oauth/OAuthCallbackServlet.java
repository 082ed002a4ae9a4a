package io.github.gmailoauth.oauth;

import com.google.api.client.auth.oauth2.TokenResponseException;
import io.github.gmailoauth.web.Links;
import io.github.gmailoauth.web.Pages;
import io.github.gmailoauth.web.SignedInSessions;
import io.github.gmailoauth.web.SignedInUser;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.lang.System.Logger.Level;

/**
 * Where Google sends the browser back (RFC 6749 §4.1.2). {@code state} is checked before anything
 * else, so a forged, replayed or expired callback never reaches the token endpoint (RFC 9700
 * §4.7). Then: exchange the code with the PKCE verifier, ask userinfo who this is, store the
 * refresh token under the Google user id, start a new session bound to this browser and go on.
 */
public final class OAuthCallbackServlet extends HttpServlet {
  public static final String PATH = "/oauth2callback";
  static final int MAX_STATE = 128;
  static final int MAX_CODE = 2048;
  /** The authorization response's parameters (RFC 6749 §4.1.2, §4.1.2.1), and Google's scope. */
  private static final java.util.List<String> OAUTH_PARAMETERS = java.util.List.of("code", "state", "error", "scope");
  private static final System.Logger LOG = System.getLogger(OAuthCallbackServlet.class.getName());

  private final GoogleOAuthClient google;
  private final TokenStore store;
  private final GmailPermission gmailPermission;
  private final Pages pages;
  private final PendingAuthorizations pendingAuthorizations;
  private final SignedInSessions signedInSessions;

  public OAuthCallbackServlet(GoogleOAuthClient google, TokenStore store, GmailPermission gmailPermission,
      Pages pages, PendingAuthorizations pendingAuthorizations, SignedInSessions signedInSessions) {
    this.google = google;
    this.store = store;
    this.gmailPermission = gmailPermission;
    this.pages = pages;
    this.pendingAuthorizations = pendingAuthorizations;
    this.signedInSessions = signedInSessions;
  }

  @Override
  protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
    if (repeatsAnOAuthParameter(request)) {
      // RFC 6749 §3.1: parameters must not be included more than once. Not an answer the
      // authorization server sent, so nothing of it is used, not even its state.
      pages.error(request, response, HttpServletResponse.SC_BAD_REQUEST,
          "This sign-in link is not valid", "Google's answer was not well-formed. Please sign in again.",
          AuthorizeServlet.PATH, "Sign in with Google");
      return;
    }
    String state = single(request, "state", MAX_STATE);
    String code = single(request, "code", MAX_CODE);
    String error = single(request, "error", 256);
    PendingAuthorization pending =
        state == null ? null : pendingAuthorizations.consume(request, response, state);
    if (pending == null) {
      pages.error(request, response, HttpServletResponse.SC_BAD_REQUEST,
          "This sign-in link is not valid",
          "It was already used, has expired, or was not started in this browser. Please sign in again.",
          AuthorizeServlet.PATH, "Sign in with Google");
      return;
    }
    if (error != null) {
      // Google's error_description is not shown: it is attacker-controllable text.
      if ("access_denied".equals(error)) {
        pages.error(request, response, HttpServletResponse.SC_OK,
            "Sign-in cancelled",
            "You did not allow access to your Gmail, so there is nothing to show. You can try again at any time.",
            AuthorizeServlet.PATH + "?next=" + Links.encode(ReturnTo.sanitize(pending.returnTo())), "Try again");
      } else {
        pages.error(request, response, HttpServletResponse.SC_BAD_REQUEST,
            "Google could not complete the sign-in",
            "Google reported a problem with this sign-in request. Please try again.",
            AuthorizeServlet.PATH, "Try again");
      }
      return;
    }
    if (code == null) {
      pages.error(request, response, HttpServletResponse.SC_BAD_REQUEST,
          "This sign-in link is not valid", "Google's answer was incomplete. Please sign in again.",
          AuthorizeServlet.PATH, "Sign in with Google");
      return;
    }

    GoogleOAuthClient.Tokens tokens;
    GoogleOAuthClient.Identity identity;
    try {
      tokens = google.exchange(code, pending.verifier());
      identity = google.whoIs(tokens.accessToken());
    } catch (GoogleOAuthClient.ClientRefused e) {
      // A configuration error (logged at WARNING once, where it was found): every sign-in fails
      // the same way until it is fixed, so the page offers no retry.
      LOG.log(Level.DEBUG, "code exchange refused the client: {0}", e.getMessage());
      pages.error(request, response, HttpServletResponse.SC_INTERNAL_SERVER_ERROR,
          "Sign-in is not available",
          "Google did not accept this app's own credentials, so nobody can sign in until the people who run it"
              + " fix its configuration. Nothing is wrong with your account; trying again will not help until then.",
          null, null);
      return;
    } catch (TokenResponseException e) {
      if (e.getStatusCode() >= 500) {
        LOG.log(Level.WARNING, "token endpoint answered {0}", e.getStatusCode());
        pages.error(request, response, HttpServletResponse.SC_BAD_GATEWAY,
            "Google is not answering", "Google could not complete the sign-in just now. Please try again in a moment.",
            AuthorizeServlet.PATH, "Try again");
        return;
      }
      LOG.log(Level.INFO, "code exchange refused: {0}", e.getDetails() == null ? e.getStatusCode() : e.getDetails().getError());
      pages.error(request, response, HttpServletResponse.SC_BAD_REQUEST,
          "Sign-in did not complete", "Google did not accept this sign-in. Please sign in again.",
          AuthorizeServlet.PATH, "Sign in with Google");
      return;
    } catch (IOException e) {
      LOG.log(Level.WARNING, "Google could not complete the sign-in: {0}", e.getClass().getSimpleName());
      pages.error(request, response, HttpServletResponse.SC_BAD_GATEWAY,
          "Google is not answering", "Google could not be reached to complete the sign-in. Please try again in a moment.",
          AuthorizeServlet.PATH, "Try again");
      return;
    }

    boolean saved =
        store.saveSignIn(identity.id(), identity.email(), tokens.refreshToken(), tokens.scope(),
            tokens.accessToken(), tokens.expiresAt());
    if (!saved) {
      // No refresh token in the answer and none stored: only consent yields a new one.
      if (pending.forcedConsent()) {
        pages.error(request, response, HttpServletResponse.SC_FORBIDDEN,
            "Google did not grant offline access",
            "Google signed you in but gave this app no lasting access to your Gmail. Remove this app under"
                + " “Third-party apps with account access” in your Google Account, then sign in again.",
            AuthorizeServlet.PATH, "Sign in again");
        return;
      }
      PendingAuthorization again =
          pendingAuthorizations.begin(request, response, pending.returnTo(), true);
      response.sendRedirect(google.authorizationUrl(again, identity.email()));
      return;
    }

    // A new session id at sign-in defeats session fixation; the session is bound to a key only
    // this browser holds (SignedInSessions).
    signedInSessions.signIn(request, response, new SignedInUser(identity.id(), identity.email()));
    LOG.log(Level.INFO, "user {0} signed in", identity.id());
    if (!gmailPermission.isGranted(tokens.scope())) {
      gmailPermission.showNeeded(request, response, pending.returnTo());
      return;
    }
    // Checked again on the way out (the check is idempotent), so that what is sent is exactly
    // what passed it, whatever rules the sealed pending sign-in was written under.
    response.sendRedirect(request.getContextPath() + ReturnTo.sanitize(pending.returnTo()));
  }

  private static boolean repeatsAnOAuthParameter(HttpServletRequest request) {
    for (String name : OAUTH_PARAMETERS) {
      String[] values = request.getParameterValues(name);
      if (values != null && values.length > 1) {
        return true;
      }
    }
    return false;
  }

  /** The one value of a parameter; null when absent, duplicated or longer than {@code max}. */
  private static String single(HttpServletRequest request, String name, int max) {
    String[] values = request.getParameterValues(name);
    if (values == null || values.length != 1 || values[0].isEmpty() || values[0].length() > max) {
      return null;
    }
    return values[0];
  }
}
