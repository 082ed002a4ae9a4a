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
import java.util.function.BooleanSupplier;

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
  /** Tries of the grant's save, and the time they may take together (brief: the browser waits). */
  static final int SAVE_TRIES = 3;
  static final long SAVE_WITHIN_NANOS = 1_000_000_000L;
  private static final long SAVE_PAUSE_NANOS = 150_000_000L;
  private static final System.Logger LOG = System.getLogger(OAuthCallbackServlet.class.getName());

  private final GoogleOAuthClient google;
  private final TokenStore store;
  private final GmailPermission gmailPermission;
  private final Pages pages;
  private final PendingAuthorizations pendingAuthorizations;
  private final SignedInSessions signedInSessions;
  private final BooleanSupplier databaseAnswers;

  /** @param databaseAnswers whether the database answers now (the readiness check, short-bounded) */
  public OAuthCallbackServlet(GoogleOAuthClient google, TokenStore store, GmailPermission gmailPermission,
      Pages pages, PendingAuthorizations pendingAuthorizations, SignedInSessions signedInSessions,
      BooleanSupplier databaseAnswers) {
    this.google = google;
    this.store = store;
    this.gmailPermission = gmailPermission;
    this.pages = pages;
    this.pendingAuthorizations = pendingAuthorizations;
    this.signedInSessions = signedInSessions;
    this.databaseAnswers = databaseAnswers;
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

    Boolean saved = saveWithRetry(identity, tokens);
    if (saved == null) {
      // The code is spent (RFC 6749 §4.1.2: single use), so this very answer cannot be replayed;
      // a new sign-in is quick, as Google remembers the consent.
      response.setHeader("Retry-After", Pages.RETRY_AFTER_SECONDS);
      pages.error(request, response, HttpServletResponse.SC_SERVICE_UNAVAILABLE,
          "Sign-in not saved",
          "You are signed in at Google, but we could not save it just now; please try again in a moment.",
          AuthorizeServlet.PATH + "?next=" + Links.encode(ReturnTo.sanitize(pending.returnTo())), "Try again");
      return;
    }
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
    if (!databaseAnswers.getAsBoolean()) {
      // With sessions in the database, the container could not have saved the new session, and
      // it does not say so (Jetty logs "Save of new session ... failed" and goes on): sent on, the
      // browser would arrive signed out. The grant is saved, so the next sign-in needs no consent.
      LOG.log(Level.WARNING, "user {0} signed in but the database stopped answering; no session", identity.id());
      response.setHeader("Retry-After", Pages.RETRY_AFTER_SECONDS);
      pages.error(request, response, HttpServletResponse.SC_SERVICE_UNAVAILABLE,
          "Signed in, but not here yet",
          "You are signed in at Google and your access was saved, but we could not start your session here"
              + " because our database is not answering; please try again in a moment.",
          AuthorizeServlet.PATH + "?next=" + Links.encode(ReturnTo.sanitize(pending.returnTo())), "Try again");
      return;
    }
    LOG.log(Level.INFO, "user {0} signed in", identity.id());
    if (!gmailPermission.isGranted(tokens.scope())) {
      gmailPermission.showNeeded(request, response, pending.returnTo());
      return;
    }
    // Checked again on the way out (the check is idempotent), so that what is sent is exactly
    // what passed it, whatever rules the sealed pending sign-in was written under.
    response.sendRedirect(request.getContextPath() + ReturnTo.sanitize(pending.returnTo()));
  }

  /**
   * {@link TokenStore#saveSignIn}'s answer, tried up to {@link #SAVE_TRIES} times while less than
   * {@link #SAVE_WITHIN_NANOS} has passed (a database restart takes about half a second); null when
   * every try failed, which is logged here once. Each try is one transaction, so a failed one leaves
   * no row behind, and the save is idempotent, so a try that failed after committing does no harm.
   */
  private Boolean saveWithRetry(GoogleOAuthClient.Identity identity, GoogleOAuthClient.Tokens tokens) {
    long start = System.nanoTime();
    for (int attempt = 1; ; attempt++) {
      try {
        return store.saveSignIn(identity.id(), identity.email(), tokens.refreshToken(), tokens.scope(),
            tokens.accessToken(), tokens.expiresAt());
      } catch (TokenStore.StoreException e) {
        long pause = SAVE_PAUSE_NANOS * attempt;
        if (attempt >= SAVE_TRIES || System.nanoTime() - start + pause > SAVE_WITHIN_NANOS) {
          LOG.log(Level.WARNING, "signed in at Google but could not save the grant of user {0} ({1} tries): {2}",
              identity.id(), attempt, causeOf(e));
          return null;
        }
        try {
          Thread.sleep(pause / 1_000_000);
        } catch (InterruptedException interrupted) {
          Thread.currentThread().interrupt();
          LOG.log(Level.WARNING, "could not save the grant of user {0}: interrupted", identity.id());
          return null;
        }
      }
    }
  }

  /** The failure's kind for the log: exception class and SQLSTATE, never its message (it may quote data). */
  private static String causeOf(TokenStore.StoreException e) {
    Throwable cause = e.getCause();
    if (cause instanceof java.sql.SQLException sql) {
      return sql.getClass().getSimpleName() + " SQLSTATE " + sql.getSQLState();
    }
    return cause == null ? e.getMessage() : cause.getClass().getSimpleName();
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
