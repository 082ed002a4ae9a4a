package io.github.gmailoauth.risc;

/**
 * The event types Google's Cross-Account Protection sends (its "Supported event types"; URIs of the
 * OpenID RISC Event Types 1.0 and OAuth Event Types 1.0 specifications), and what each does here.
 */
public enum EventType {
  /** End every session of the user (Google: "re-secure the account by ending open sessions"). */
  SESSIONS_REVOKED("https://schemas.openid.net/secevent/risc/event-type/sessions-revoked"),
  /** Every OAuth token of the user was revoked: delete the grant. */
  TOKENS_REVOKED("https://schemas.openid.net/secevent/oauth/event-type/tokens-revoked"),
  /** One refresh token, named by its hash, was revoked: delete the grant that holds it. */
  TOKEN_REVOKED("https://schemas.openid.net/secevent/oauth/event-type/token-revoked"),
  /** Delete the grant, end the sessions; with reason {@code hijacking} also refuse sign-in. */
  ACCOUNT_DISABLED("https://schemas.openid.net/secevent/risc/event-type/account-disabled"),
  /** Sign-in allowed again. */
  ACCOUNT_ENABLED("https://schemas.openid.net/secevent/risc/event-type/account-enabled"),
  /** The Google account is gone: delete everything stored for the user, end the sessions. */
  ACCOUNT_PURGED("https://schemas.openid.net/secevent/risc/event-type/account-purged"),
  /** The user must change a credential at Google: end every session. */
  ACCOUNT_CREDENTIAL_CHANGE_REQUIRED(
      "https://schemas.openid.net/secevent/risc/event-type/account-credential-change-required"),
  /** Google's test of the stream ({@code stream:verify}): logged, nothing else. */
  VERIFICATION("https://schemas.openid.net/secevent/risc/event-type/verification"),
  /** Any other type: accepted and logged, nothing done (a new type must not fail deliveries). */
  UNKNOWN(null);

  private final String uri;

  EventType(String uri) {
    this.uri = uri;
  }

  public String uri() {
    return uri;
  }

  /** The type of {@code uri}, exactly as written (RFC 8417 §2.2: URIs compared as strings). */
  static EventType of(String uri) {
    for (EventType type : values()) {
      if (type.uri != null && type.uri.equals(uri)) {
        return type;
      }
    }
    return UNKNOWN;
  }
}
