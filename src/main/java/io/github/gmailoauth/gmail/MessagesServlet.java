package io.github.gmailoauth.gmail;

import io.github.gmailoauth.oauth.AuthorizeServlet;
import io.github.gmailoauth.oauth.GmailPermission;
import io.github.gmailoauth.oauth.UserCredentials;
import io.github.gmailoauth.oauth.UserCredentials.ConsentRequired;
import io.github.gmailoauth.web.Links;
import io.github.gmailoauth.web.Pages;
import io.github.gmailoauth.web.SignedInUser;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpSession;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The signed-in user's messages, one page at a time: a quick filter (Gmail's system labels), a
 * search in Gmail's own syntax, a page size, and next/previous pages; see {@link Listing} for the
 * URL that carries all of it. Not signed in, no grant, or Google refusing the grant: back through
 * {@code /authorize}, returning here afterwards.
 */
public final class MessagesServlet extends HttpServlet {
  public static final String PATH = Listing.PATH;
  static final String LAST_AUTOMATIC_CONSENT = "consent.lastAutomatic";
  /** A second automatic trip through consent within this window shows an explanation instead. */
  static final java.time.Duration LOOP_WINDOW = java.time.Duration.ofMinutes(5);
  static final int MAX_SUBJECT = 300;
  static final int MAX_SNIPPET = 300;
  private static final String GMAIL_MESSAGE = "https://mail.google.com/mail/u/0/#all/";
  private static final System.Logger LOG = System.getLogger(MessagesServlet.class.getName());
  private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("HH:mm", Locale.ENGLISH);
  private static final DateTimeFormatter THIS_YEAR = DateTimeFormatter.ofPattern("MMM d", Locale.ENGLISH);
  private static final DateTimeFormatter OLDER = DateTimeFormatter.ofPattern("d MMM yyyy", Locale.ENGLISH);

  private final UserCredentials credentials;
  private final GmailClient gmail;
  private final GmailPermission gmailPermission;
  private final Pages pages;
  private final Clock clock;
  private final ZoneId zone;

  public MessagesServlet(
      UserCredentials credentials, GmailClient gmail, GmailPermission gmailPermission, Pages pages, Clock clock) {
    this.credentials = credentials;
    this.gmail = gmail;
    this.gmailPermission = gmailPermission;
    this.pages = pages;
    this.clock = clock;
    // Dates are shown in the server's zone (as before); "today" is the app clock's today there.
    this.zone = ZoneId.systemDefault();
  }

  @Override
  protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
    SignedInUser user = SignedInUser.of(request);
    if (user == null) {
      sendThroughConsent(request, response, null);
      return;
    }
    Listing listing;
    try {
      listing = Listing.parse(request::getParameter);
    } catch (Listing.Invalid e) {
      pages.error(request, response, HttpServletResponse.SC_BAD_REQUEST,
          "That page does not exist", "The search or the page link was not valid.",
          Listing.fallback(request::getParameter).href(), "Back to your messages");
      return;
    }

