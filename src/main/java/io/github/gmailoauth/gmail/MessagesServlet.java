package io.github.gmailoauth.gmail;

import io.github.gmailoauth.oauth.UserCredentials.ConsentRequired;
import io.github.gmailoauth.web.Pages;
import io.github.gmailoauth.web.Problems;
import io.github.gmailoauth.web.SignedInUser;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;

/**
 * The signed-in user's messages, one page at a time: a quick filter (Gmail's system labels), a
 * search in Gmail's own syntax, a page size, and next/previous pages; see {@link Listing} for the
 * URL that carries all of it. {@link Mailbox} reads the page, {@link MessagesPageModel} words it.
 * Not signed in, no grant, or Google refusing the grant: back through {@code /authorize}, returning
 * here afterwards ({@link MailboxFailures}).
 */
public final class MessagesServlet extends HttpServlet {
  public static final String PATH = Listing.PATH;

  private final Mailbox mailbox;
  private final MessagesPageModel model;
  private final MailboxFailures failures;
  private final Pages pages;

  public MessagesServlet(
      Mailbox mailbox, MessagesPageModel model, MailboxFailures failures, Pages pages) {
    this.mailbox = mailbox;
    this.model = model;
    this.failures = failures;
    this.pages = pages;
  }

  @Override
  protected void doGet(HttpServletRequest request, HttpServletResponse response)
      throws IOException {
    SignedInUser user = SignedInUser.of(request);
    if (user == null) {
      failures.signIn(request, response, MailboxFailures.here(request));
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
    } catch (ConsentRequired | IOException e) {
      // "Try again" leads to the same page again, as this app writes its links.
      failures.answer(request, response, user, e, MailboxFailures.here(request), listing.href());
      return;
    }
    pages.render(
        request,
        response,
        HttpServletResponse.SC_OK,
        "messages.jte",
        model.view(request.getContextPath(), listing, page));
  }
}
