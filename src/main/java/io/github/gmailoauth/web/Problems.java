package io.github.gmailoauth.web;

import java.sql.SQLException;
import java.time.Duration;

/**
 * Every problem a person can meet, and the disconnect page's answers, in the words the pages use:
 * the one place to read or change what the app tells people. A method is named for what happened;
 * its arguments are where the way forward leads when that depends on the request (the caller knows
 * its own addresses, this class knows none but the sign-in page's and the home page's).
 *
 * <p>No page quotes what Google or the request said: every word here is fixed text.
 */
public final class Problems {
  /**
   * Google Account → Security → "Your connections to third-party apps &amp; services", where a
   * person removes an app's access by hand (https://support.google.com/accounts/answer/13533235).
   */
  public static final String GOOGLE_CONNECTIONS_URL = "https://myaccount.google.com/connections";

  /** A message in Gmail's own web app: this, then the message id (percent-encoded). */
  public static final String GMAIL_MESSAGE_URL = "https://mail.google.com/mail/u/0/#all/";

  /** The sign-in page, {@code AuthorizeServlet.PATH} (this package does not depend on oauth). */
  static final String SIGN_IN = "/authorize";

  /**
   * Seconds a 503 page asks the browser to wait ({@code Retry-After}, RFC 9110 §10.2.3) when the
   * database or Google is briefly unavailable and no better figure is known.
   */
  static final String BRIEF_OUTAGE_SECONDS = "5";

  private static final String SIGN_IN_WITH_GOOGLE = "Sign in with Google";

  private Problems() {}

  // --- The container's error pages (any status, any uncaught exception) ---

  /** The page for a status the container answers with, in words that say nothing of the request. */
  public static Problem forStatus(int status) {
    String[] words =
        switch (status) {
          case 400 -> new String[] {"Bad request", "The request could not be understood."};
          case 403 -> new String[] {"Not allowed", "This request is not allowed."};
          case 404 -> new String[] {"Page not found", "There is no page at this address."};
          case 405 -> new String[] {"Method not allowed", "This page cannot be used that way."};
          case 413, 414, 431 ->
              new String[] {"Request too large", "The request was larger than this app accepts."};
          case 503 ->
              new String[] {
                "Temporarily unavailable",
                "The service is not available just now. Please try again in a moment."
              };
          default ->
              status >= 500
                  ? new String[] {
                    "Something went wrong",
                    "The request could not be completed. Please try again in a moment."
                  }
                  : new String[] {"Request refused", "The request could not be completed."};
        };
    return new Problem(status, words[0], words[1], "/", "Go to the home page", null, null);
  }

  /**
   * The page for a status the container answers with, given the uncaught exception (null when none)
   * behind it: a database failure anywhere in its chain of causes is said as such.
   */
  public static Problem forUncaught(int status, Object exception) {
    for (Throwable t = exception instanceof Throwable e ? e : null; t != null; t = t.getCause()) {
      if (t instanceof SQLException) {
        return databaseUnavailable();
      }
    }
    return forStatus(status);
  }

  /** An uncaught failure of the database: down or overloaded, temporary, and the app recovers. */
  public static Problem databaseUnavailable() {
    return retryingSoon(forStatus(503));
  }

  /** The session named by the request cannot be read while the database is not answering. */
  public static Problem sessionUnreadable() {
    return unavailable(
        "Temporarily unavailable",
        "We cannot look up your session just now because our database is not answering. You have not been"
            + " signed out; please try again in a moment.",
        null,
        null);
  }

  // --- Signing in (the authorization response, RFC 6749 §4.1.2) ---

  /** A parameter of the authorization response came more than once (RFC 6749 §3.1). */
  public static Problem signInAnswerMalformed() {
    return signInLinkInvalid("Google's answer was not well-formed. Please sign in again.");
  }

  /**
   * No pending sign-in matches the {@code state}: used, expired, forged or from another browser.
   */
  public static Problem signInLinkUnknown() {
    return signInLinkInvalid(
        "It was already used, has expired, or was not started in this browser. Please sign in again.");
  }

  /** Neither a code nor an error in the authorization response. */
  public static Problem signInAnswerIncomplete() {
    return signInLinkInvalid("Google's answer was incomplete. Please sign in again.");
  }

  /**
   * The person declined on Google's consent page ({@code access_denied}); not an error of theirs.
   */
  public static Problem signInCancelled(String tryAgainPath) {
    return new Problem(
        200,
        "Sign-in cancelled",
        "You did not allow access to your Gmail, so there is nothing to show. You can try again at any time.",
        tryAgainPath,
        "Try again",
        null,
        null);
  }

  /**
   * Google answered with an error other than {@code access_denied}; its description is not shown.
   */
  public static Problem signInErrorAtGoogle() {
    return new Problem(
        400,
        "Google could not complete the sign-in",
        "Google reported a problem with this sign-in request. Please try again.",
        SIGN_IN,
        "Try again",
        null,
        null);
  }

