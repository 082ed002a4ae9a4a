package io.github.gmailoauth.oauth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.gmailoauth.AppConfig;
import io.github.gmailoauth.testing.AppWithGoogle;
import io.github.gmailoauth.testing.Browser;
import io.github.gmailoauth.testing.TestApp;
import java.net.http.HttpResponse;
import org.jsoup.Jsoup;
import org.jsoup.nodes.Element;
import org.junit.jupiter.api.Test;

/**
 * A user who unticks Gmail on Google's consent screen gets an explanation and a button, never a
 * loop.
 */
@AppWithGoogle
class GrantedScopesTest {
  static final String WITHOUT_GMAIL =
      "https://www.googleapis.com/auth/userinfo.email https://www.googleapis.com/auth/userinfo.profile";

  TestApp app;
  Browser browser;

  @Test
  void aGrantWithoutGmailShowsThePermissionPageWithAButtonAndNoRedirect() throws Exception {
    app.google.setGrantedScopes(WITHOUT_GMAIL);
    HttpResponse<String> callback = app.signIn(browser);
    assertPermissionPage(callback);

    app.google.clearRequests();
    HttpResponse<String> messages = browser.get(app.url("/messages"));
    assertPermissionPage(messages);
    assertTrue(app.google.requests().isEmpty(), "Gmail is not even asked");

    // The button runs consent again; granting Gmail this time ends on the list.
    app.google.setGrantedScopes(null);
    Element button =
        Jsoup.parse(messages.body(), app.url("/messages")).selectFirst("main a.button");
    HttpResponse<String> toGoogle = browser.get(button.absUrl("href"));
    HttpResponse<String> after =
        browser.get(Browser.location(browser.answerConsent(Browser.location(toGoogle), true)));
    assertEquals(app.url("/messages"), Browser.location(after));
    assertEquals(200, browser.get(app.url("/messages")).statusCode());
  }

  /**
   * RFC 6749 §5.1: {@code scope} is OPTIONAL in a token answer "if identical to the scope requested
   * by the client" (mock-oauth2-server leaves it out). It then means the requested scopes.
   */
  @Test
  void aTokenAnswerWithoutScopeMeansTheRequestedScopes() throws Exception {
    app.google.setOmitScopeInTokenAnswers(true);
    String userId = app.google.defaultUser().id();

    HttpResponse<String> callback = app.signIn(browser);

    assertEquals(302, callback.statusCode(), callback.body());
    assertEquals(app.url("/messages"), Browser.location(callback));
    assertEquals(AppConfig.DEFAULT_SCOPES, app.grantRow(userId).get("scopes"));
    HttpResponse<String> messages = browser.get(app.url("/messages"));
    assertEquals(200, messages.statusCode(), messages.body());
    assertFalse(Jsoup.parse(messages.body()).select("li.message").isEmpty());

    // A refresh answered without scope keeps what was granted.
    app.google.revokeAccessTokens();
    assertEquals(200, browser.get(app.url("/messages")).statusCode());
    assertEquals(1, app.google.tokenCalls("refresh_token"));
    assertEquals(AppConfig.DEFAULT_SCOPES, app.grantRow(userId).get("scopes"));
  }

  @Test
  void gmailAnsweringInsufficientPermissionsShowsThePermissionPage() throws Exception {
    app.signIn(browser);
    app.google.failGmail(403, 1);
    assertPermissionPage(browser.get(app.url("/messages")));
    assertFalse(app.grantRow(app.google.defaultUser().id()).isEmpty(), "the grant is kept");
  }

  private static void assertPermissionPage(HttpResponse<String> answer) {
    assertEquals(403, answer.statusCode());
    assertTrue(answer.headers().firstValue("Location").isEmpty(), "no automatic redirect: no loop");
    assertTrue(answer.body().contains("Permission needed"));
    Element button = Jsoup.parse(answer.body()).selectFirst("main a.button");
    assertNotNull(button);
    assertTrue(button.attr("href").startsWith("/authorize?next="), button.attr("href"));
  }
}
