package io.github.gmailoauth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.gmailoauth.testing.Browser;
import io.github.gmailoauth.testing.TestApp;
import io.github.gmailoauth.testing.TestDatabase;
import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two nodes behind a load balancer without sticky sessions: both on one PostgreSQL, for the grants
 * and for the HTTP sessions ({@code SESSION_STORE=jdbc}). One browser (one cookie jar) sends each
 * request to whichever node the test names, as a round-robin balancer would; both nodes are
 * registered with Google under the balancer's one callback address.
 */
class MultiNodeTest {
  /** What every node gets: sessions in the shared database, and the balancer's callback URL. */
  static final Map<String, String> CLUSTER =
      Map.of(
          AppConfig.SESSION_STORE,
          "jdbc",
          AppConfig.OAUTH_REDIRECT_URI,
          TestApp.BALANCER + "/oauth2callback");

  @TempDir Path dir;

  @Test
  void aBrowserSessionMovesFreelyBetweenNodesAndOutlivesTheNodeThatStartedIt() throws Exception {
    try (TestApp a = TestApp.start(dir, TestDatabase.POSTGRESQL, CLUSTER);
        TestApp b = a.secondNode()) {
      String email = a.google.defaultUser().email();
      Browser browser = new Browser();

      // Sign-in started on node A ...
      HttpResponse<String> toGoogle = browser.get(a.url("/authorize"));
      assertEquals(302, toGoogle.statusCode());
      HttpResponse<String> back = browser.answerConsent(Browser.location(toGoogle), true);
      String callback = Browser.location(back);
      assertTrue(callback.startsWith(TestApp.BALANCER + "/oauth2callback?"), callback);
      // ... finishes its callback on node B, which opens the state and PKCE verifier A sealed into
      // the browser's cookie.
      HttpResponse<String> signedIn = browser.get(b.url(pathAndQuery(callback)));
      assertEquals(302, signedIn.statusCode(), signedIn.body());
      assertEquals("/messages", URI.create(Browser.location(signedIn)).getPath());
      assertEquals(1, a.google.tokenCalls("authorization_code"));
      assertEquals(1, a.grantCount());
      String sessionId = browser.cookie("JSESSIONID");
      assertNotNull(sessionId);

      // The message list works on both nodes for the same browser session, request after request.
      for (TestApp node : new TestApp[] {a, b, a, b}) {
        assertSignedInPage(browser.get(node.url("/messages")), email);
      }

      // An access token refreshed on A is reused by B without another refresh.
      a.clock.advance(Duration.ofHours(2));
      b.clock.advance(Duration.ofHours(2));
      int refreshes = a.google.tokenCalls("refresh_token");
      assertSignedInPage(browser.get(a.url("/messages")), email);
      assertEquals(refreshes + 1, a.google.tokenCalls("refresh_token"), "A refreshed");
      assertSignedInPage(browser.get(b.url("/messages")), email);
      assertEquals(refreshes + 1, a.google.tokenCalls("refresh_token"), "B reused A's token");

      // Node A goes away; node B serves the same session: same id, still signed in.
      a.stop();
      assertSignedInPage(browser.get(b.url("/messages")), email);
      assertEquals(sessionId, browser.cookie("JSESSIONID"));
      assertEquals(1, a.google.tokenCalls("authorization_code"), "no new sign-in was needed");

      // Signing out on B ends the session for every node.
      assertEquals(302, browser.signOut(b.url("/messages")).statusCode());
      HttpResponse<String> after = browser.get(b.url("/messages"));
      assertEquals(302, after.statusCode());
      assertTrue(Browser.location(after).contains("/authorize"), Browser.location(after));
    }
  }

  @Test
  void aSignInStartedOnANodeThatIsThenStoppedFinishesOnTheOther() throws Exception {
    try (TestApp a = TestApp.start(dir, TestDatabase.POSTGRESQL, CLUSTER);
        TestApp b = a.secondNode()) {
      Browser browser = new Browser();
      HttpResponse<String> toGoogle = browser.get(a.url("/authorize"));
      a.stop(); // e.g. a rolling restart while the person is on Google's consent page
      String callback = Browser.location(browser.answerConsent(Browser.location(toGoogle), true));
      HttpResponse<String> signedIn = browser.get(b.url(pathAndQuery(callback)));
      assertEquals(302, signedIn.statusCode(), signedIn.body());
      assertSignedInPage(browser.get(b.url("/messages")), a.google.defaultUser().email());
    }
  }

  private static void assertSignedInPage(HttpResponse<String> page, String email) {
    assertEquals(
        200,
        page.statusCode(),
        () ->
            "answered "
                + page.statusCode()
                + " "
                + page.headers().firstValue("Location").orElse(""));
    assertTrue(page.body().contains(email), "signed in as " + email);
  }

  private static String pathAndQuery(String url) {
    URI uri = URI.create(url);
    return uri.getRawPath() + "?" + uri.getRawQuery();
  }
}