  /** The token endpoint refused the app as a client: nobody can sign in until it is configured. */
  public static Problem signInClientRefused() {
    return new Problem(
        500,
        "Sign-in is not available",
        "Google did not accept this app's own credentials, so nobody can sign in until the people who run it"
            + " fix its configuration. Nothing is wrong with your account; trying again will not help until then.",
        null,
        null,
        null,
        null);
  }

  /** The token endpoint refused the code (expired, used, or issued to another client). */
  public static Problem signInRefused() {
    return new Problem(
        400,
        "Sign-in did not complete",
        "Google did not accept this sign-in. Please sign in again.",
        SIGN_IN,
        SIGN_IN_WITH_GOOGLE,
        null,
        null);
  }

  /**
   * Google's Cross-Account Protection reported this account hijacked and has not enabled it again:
   * nothing was stored, and retrying will not help until Google says the account is safe.
   */
  public static Problem signInAccountDisabled() {
    return new Problem(
        403,
        "Sign-in is paused for this account",
        "Google told us that this Google Account may have been taken over, so signing in to this app with it"
            + " is paused and nothing was stored. Secure the account with Google first; once Google tells us"
            + " the account is safe again, you can sign in.",
        null,
        null,
        null,
        null);
  }

  /** The token endpoint answered 5xx. */
  public static Problem signInFailedAtGoogle() {
    return googleNotAnsweringTheSignIn(
        "Google could not complete the sign-in just now. Please try again in a moment.");
  }

  /** Google could not be reached, or its answer could not be read. */
  public static Problem signInGoogleUnreachable() {
    return googleNotAnsweringTheSignIn(
        "Google could not be reached to complete the sign-in. Please try again in a moment.");
  }

  /** The grant could not be saved; the code is spent, so only a new sign-in helps. */
  public static Problem signInNotSaved(String tryAgainPath) {
    return unavailable(
        "Sign-in not saved",
        "You are signed in at Google, but we could not save it just now; please try again in a moment.",
        tryAgainPath,
        "Try again");
  }

  /**
   * The grant was saved, but the new session could not be, because the database stopped answering.
   */
  public static Problem sessionNotStarted(String tryAgainPath) {
    return unavailable(
        "Signed in, but not here yet",
        "You are signed in at Google and your access was saved, but we could not start your session here"
            + " because our database is not answering; please try again in a moment.",
        tryAgainPath,
        "Try again");
  }

  /** Google sent no refresh token even after forced consent, and none is stored. */
  public static Problem offlineAccessNotGranted() {
    return new Problem(
        403,
        "Google did not grant offline access",
        "Google signed you in but gave this app no lasting access to your Gmail. Remove this app under"
            + " “Third-party apps with account access” in your Google Account, then sign in again.",
        SIGN_IN,
        "Sign in again",
        null,
        null);
  }

  /**
   * The person unticked the Gmail scope on Google's consent page: explained, with one button that
   * runs consent again ({@code grantPath}); never a loop back to consent on the app's own.
   */
  public static Problem gmailPermissionNeeded(String grantPath) {
    return new Problem(
        403,
        "Permission needed",
        "You signed in, but did not allow this app to read your Gmail, so it cannot list your messages."
            + " To see them, grant that permission on Google's page (tick the Gmail box).",
        grantPath,
        "Grant Gmail access",
        null,
        null);
  }

  // --- The message list ---

  /** The request is not one this app's links or forms produce. */
  public static Problem noSuchMessagesPage(String backPath) {
    return new Problem(
        400,
        "That page does not exist",
        "The search or the page link was not valid.",
        backPath,
        "Back to your messages",
        null,
        null);
  }

  /** Google refused the grant again right after a fresh consent: consent cannot fix it. */
  public static Problem googleKeepsRefusing() {
    return new Problem(
        403,
        "Google keeps refusing access",
        "Google refused this app's access to your Gmail again, right after you granted it. If you removed"
            + " the app in your Google Account, or your organisation restricts it, sign-in cannot fix that."
            + " Check "
            + GOOGLE_CONNECTIONS_URL
            + ", then sign in again.",
        SIGN_IN,
        "Sign in again",
        null,
        null);
  }

  /**
   * The refresh refused the app as a client: a configuration error, so no Retry-After and no "Try
   * again": nothing the person does can fix it.
   */
  public static Problem accessNotRenewable() {
    return new Problem(
        500,
        "This app cannot renew its access to your Gmail",
        "Google did not accept this app's own credentials, so it cannot read your Gmail until the people who"
            + " run it fix its configuration. Nothing is wrong with your account, and your access is kept;"
            + " trying again will not help until then.",
        null,
        null,
        null,
        null);
  }

  /** The token endpoint failed or is being left alone for {@code retryAfter}; the grant is kept. */
  public static Problem tokenEndpointUnavailable(Duration retryAfter, String tryAgainPath) {
    // delay-seconds, rounded up so that a client that waits that long finds the back-off over.
    long seconds = Math.max(1, (retryAfter.toMillis() + 999) / 1000);
    return new Problem(
        503,
        "Google is not answering",
        "Google's sign-in service could not be reached just now."
            + " Your access is kept; please try again in a moment.",
        tryAgainPath,
        "Try again",
        null,
        Long.toString(seconds));
  }

