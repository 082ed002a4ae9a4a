package io.github.gmailoauth.oauth;

import com.google.api.client.auth.oauth2.TokenResponseException;
import io.github.gmailoauth.metrics.AppMetrics;
import io.github.gmailoauth.metrics.AppMetrics.SignIn;
import io.github.gmailoauth.web.Pages;
import io.github.gmailoauth.web.Problem;
import io.github.gmailoauth.web.Problems;
import io.github.gmailoauth.web.SignedInSessions;
import io.github.gmailoauth.web.SignedInUser;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.util.List;
import java.util.function.BooleanSupplier;

/**
 * Where Google sends the browser back (RFC 6749 §4.1.2). {@code state} is checked before anything
 * else, so a forged, replayed or expired callback never reaches the token endpoint (RFC 9700 §4.7).
 * Then {@link SignInCompletion} exchanges the code, asks who this is and stores the grant; this
 * servlet starts a new session bound to this browser and goes on, or shows what went wrong.
 */
public final class OAuthCallbackServlet extends HttpServlet {
  public static final String PATH = "/oauth2callback";
  static final int MAX_STATE = 128;
  static final int MAX_CODE = 2048;

  /** The authorization response's parameters (RFC 6749 §4.1.2, §4.1.2.1), and Google's scope. */
  private static final List<String> OAUTH_PARAMETERS = List.of("code", "state", "error", "scope");

  private static final System.Logger LOG = System.getLogger(OAuthCallbackServlet.class.getName());

  private final SignInCompletion signIn;
  private final GoogleOAuthClient google;
  private final GmailPermission gmailPermission;
  private final Pages pages;
  private final PendingAuthorizations pendingAuthorizations;
  private final SignedInSessions signedInSessions;
  private final BooleanSupplier databaseAnswers;
  private final AppMetrics metrics;

  /**
   * @param databaseAnswers whether the database answers now (the readiness check, short-bounded)
   * @param metrics counts each sign-in by how it ended
   */
  public OAuthCallbackServlet(
      SignInCompletion signIn,
      GoogleOAuthClient google,
      GmailPermission gmailPermission,
      Pages pages,
      PendingAuthorizations pendingAuthorizations,
      SignedInSessions signedInSessions,
      BooleanSupplier databaseAnswers,
      AppMetrics metrics) {
    this.metrics = metrics;
    this.signIn = signIn;
    this.google = google;
    this.gmailPermission = gmailPermission;
    this.pages = pages;
    this.pendingAuthorizations = pendingAuthorizations;
    this.signedInSessions = signedInSessions;
    this.databaseAnswers = databaseAnswers;
  }

  @Override
  protected void doGet(HttpServletRequest request, HttpServletResponse response)
      throws IOException {
    if (repeatsAnOAuthParameter(request)) {
      // RFC 6749 §3.1: parameters must not be included more than once. Not an answer the
      // authorization server sent, so nothing of it is used, not even its state.
      metrics.signIn(SignIn.ERROR_AT_GOOGLE);
      pages.problem(request, response, Problems.signInAnswerMalformed());
      return;
    }
    String state = single(request, "state", MAX_STATE);
    String code = single(request, "code", MAX_CODE);
    PendingAuthorization pending =
        state == null ? null : pendingAuthorizations.consume(request, response, state);
    String error = single(request, "error", 256);
    Problem refused = refusal(pending, error, code);
    if (refused != null) {
      metrics.signIn(
          pending == null
              ? SignIn.STATE_REFUSED
              : "access_denied".equals(error) ? SignIn.DENIED : SignIn.ERROR_AT_GOOGLE);
      pages.problem(request, response, refused);
      return;
    }
    complete(request, response, pending, code);
  }

