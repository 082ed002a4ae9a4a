package io.github.gmailoauth.gmail;

import io.github.gmailoauth.metrics.AppMetrics;
import io.github.gmailoauth.oauth.AuthorizeServlet;
import io.github.gmailoauth.oauth.ConsentLoop;
import io.github.gmailoauth.oauth.UserCredentials;
import io.github.gmailoauth.oauth.UserCredentials.ConsentRequired;
import io.github.gmailoauth.web.Links;
import io.github.gmailoauth.web.Pages;
import io.github.gmailoauth.web.Problem;
import io.github.gmailoauth.web.Problems;
import io.github.gmailoauth.web.SignedInUser;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.lang.System.Logger.Level;

/**
 * What a page that reads Gmail answers when it cannot: not signed in, or Google refusing the grant,
 * sends the person through {@code /authorize} and back to the page; every other failure of {@link
 * Mailbox#read} is a page of {@link Problems}. The message list and the reader answer alike.
 */
public final class MailboxFailures {
  private static final System.Logger LOG = System.getLogger(MailboxFailures.class.getName());

  private final ConsentLoop consentLoop;
  private final Pages pages;
  private final AppMetrics metrics;

  public MailboxFailures(ConsentLoop consentLoop, Pages pages, AppMetrics metrics) {
    this.consentLoop = consentLoop;
    this.pages = pages;
    this.metrics = metrics;
  }

  /**
   * Answers what {@link Mailbox#read} threw for {@code user}.
   *
   * @param returnTo the app's page (without the context path) the person comes back to after
   *     consent or after granting the Gmail scope
   * @param tryAgain where "Try again" leads (without the context path)
   */
  public void answer(
      HttpServletRequest request,
      HttpServletResponse response,
      SignedInUser user,
      Exception failure,
      String returnTo,
      String tryAgain)
      throws IOException {
    if (failure instanceof ConsentRequired e) {
      consentAgain(request, response, user, e, returnTo);
    } else {
      pages.problem(request, response, problemFor(failure, returnTo, tryAgain));
    }
  }

  /** Not signed in: through sign-in, back to {@code returnTo} afterwards. */
  public void signIn(HttpServletRequest request, HttpServletResponse response, String returnTo)
      throws IOException {
    sendThroughConsent(request, response, returnTo, null);
  }

  /** This very request's page, as the browser asked for it, without the context path. */
  public static String here(HttpServletRequest request) {
    String path =
        request.getServletPath() + (request.getPathInfo() == null ? "" : request.getPathInfo());
    return path + (request.getQueryString() == null ? "" : "?" + request.getQueryString());
  }

  /** The page for what {@link Mailbox#read} threw, logged without anything Google sent. */
  private static Problem problemFor(Exception e, String here, String samePage) {
    if (e instanceof Mailbox.PermissionMissing) {
      return Problems.gmailPermissionNeeded(AuthorizeServlet.pathReturningTo(here));
    }
    if (e instanceof UserCredentials.ClientRefused) {
      // A configuration error, logged at WARNING once where it was found.
      LOG.log(Level.DEBUG, "refresh refused the client, grant kept: {0}", e.getMessage());
      return Problems.accessNotRenewable();
    }
    if (e instanceof UserCredentials.TokenEndpointUnavailable unavailable) {
      // A deferred refresh made no call: only the failure that started the back-off is a warning.
      LOG.log(
          e instanceof UserCredentials.RefreshDeferred ? Level.DEBUG : Level.WARNING,
          "refresh failed, grant kept: {0}",
          e.getMessage());
      return Problems.tokenEndpointUnavailable(unavailable.retryAfter(), samePage);
    }
    if (e instanceof GmailClient.Busy) {
      LOG.log(Level.WARNING, "Gmail stayed busy: {0}", e.getMessage());
      return Problems.gmailBusy(samePage);
    }
    LOG.log(Level.WARNING, "Gmail could not be read: {0}", e.getClass().getSimpleName());
    return Problems.gmailNotAnswering(samePage);
  }

  /** Google refused the grant: through consent once more, unless that would loop. */
  private void consentAgain(
      HttpServletRequest request,
      HttpServletResponse response,
      SignedInUser user,
      ConsentRequired e,
      String returnTo)
      throws IOException {
    LOG.log(Level.INFO, "user {0} must consent again: {1}", user.id(), e.getMessage());
    metrics.consentNeededAgain();
    SignedInUser.forget(request);
    if (consentLoop.wouldLoop(request.getSession(true))) {
      pages.problem(request, response, Problems.googleKeepsRefusing());
      return;
    }
    sendThroughConsent(request, response, returnTo, user.email());
  }

  private static void sendThroughConsent(
      HttpServletRequest request, HttpServletResponse response, String returnTo, String loginHint)
      throws IOException {
    String target =
        request.getContextPath()
            + AuthorizeServlet.PATH
            + "?next="
            + Links.encode(returnTo)
            + (loginHint == null ? "" : "&login_hint=" + Links.encode(loginHint));
    response.sendRedirect(target);
  }
}
