package io.github.gmailoauth.oauth;

import io.github.gmailoauth.web.Links;
import io.github.gmailoauth.web.Pages;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.List;

/**
 * Google's consent screen lets people untick single scopes. Without the Gmail scope the app can
 * still say who signed in, but cannot list mail: it shows a page that explains this and offers
 * one button to grant it, and never sends the browser back to consent on its own (no loop).
 */
public final class GmailPermission {
  private final List<String> required;
  private final Pages pages;

  /** @param configuredScopes the scopes the app asks for; the Gmail ones among them are required */
  public GmailPermission(List<String> configuredScopes, Pages pages) {
    this.required = configuredScopes.stream()
        .filter(s -> s.startsWith("https://www.googleapis.com/auth/gmail.") || s.equals("https://mail.google.com/"))
        .toList();
    this.pages = pages;
  }

  public boolean isGranted(String grantedScopes) {
    return new UserCredentials.Access(null, grantedScopes).covers(required);
  }

  /** The explanation page, with a button that runs consent again and then returns to {@code returnTo}. */
  public void showNeeded(HttpServletRequest request, HttpServletResponse response, String returnTo)
      throws IOException {
    pages.error(request, response, HttpServletResponse.SC_FORBIDDEN,
        "Permission needed",
        "You signed in, but did not allow this app to read your Gmail, so it cannot list your messages."
            + " To see them, grant that permission on Google's page (tick the Gmail box).",
        AuthorizeServlet.PATH + "?next=" + Links.encode(ReturnTo.sanitize(returnTo)), "Grant Gmail access");
  }
}