  private void complete(
      HttpServletRequest request,
      HttpServletResponse response,
      PendingAuthorization pending,
      String code)
      throws IOException {
    SignInCompletion.Completed done;
    try {
      done = signIn.complete(code, pending.verifier());
    } catch (IOException e) {
      metrics.signIn(SignIn.EXCHANGE_FAILED);
      pages.problem(request, response, problemFor(e));
      return;
    }
    if (done.saved() != SignInCompletion.Saved.SAVED) {
      metrics.signIn(
          done.saved() == SignInCompletion.Saved.NO_REFRESH_TOKEN
              ? SignIn.NO_REFRESH_TOKEN
              : SignIn.NOT_SAVED);
    }
    switch (done.saved()) {
      case SAVED -> startSession(request, response, pending, done);
      case NO_REFRESH_TOKEN -> consentOnceMore(request, response, pending, done.identity());
      // The code is spent (RFC 6749 §4.1.2: single use), so this very answer cannot be replayed;
      // a new sign-in is quick, as Google remembers the consent.
      case SIGN_IN_REFUSED -> pages.problem(request, response, Problems.signInAccountDisabled());
      case NOT_SAVED ->
          pages.problem(
              request,
              response,
              Problems.signInNotSaved(AuthorizeServlet.pathReturningTo(pending.returnTo())));
    }
  }

  /**
   * What is wrong with the authorization response itself, or null when it carries a code for a
   * sign-in this browser started. Google's error_description is never shown: it is
   * attacker-controllable text.
   */
  private static Problem refusal(PendingAuthorization pending, String error, String code) {
    if (pending == null) {
      return Problems.signInLinkUnknown();
    }
    if ("access_denied".equals(error)) {
      return Problems.signInCancelled(AuthorizeServlet.pathReturningTo(pending.returnTo()));
    }
    if (error != null) {
      return Problems.signInErrorAtGoogle();
    }
    return code == null ? Problems.signInAnswerIncomplete() : null;
  }

  /** The page for a failed exchange or userinfo call, logged without anything Google sent. */
  private static Problem problemFor(IOException e) {
    if (e instanceof GoogleOAuthClient.ClientRefused) {
      // A configuration error (logged at WARNING once, where it was found): every sign-in fails
      // the same way until it is fixed, so the page offers no retry.
      LOG.log(Level.DEBUG, "code exchange refused the client: {0}", e.getMessage());
      return Problems.signInClientRefused();
    }
    if (e instanceof TokenResponseException t && t.getStatusCode() >= 500) {
      LOG.log(Level.WARNING, "token endpoint answered {0}", t.getStatusCode());
      return Problems.signInFailedAtGoogle();
    }
    if (e instanceof TokenResponseException t) {
      LOG.log(
          Level.INFO,
          "code exchange refused: {0}",
          t.getDetails() == null ? t.getStatusCode() : t.getDetails().getError());
      return Problems.signInRefused();
    }
    LOG.log(
        Level.WARNING, "Google could not complete the sign-in: {0}", e.getClass().getSimpleName());
    return Problems.signInGoogleUnreachable();
  }

  /** No refresh token in the answer and none stored: only consent yields a new one. */
  private void consentOnceMore(
      HttpServletRequest request,
      HttpServletResponse response,
      PendingAuthorization pending,
      GoogleOAuthClient.Identity identity)
      throws IOException {
    if (pending.forcedConsent()) {
      pages.problem(request, response, Problems.offlineAccessNotGranted());
      return;
    }
    PendingAuthorization again =
        pendingAuthorizations.begin(request, response, pending.returnTo(), true);
    response.sendRedirect(google.authorizationUrl(again, identity.email()));
  }

  private void startSession(
      HttpServletRequest request,
      HttpServletResponse response,
      PendingAuthorization pending,
      SignInCompletion.Completed done)
      throws IOException {
    String userId = done.identity().id();
    signedInSessions.signIn(request, response, new SignedInUser(userId, done.identity().email()));
    String tryAgain = AuthorizeServlet.pathReturningTo(pending.returnTo());
    if (!databaseAnswers.getAsBoolean()) {
      // The container could not have saved the new session and does not say so: sent on, the
      // browser would arrive signed out. The grant is saved: the next sign-in needs no consent.
      LOG.log(Level.WARNING, "user {0} signed in but the database stopped answering", userId);
      metrics.signIn(SignIn.NOT_SAVED);
      pages.problem(request, response, Problems.sessionNotStarted(tryAgain));
      return;
    }
    LOG.log(Level.INFO, "user {0} signed in", userId);
    metrics.signIn(SignIn.COMPLETED);
    if (!gmailPermission.isGranted(done.scope())) {
      pages.problem(request, response, Problems.gmailPermissionNeeded(tryAgain));
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
