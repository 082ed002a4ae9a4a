package io.github.gmailoauth.gmail;

import io.github.gmailoauth.oauth.AuthorizeServlet;
import io.github.gmailoauth.oauth.ConsentLoop;
import io.github.gmailoauth.oauth.UserCredentials;
import io.github.gmailoauth.oauth.UserCredentials.ConsentRequired;
import io.github.gmailoauth.web.Links;
import io.github.gmailoauth.web.Pages;
import io.github.gmailoauth.web.Problem;
import io.github.gmailoauth.web.Problems;
import io.github.gmailoauth.web.SignedInUser;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.lang.System.Logger.Level;

/**
 * The signed-in user's messages, one page at a time: a quick filter (Gmail's system labels), a
 * search in Gmail's own syntax, a page size, and next/previous pages; see {@link Listing} for the
 * URL that carries all of it. {@link Mailbox} reads the page, {@link MessagesPageModel} words it.
 * Not signed in, no grant, or Google refusing the grant: back through {@code /authorize}, returning
 * here afterwards.
 */
public final class MessagesServlet extends HttpServlet {
  public static final String PATH = Listing.PATH;
  private static final System.Logger LOG = System.getLogger(MessagesServlet.class.getName());

  private final Mailbox mailbox;
  private final MessagesPageModel model;
  private final ConsentLoop consentLoop;
  private final Pages pages;

  public MessagesServlet(
      Mailbox mailbox, MessagesPageModel model, ConsentLoop consentLoop, Pages pages) {
    this.mailbox = mailbox;
    this.model = model;
    this.consentLoop = consentLoop;
    this.pages = pages;
  }

  @Override
  protected void doGet(HttpServletRequest request, HttpServletResponse response)
      throws IOException {
    SignedInUser user = SignedInUser.of(request);
    if (user == null) {
      sendThroughConsent(request, response, null);
      return;
    }
    Listing listing;
    try {
      listing = Listing.parse(request::getParameter);
    } catch (Listing.Invalid e) {
      pages.problem(
          request,
          response,
          Problems.noSuchMessagesPage(Listing.fallback(request::getParameter).href()));
      return;
    }
    show(request, response, user, listing);
  }

  private void show(
      HttpServletRequest request, HttpServletResponse response, SignedInUser user, Listing listing)
      throws IOException {
    MessagePage page;
    try {
      page = mailbox.page(user.id(), listing);
    } catch (ConsentRequired e) {
      consentAgain(request, response, user, e);
      return;
    } catch (IOException e) {
      // "Try again" leads to the same page again, as this app writes its links.
      pages.problem(request, response, problemFor(e, here(request), listing.href()));
      return;
    }
    pages.render(
        request,
        response,
        HttpServletResponse.SC_OK,
        "messages.jte",
        model.view(request.getContextPath(), listing, page));
  }

  /** The page for what {@link Mailbox#page} threw, logged without anything Google sent. */
  private static Problem problemFor(IOException e, String here, String samePage) {
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
      ConsentRequired e)
      throws IOException {
    LOG.log(Level.INFO, "user {0} must consent again: {1}", user.id(), e.getMessage());
    SignedInUser.forget(request);
    if (consentLoop.wouldLoop(request.getSession(true))) {
      pages.problem(request, response, Problems.googleKeepsRefusing());
      return;
    }
    sendThroughConsent(request, response, user.email());
  }

  /** This very request's page, as the browser asked for it: where a sign-in returns to. */
  private static String here(HttpServletRequest request) {
    return PATH + (request.getQueryString() == null ? "" : "?" + request.getQueryString());
  }

  private static void sendThroughConsent(
      HttpServletRequest request, HttpServletResponse response, String loginHint)
      throws IOException {
    String target =
        request.getContextPath()
            + AuthorizeServlet.PATH
            + "?next="
            + Links.encode(here(request))
            + (loginHint == null ? "" : "&login_hint=" + Links.encode(loginHint));
    response.sendRedirect(target);
  }
}
