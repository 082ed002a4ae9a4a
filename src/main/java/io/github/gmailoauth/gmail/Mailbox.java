package io.github.gmailoauth.gmail;

import io.github.gmailoauth.oauth.GmailPermission;
import io.github.gmailoauth.oauth.UserCredentials;
import io.github.gmailoauth.oauth.UserCredentials.ConsentRequired;
import java.io.IOException;

/**
 * A signed-in user's Gmail, read with the user's grant: an access token (refreshed when due), the
 * Gmail scope checked, and one forced refresh when Gmail refuses a token that had not expired yet.
 * Every Gmail call of a page goes through {@link #read}, so the list and the reader meet the same
 * failures.
 */
public final class Mailbox {
  private final UserCredentials credentials;
  private final GmailClient gmail;
  private final GmailPermission gmailPermission;
  private final RowCache rows;

  /** The user did not grant the Gmail scope (unticked it on Google's consent page). */
  static final class PermissionMissing extends IOException {
    PermissionMissing(String why) {
      super(why);
    }
  }

  /** Calls to Gmail with an access token. */
  public interface GmailCall<T> {
    T call(GmailClient gmail, String accessToken) throws IOException;
  }

  /**
   * @param gmailPermission which scopes the grant must hold for Gmail to be asked at all
   * @param rows this node's list rows, kept exact with Gmail's history; null holds none
   */
  public Mailbox(
      UserCredentials credentials,
      GmailClient gmail,
      GmailPermission gmailPermission,
      RowCache rows) {
    this.credentials = credentials;
    this.gmail = gmail;
    this.gmailPermission = gmailPermission;
    this.rows = rows;
  }

  /**
   * The page {@code listing} names; fails as {@link #read} does. With a row cache, the rows this
   * node holds for the user are used where Gmail's history says they are still exact, and the
   * page's rows are held afterwards; a history that cannot be used drops everything held.
   */
  MessagePage page(String userId, Listing listing) throws ConsentRequired, IOException {
    if (rows == null) {
      return read(
          userId,
          (client, token) ->
              client.listPage(
                  token,
                  listing.query(),
                  listing.filter().labelIds(),
                  listing.pageToken(),
                  listing.pageSize()));
    }
    RowCache.UserRows held = rows.get(userId).orElse(null);
    GmailClient.ListedPage listed =
        read(
            userId,
            (client, token) ->
                client.listPage(
                    token,
                    listing.query(),
                    listing.filter().labelIds(),
                    listing.pageToken(),
                    listing.pageSize(),
                    held));
    if (listed.hold() == null) {
      rows.forget(userId);
    } else {
      rows.put(userId, listed.hold());
    }
    return listed.page();
  }

  /** Forgets the rows held for the user (sign-out, Disconnect). */
  public void forget(String userId) {
    if (rows != null) {
      rows.forget(userId);
    }
  }

  /**
   * What {@code call} answers with {@code userId}'s access token. Throws {@link ConsentRequired}
   * when only consent can help, {@link PermissionMissing}, the {@link
   * UserCredentials.TokenEndpointUnavailable} family when the grant could not be refreshed, and
   * {@link GmailClient}'s failures; {@link MailboxFailures} says what each means to the person.
   */
  public <T> T read(String userId, GmailCall<T> call) throws ConsentRequired, IOException {
    try {
      return withToken(userId, call);
    } catch (GmailClient.InsufficientPermissions e) {
      throw new PermissionMissing(e.getMessage());
    }
  }

  private <T> T withToken(String userId, GmailCall<T> call) throws ConsentRequired, IOException {
    UserCredentials.Access access = credentials.access(userId);
    if (!gmailPermission.isGranted(access.scopes())) {
      throw new PermissionMissing("the grant lacks the Gmail scope");
    }
    try {
      return call.call(gmail, access.token());
    } catch (GmailClient.Unauthorized e) {
      // A token that has not expired yet was refused (revoked, clock skew): one forced refresh
      // and one retry, then consent.
      UserCredentials.Access fresh = credentials.refreshRejected(userId, access.token());
      try {
        return call.call(gmail, fresh.token());
      } catch (GmailClient.Unauthorized again) {
        credentials.accessTokenRejected(userId);
        throw new ConsentRequired("Gmail refused a freshly refreshed access token");
      }
    }
  }
}
