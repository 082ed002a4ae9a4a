package io.github.gmailoauth.reader;

import io.github.gmailoauth.gmail.GmailClient;
import io.github.gmailoauth.gmail.ListPlace;
import io.github.gmailoauth.gmail.MailboxFailures;
import io.github.gmailoauth.oauth.UserCredentials.ConsentRequired;
import io.github.gmailoauth.web.Pages;
import io.github.gmailoauth.web.Problem;
import io.github.gmailoauth.web.Problems;
import io.github.gmailoauth.web.SecurityHeadersFilter;
import io.github.gmailoauth.web.SignedInUser;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.OutputStream;

/**
 * The reader, under {@code /messages/}: the page of one message ({@code /messages/{id}}), its
 * sanitised body as a document for the page's sandboxed frame ({@code /messages/{id}/body}) and its
 * attachments ({@code /messages/{id}/attachments/{partId}}); see {@link ReaderRoute}. Each answer
 * parses the request, calls {@link MessageReader} once and renders. A request of the wrong shape is
 * answered before Gmail is asked anything; Gmail's failures are answered as on the list ({@link
 * MailboxFailures}), and consent returns to the reader page.
 */
public final class MessageServlet extends HttpServlet {
  /** Mapped at {@code /messages/*}; the list itself, {@code /messages}, is an exact mapping. */
  public static final String PATH = "/messages/*";

  private final MessageReader reader;
  private final MailboxFailures failures;
  private final Pages pages;

  public MessageServlet(MessageReader reader, MailboxFailures failures, Pages pages) {
    this.reader = reader;
    this.failures = failures;
    this.pages = pages;
  }

  @Override
  protected void doGet(HttpServletRequest request, HttpServletResponse response)
      throws IOException {
    ReaderRoute route = ReaderRoute.parse(request.getPathInfo());
    ListPlace from = ListPlace.of(request::getParameter);
    SignedInUser user = SignedInUser.of(request);
    if (!(route instanceof ReaderRoute.OfMessage message)) {
      Problem problem =
          route instanceof ReaderRoute.Malformed
              ? Problems.messageAddressInvalid(from.listHref())
              : Problems.forStatus(HttpServletResponse.SC_NOT_FOUND);
      pages.problem(request, response, problem);
    } else if (user == null) {
      failures.signIn(request, response, returnTo(request, message, from));
    } else if (message instanceof ReaderRoute.Download download) {
      download(request, response, user, download, from);
    } else {
      show(request, response, user, message, from);
    }
  }

  /** The reader page, or the body document its frame shows. */
  private void show(
      HttpServletRequest request,
      HttpServletResponse response,
      SignedInUser user,
      ReaderRoute.OfMessage route,
      ListPlace from)
      throws IOException {
    boolean isPage = route instanceof ReaderRoute.Page;
    boolean showImages = "show".equals(request.getParameter("images"));
    Object view;
    try {
      view =
          isPage
              ? reader.page(user.id(), route.id(), request.getContextPath(), from, showImages)
              : reader.body(user.id(), route.id(), showImages);
    } catch (ConsentRequired | IOException e) {
      fail(request, response, user, e, route.id(), from);
      return;
    }
    policy(response, isPage, showImages);
    pages.render(
        request, response, HttpServletResponse.SC_OK, isPage ? "message.jte" : "body.jte", view);
  }

  private void download(
      HttpServletRequest request,
      HttpServletResponse response,
      SignedInUser user,
      ReaderRoute.Download route,
      ListPlace from)
      throws IOException {
    String messagePage = from.readerHref(route.id());
    try {
      MessageReader.Download download = reader.download(user.id(), route.id(), route.partId());
      download.stream(() -> startDownload(response, download.part()));
    } catch (MessageReader.NoSuchPart e) {
      pages.problem(request, response, Problems.noSuchAttachment(messagePage));
    } catch (MessageReader.PartTooLarge e) {
      pages.problem(request, response, Problems.attachmentTooLarge(messagePage));
    } catch (ConsentRequired | IOException e) {
      if (response.isCommitted()) {
        throw e instanceof IOException io ? io : new IOException(e);
      }
      fail(request, response, user, e, route.id(), from);
    }
  }

  /** The page may frame this app; the body document is sandboxed. */
  private static void policy(HttpServletResponse response, boolean isPage, boolean showImages) {
    if (isPage) {
      SecurityHeadersFilter.allowFramesFromThisApp(response);
    } else {
      SecurityHeadersFilter.sandboxMailBody(response, showImages);
    }
  }

  /** The download's headers, once Gmail has said yes; the bytes follow on the stream. */
  private static OutputStream startDownload(
      HttpServletResponse response, ReadableMessage.Attachment part) throws IOException {
    response.setStatus(HttpServletResponse.SC_OK);
    response.setContentType(Downloads.contentType(part.mimeType()));
    response.setHeader("Content-Disposition", Downloads.contentDisposition(part.filename()));
    response.setHeader("X-Content-Type-Options", "nosniff");
    response.setHeader("Cache-Control", "no-store");
    if (part.size() > 0) {
      // Gmail's size of the decoded part; should the bytes differ, the container ends the answer.
      response.setContentLengthLong(part.size());
    }
    return response.getOutputStream();
  }

  /**
   * What the person meets when the reader cannot read: the message's own problems here, the rest as
   * on the list; consent and "Try again" lead back to the reader page.
   */
  private void fail(
      HttpServletRequest request,
      HttpServletResponse response,
      SignedInUser user,
      Exception e,
      String id,
      ListPlace from)
      throws IOException {
    Problem problem =
        e instanceof GmailClient.NotFound
            ? Problems.noSuchMessage(from.listHref())
            : e instanceof GmailClient.TooLarge
                ? Problems.messageTooLarge(id, from.listHref())
                : null;
    if (problem != null) {
      pages.problem(request, response, problem);
    } else {
      String page = from.readerHref(id);
      failures.answer(request, response, user, e, page, page);
    }
  }

  /** Where a sign-in returns to: the reader page (a body or download URL is not a page). */
  private static String returnTo(
      HttpServletRequest request, ReaderRoute.OfMessage route, ListPlace from) {
    return route instanceof ReaderRoute.Page
        ? MailboxFailures.here(request)
        : from.readerHref(route.id());
  }
}
