package io.github.gmailoauth.gmail;

import io.github.gmailoauth.oauth.GmailPermission;
import io.github.gmailoauth.oauth.UserCredentials;
import io.github.gmailoauth.oauth.UserCredentials.ConsentRequired;
import java.io.IOException;

/**
 * One page of a signed-in user's messages, read with the user's grant: an access token (refreshed
 * when due), the Gmail scope checked, and one forced refresh when Gmail refuses a token that had
 * not expired yet.
 */
public final class Mailbox {
  private final UserCredentials credentials;
  private final GmailClient gmail;
  private final GmailPermission gmailPermission;

  /** The user did not grant the Gmail scope (unticked it on Google's consent page). */
  static final class PermissionMissing extends IOException {
    PermissionMissing(String why) {
      super(why);
    }
  }

  /**
   * @param gmailPermission which scopes the grant must hold for Gmail to be asked at all
   */
  public Mailbox(UserCredentials credentials, GmailClient gmail, GmailPermission gmailPermission) {
    this.credentials = credentials;
    this.gmail = gmail;
    this.gmailPermission = gmailPermission;
  }

  /**
   * The page {@code listing} names. Throws {@link ConsentRequired} when only consent can help,
   * {@link PermissionMissing}, the {@link UserCredentials.TokenEndpointUnavailable} family when the
   * grant could not be refreshed, and {@link GmailClient}'s failures.
   */
  MessagePage page(String userId, Listing listing) throws ConsentRequired, IOException {
    try {
      return read(userId, listing);
    } catch (GmailClient.InsufficientPermissions e) {
      throw new PermissionMissing(e.getMessage());
    }
  }

  private MessagePage read(String userId, Listing listing) throws ConsentRequired, IOException {
    UserCredentials.Access access = credentials.access(userId);
    if (!gmailPermission.isGranted(access.scopes())) {
      throw new PermissionMissing("the grant lacks the Gmail scope");
    }
    try {
      return list(access.token(), listing);
    } catch (GmailClient.Unauthorized e) {
      // A token that has not expired yet was refused (revoked, clock skew): one forced refresh
      // and one retry, then consent.
      UserCredentials.Access fresh = credentials.refreshRejected(userId, access.token());
      try {
        return list(fresh.token(), listing);
      } catch (GmailClient.Unauthorized again) {
        credentials.accessTokenRejected(userId);
        throw new ConsentRequired("Gmail refused a freshly refreshed access token");
      }
    }
  }

  private MessagePage list(String accessToken, Listing listing) throws IOException {
    return gmail.listPage(
        accessToken,
        listing.query(),
        listing.filter().labelIds(),
        listing.pageToken(),
        listing.pageSize());
  }
}