  /** Gmail kept asking the app to slow down for longer than it waits. */
  public static Problem gmailBusy(String tryAgainPath) {
    return unavailable(
        "Google is busy",
        "Gmail asked us to slow down and is still busy. Nothing is wrong with your"
            + " account; please try again in a moment.",
        tryAgainPath,
        "Try again");
  }

  /** Gmail could not be reached, failed, or answered something unreadable. */
  public static Problem gmailNotAnswering(String tryAgainPath) {
    return new Problem(
        502,
        "Gmail is not answering",
        "Your messages could not be loaded from Google just now."
            + " Please try again in a moment.",
        tryAgainPath,
        "Try again",
        null,
        null);
  }

  // --- The reader (one message) ---

  /** Message {@code id} in Gmail's own web app, where anything the reader declines can be read. */
  public static String gmailMessage(String id) {
    return GMAIL_MESSAGE_URL + Links.encode(id);
  }

  /** The message's address is not one this app writes (an id of the wrong shape, a bad part). */
  public static Problem messageAddressInvalid(String listPath) {
    return new Problem(
        400,
        "That page does not exist",
        "The link to the message was not valid.",
        listPath,
        "Back to your messages",
        null,
        null);
  }

  /** Gmail has no such message in this mailbox (deleted, or never there). */
  public static Problem noSuchMessage(String listPath) {
    return new Problem(
        404,
        "Message not found",
        "This message is not in your mailbox. It may have been deleted.",
        listPath,
        "Back to your messages",
        null,
        null);
  }

  /** The message has no attachment with the part id of the link. */
  public static Problem noSuchAttachment(String messagePath) {
    return new Problem(
        404,
        "Attachment not found",
        "This message has no such attachment.",
        messagePath,
        "Back to the message",
        null,
        null);
  }

  /**
   * The message is larger than the reader reads: not an error of the person's or Gmail's, so 200
   * (like a cancelled sign-in), with the way to read it in Gmail.
   */
  public static Problem messageTooLarge(String messageId, String listPath) {
    return new Problem(
        200,
        "This message is too large to show here",
        "It is larger than this app shows. You can read it in Gmail.",
        listPath,
        "Back to your messages",
        gmailMessage(messageId),
        null);
  }

  /**
   * The attachment is larger than Gmail's own limit for attachments, so it is not fetched; the
   * message's page links to Gmail, where it can be downloaded.
   */
  public static Problem attachmentTooLarge(String messagePath) {
    return new Problem(
        200,
        "This attachment is too large to download here",
        "It is larger than the 25 MB this app downloads. Open the message in Gmail to download it.",
        messagePath,
        "Back to the message",
        null,
        null);
  }

  // --- Disconnecting (status 200 throughout: the grant is deleted whatever Google said) ---

  /** There was no grant to revoke, or it no longer decrypts. */
  public static Problem disconnectedNothingHeld() {
    return disconnected(
        "Disconnected",
        "This app held no usable access to your Gmail, and has forgotten you. If it still appears in your"
            + " Google Account, you can remove it there.",
        GOOGLE_CONNECTIONS_URL);
  }

  /** Google confirmed the revocation. */
  public static Problem disconnectedAndRevoked() {
    return disconnected(
        "Disconnected",
        "This app no longer has access to your Gmail: Google has revoked it, and this app has deleted what it"
            + " stored.",
        null);
  }

  /** Google answered the revocation with an error. */
  public static Problem disconnectedButRevocationRefused() {
    return notRevokedAtGoogle("but Google answered with an error and did not revoke it.");
  }

  /** Google refused the app as a client at the revocation endpoint. */
  public static Problem disconnectedButClientRefused() {
    return notRevokedAtGoogle(
        "but Google did not accept this app's own credentials, so it could not revoke it.");
  }

  /** Google could not be reached to revoke. */
  public static Problem disconnectedButGoogleUnreachable() {
    return notRevokedAtGoogle("but Google could not be reached to revoke it.");
  }

  private static Problem signInLinkInvalid(String message) {
    return new Problem(
        400, "This sign-in link is not valid", message, SIGN_IN, SIGN_IN_WITH_GOOGLE, null, null);
  }

  private static Problem googleNotAnsweringTheSignIn(String message) {
    return new Problem(502, "Google is not answering", message, SIGN_IN, "Try again", null, null);
  }

  private static Problem notRevokedAtGoogle(String why) {
    return disconnected(
        "Disconnected here, but not at Google",
        "This app has deleted its access to your Gmail, "
            + why
            + " To be sure, remove the app's access in your Google Account.",
        GOOGLE_CONNECTIONS_URL);
  }

  private static Problem disconnected(String title, String message, String helpUrl) {
    return new Problem(200, title, message, null, null, helpUrl, null);
  }

  private static Problem unavailable(
      String title, String message, String linkPath, String linkText) {
    return new Problem(503, title, message, linkPath, linkText, null, BRIEF_OUTAGE_SECONDS);
  }

  private static Problem retryingSoon(Problem p) {
    return new Problem(
        p.status(),
        p.title(),
        p.message(),
        p.linkPath(),
        p.linkText(),
        p.helpUrl(),
        BRIEF_OUTAGE_SECONDS);
  }
}
