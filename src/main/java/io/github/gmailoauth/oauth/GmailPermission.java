package io.github.gmailoauth.oauth;

import java.util.Arrays;
import java.util.List;

/**
 * Google's consent screen lets people untick single scopes. Without the Gmail scope the app can
 * still say who signed in, but cannot list mail: the page then explains this and offers one button
 * to grant it ({@code Problems.gmailPermissionNeeded}), and never sends the browser back to consent
 * on its own (no loop).
 */
public final class GmailPermission {
  private final List<String> required;

  /**
   * @param configuredScopes the scopes the app asks for; the Gmail ones among them are required
   */
  public GmailPermission(List<String> configuredScopes) {
    this.required =
        configuredScopes.stream()
            .filter(
                s ->
                    s.startsWith("https://www.googleapis.com/auth/gmail.")
                        || s.equals("https://mail.google.com/"))
            .toList();
  }

  /**
   * Whether {@code grantedScopes}, the {@code scope} of a token answer (space-separated and
   * case-sensitive, RFC 6749 §3.3; null when the answer had none), include every required one.
   */
  public boolean isGranted(String grantedScopes) {
    List<String> granted =
        grantedScopes == null ? List.of() : Arrays.asList(grantedScopes.trim().split("\\s+"));
    return granted.containsAll(required);
  }
}