    String here = PATH + (request.getQueryString() == null ? "" : "?" + request.getQueryString());
    // The same page again, as this app writes its links: what "Try again" leads to.
    String samePage = listing.href();
    MessagePage page;
    try {
      UserCredentials.Access access = credentials.access(user.id());
      if (!gmailPermission.isGranted(access.scopes())) {
        gmailPermission.showNeeded(request, response, here);
        return;
      }
      try {
        page = list(access.token(), listing);
      } catch (GmailClient.Unauthorized e) {
        // A token that has not expired yet was refused (revoked, clock skew): one forced refresh
        // and one retry, then consent.
        UserCredentials.Access fresh = credentials.refreshRejected(user.id(), access.token());
        try {
          page = list(fresh.token(), listing);
        } catch (GmailClient.Unauthorized again) {
          credentials.accessTokenRejected(user.id());
          throw new ConsentRequired("Gmail refused a freshly refreshed access token");
        }
      }
    } catch (GmailClient.InsufficientPermissions e) {
      gmailPermission.showNeeded(request, response, here);
      return;
    } catch (ConsentRequired e) {
      LOG.log(Level.INFO, "user {0} must consent again: {1}", user.id(), e.getMessage());
      SignedInUser.forget(request);
      if (isLooping(request)) {
        pages.error(request, response, HttpServletResponse.SC_FORBIDDEN,
            "Google keeps refusing access",
            "Google refused this app's access to your Gmail again, right after you granted it. If you removed"
                + " the app in your Google Account, or your organisation restricts it, sign-in cannot fix that."
                + " Check https://myaccount.google.com/connections, then sign in again.",
            AuthorizeServlet.PATH, "Sign in again");
        return;
      }
      sendThroughConsent(request, response, user.email());
      return;
    } catch (UserCredentials.ClientRefused e) {
      // A configuration error, logged at WARNING once where it was found; no Retry-After, no
      // "Try again": nothing the person does can fix it.
      LOG.log(Level.DEBUG, "refresh refused the client, grant kept: {0}", e.getMessage());
      pages.error(request, response, HttpServletResponse.SC_INTERNAL_SERVER_ERROR,
          "This app cannot renew its access to your Gmail",
          "Google did not accept this app's own credentials, so it cannot read your Gmail until the people who"
              + " run it fix its configuration. Nothing is wrong with your account, and your access is kept;"
              + " trying again will not help until then.", null, null);
      return;
    } catch (UserCredentials.TokenEndpointUnavailable e) {
      // A deferred refresh made no call: only the failure that started the back-off is a warning.
      LOG.log(e instanceof UserCredentials.RefreshDeferred ? Level.DEBUG : Level.WARNING,
          "refresh failed, grant kept: {0}", e.getMessage());
      // delay-seconds (RFC 9110 §10.2.3), rounded up so that a client that waits that long finds
      // the back-off over.
      long seconds = (e.retryAfter().toMillis() + 999) / 1000;
      response.setHeader("Retry-After", Long.toString(Math.max(1, seconds)));
      pages.error(request, response, HttpServletResponse.SC_SERVICE_UNAVAILABLE,
          "Google is not answering", "Google's sign-in service could not be reached just now. Your access is"
              + " kept; please try again in a moment.", samePage, "Try again");
      return;
    } catch (GmailClient.Busy e) {
      LOG.log(Level.WARNING, "Gmail stayed busy: {0}", e.getMessage());
      response.setHeader("Retry-After", Pages.RETRY_AFTER_SECONDS);
      pages.error(request, response, HttpServletResponse.SC_SERVICE_UNAVAILABLE,
          "Google is busy", "Gmail asked us to slow down and is still busy. Nothing is wrong with your"
              + " account; please try again in a moment.", samePage, "Try again");
      return;
    } catch (IOException e) {
      LOG.log(Level.WARNING, "Gmail could not be read: {0}", e.getClass().getSimpleName());
      pages.error(request, response, HttpServletResponse.SC_BAD_GATEWAY,
          "Gmail is not answering", "Your messages could not be loaded from Google just now. Please try again"
              + " in a moment.", samePage, "Try again");
      return;
    }
    pages.render(request, response, HttpServletResponse.SC_OK, "messages.jte",
        view(request.getContextPath(), listing, page));
  }

  private MessagePage list(String accessToken, Listing listing) throws IOException {
    return gmail.listPage(accessToken, listing.query(), listing.filter().labelIds(), listing.pageToken(),
        listing.pageSize());
  }

  private MessagesView view(String base, Listing listing, MessagePage page) {
    List<MessagesView.FilterLink> filters = new ArrayList<>();
    for (Filter f : Filter.values()) {
      filters.add(new MessagesView.FilterLink(
          "filter-" + f.param(), f.title(), base + listing.withFilter(f).href(), f == listing.filter()));
    }
    List<MessagesView.SizeOption> sizes = new ArrayList<>();
    for (int size : Listing.PAGE_SIZES) {
      sizes.add(new MessagesView.SizeOption(size, size == listing.pageSize()));
    }

    // Only a token this app would accept back becomes a link; anything else ends the paging here.
    String nextToken = page.nextPageToken();
    Listing next = nextToken != null && Listing.PAGE_TOKEN.matcher(nextToken).matches() ? listing.next(nextToken) : null;
    Listing previous = listing.previous();
    String previousHref = previous == null ? null : base + previous.href();
    String firstHref = listing.isFirstPage() || (previous != null && previous.isFirstPage())
        ? null : base + listing.first().href();
    MessagesView.Pager pager = new MessagesView.Pager(
        listing.page(), firstHref, previousHref, next == null ? null : base + next.href());

    LocalDate today = LocalDate.now(clock.withZone(zone));
    List<MessagesView.Row> rows = new ArrayList<>(page.messages().size());
    for (MessageSummary m : page.messages()) {
      Sender sender = Sender.parse(m.from());
      rows.add(new MessagesView.Row(
          Text.truncate(sender.name(), MAX_SUBJECT),
          Text.truncate(sender.address(), MAX_SUBJECT),
          Text.truncate(m.subject().isBlank() ? "(no subject)" : m.subject(), MAX_SUBJECT),
          Text.truncate(m.snippet(), MAX_SNIPPET),
          displayDate(m.date(), today),
          m.date() == null ? "" : m.date().toString(),
          m.unread(),
          GMAIL_MESSAGE + Links.encode(m.id())));
    }

    String clearSearch = listing.query().isEmpty() ? null : base + listing.withQuery("").href();
    String count = rows.isEmpty() ? null : count(page.resultSizeEstimate());
    MessagesView.Empty empty = rows.isEmpty() ? empty(base, listing) : null;
    // Shown cleaned like a subject (no bidi or control characters); links and Gmail keep the
    // search as typed, so that paging goes on with the very search whose results are shown.
    return new MessagesView(listing.filter().title(), Text.truncate(listing.query(), Listing.MAX_QUERY),
        listing.filter() == Filter.DEFAULT ? null : listing.filter().param(),
        filters, sizes, rows, count, clearSearch, pager, empty);
  }

  /** "About 1,234 messages": Gmail's figure is an estimate, so the page says so. */
  static String count(long estimate) {
    // Grouped by hand: String.format with %,d was 4% of a page's CPU.
    String digits = Long.toString(Math.max(0, estimate));
    StringBuilder grouped = new StringBuilder(digits.length() + digits.length() / 3);
    for (int i = 0; i < digits.length(); i++) {
      if (i > 0 && (digits.length() - i) % 3 == 0) {
        grouped.append(',');
      }
      grouped.append(digits.charAt(i));
    }
    return "About " + grouped + (estimate == 1 ? " message" : " messages");
  }

  /** What to say when the page has no rows, with a way back to something that has. */
  private static MessagesView.Empty empty(String base, Listing listing) {
    List<MessagesView.Link> links = new ArrayList<>();
    String message;
    if (!listing.isFirstPage()) {
      message = "There are no more messages here.";
      links.add(new MessagesView.Link("empty-first", "Go to the first page", base + listing.first().href()));
    } else if (!listing.query().isEmpty()) {
      message = "No messages match \u201c" + Text.truncate(listing.query(), Listing.MAX_QUERY) + "\u201d"
          + (listing.filter() == Filter.ALL ? "" : " in " + listing.filter().title()) + ".";
      links.add(new MessagesView.Link("empty-clear", "Clear the search", base + listing.withQuery("").href()));
      if (listing.filter() != Filter.ALL) {
        links.add(new MessagesView.Link("empty-all", "Search all mail", base + listing.withFilter(Filter.ALL).href()));
      }
    } else {
      message = "No messages in " + listing.filter().title() + ".";
      Filter elsewhere = listing.filter() == Filter.DEFAULT ? Filter.ALL : Filter.DEFAULT;
      links.add(new MessagesView.Link("empty-" + elsewhere.param(), "Go to " + elsewhere.title(),
          base + listing.withFilter(elsewhere).href()));
    }
    return new MessagesView.Empty(message, links);
  }

  /** Time for today, "Nov 24" earlier this year, the full date before that. */
  private String displayDate(Instant date, LocalDate today) {
    if (date == null) {
      return "";
    }
    ZonedDateTime local = date.atZone(zone);
    if (local.toLocalDate().equals(today)) {
      return TIME.format(local);
    }
    return local.getYear() == today.getYear() ? THIS_YEAR.format(local) : OLDER.format(local);
  }

  /**
   * Whether this browser was already sent through consent automatically a moment ago: a second
   * refusal right after a fresh consent means consent cannot fix it, so stop the loop.
   */
  private boolean isLooping(HttpServletRequest request) {
    HttpSession session = request.getSession(true);
    Instant now = clock.instant();
    Object last = session.getAttribute(LAST_AUTOMATIC_CONSENT);
    session.setAttribute(LAST_AUTOMATIC_CONSENT, now);
    return last instanceof Instant previous && now.isBefore(previous.plus(LOOP_WINDOW));
  }

  private static void sendThroughConsent(
      HttpServletRequest request, HttpServletResponse response, String loginHint) throws IOException {
    String here = PATH + (request.getQueryString() == null ? "" : "?" + request.getQueryString());
    String target = request.getContextPath() + AuthorizeServlet.PATH + "?next=" + Links.encode(here)
        + (loginHint == null ? "" : "&login_hint=" + Links.encode(loginHint));
    response.sendRedirect(target);
  }
}
