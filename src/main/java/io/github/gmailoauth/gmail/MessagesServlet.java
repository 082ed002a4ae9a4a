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
import java.util.regex.Pattern;

/**
 * The signed-in user's messages, one page at a time, with Gmail's own search syntax in {@code q}.
 * Not signed in, no grant, or Google refusing the grant: back through {@code /authorize}, returning
 * here afterwards.
 */
public final class MessagesServlet extends HttpServlet {
  public static final String PATH = "/messages";
  static final int PAGE_SIZE = 25;
  static final String LAST_AUTOMATIC_CONSENT = "consent.lastAutomatic";
  /** A second automatic trip through consent within this window shows an explanation instead. */
  static final java.time.Duration LOOP_WINDOW = java.time.Duration.ofMinutes(5);
  static final int MAX_QUERY = 500;
  static final int MAX_SUBJECT = 300;
  static final int MAX_SNIPPET = 300;
  /** Gmail's page tokens are short digit strings; accept a generous URL-safe superset only. */
  static final Pattern PAGE_TOKEN = Pattern.compile("[A-Za-z0-9_\\-.=]{1,256}");
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
    this.zone = ZoneId.systemDefault();
  }

  @Override
  protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
    SignedInUser user = SignedInUser.of(request);
    if (user == null) {
      sendThroughConsent(request, response, null);
      return;
    }
    String query = request.getParameter("q");
    query = query == null ? "" : query.strip();
    String pageToken = request.getParameter("pageToken");
    if (query.length() > MAX_QUERY || (pageToken != null && !PAGE_TOKEN.matcher(pageToken).matches())) {
      pages.error(request, response, HttpServletResponse.SC_BAD_REQUEST,
          "That page does not exist", "The search or the page link was not valid.", PATH, "Back to your messages");
      return;
    }

    String here = PATH + (request.getQueryString() == null ? "" : "?" + request.getQueryString());
    MessagePage page;
    try {
      UserCredentials.Access access = credentials.access(user.id());
      if (!gmailPermission.isGranted(access.scopes())) {
        gmailPermission.showNeeded(request, response, here);
        return;
      }
      try {
        page = gmail.listPage(access.token(), query, pageToken, PAGE_SIZE);
      } catch (GmailClient.Unauthorized e) {
        // A token that has not expired yet was refused (revoked, clock skew): one forced refresh
        // and one retry, then consent.
        UserCredentials.Access fresh = credentials.refreshRejected(user.id(), access.token());
        try {
          page = gmail.listPage(fresh.token(), query, pageToken, PAGE_SIZE);
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
    } catch (UserCredentials.TokenEndpointUnavailable e) {
      LOG.log(Level.WARNING, "refresh failed, grant kept: {0}", e.getMessage());
      response.setHeader("Retry-After", "5");
      pages.error(request, response, HttpServletResponse.SC_SERVICE_UNAVAILABLE,
          "Google is not answering", "Google's sign-in service could not be reached just now. Your access is"
              + " kept; please try again in a moment.", here, "Try again");
      return;
    } catch (GmailClient.Busy e) {
      LOG.log(Level.WARNING, "Gmail stayed busy: {0}", e.getMessage());
      response.setHeader("Retry-After", "5");
      pages.error(request, response, HttpServletResponse.SC_SERVICE_UNAVAILABLE,
          "Google is busy", "Gmail asked us to slow down and is still busy. Please try again in a moment.",
          here, "Try again");
      return;
    } catch (IOException e) {
      LOG.log(Level.WARNING, "Gmail could not be read: {0}", e.getClass().getSimpleName());
      pages.error(request, response, HttpServletResponse.SC_BAD_GATEWAY,
          "Gmail is not answering", "Your messages could not be loaded from Google just now. Please try again in a moment.",
          PATH, "Try again");
      return;
    }
    pages.render(request, response, HttpServletResponse.SC_OK, "messages.jte", view(request, query, pageToken, page));
  }

  private MessagesView view(HttpServletRequest request, String query, String pageToken, MessagePage page) {
    String base = request.getContextPath() + PATH;
    String q = query.isEmpty() ? "" : "q=" + Links.encode(query);
    String next = page.nextPageToken() == null || !PAGE_TOKEN.matcher(page.nextPageToken()).matches()
        ? null
        : base + "?" + (q.isEmpty() ? "" : q + "&") + "pageToken=" + Links.encode(page.nextPageToken());
    String first = pageToken == null ? null : base + (q.isEmpty() ? "" : "?" + q);
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
          "https://mail.google.com/mail/u/0/#all/" + Links.encode(m.id())));
    }
    return new MessagesView(query, rows, next, first, page.resultSizeEstimate());
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
