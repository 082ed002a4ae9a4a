package io.github.gmailoauth.oauth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.gmailoauth.AppConfig;
import io.github.gmailoauth.testing.Browser;
import io.github.gmailoauth.testing.SignedInPage;
import io.github.gmailoauth.testing.TestApp;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 11, A10: a sign-in in flight lives sealed in the browser's cookie, not in a server session,
 * so an unauthenticated /authorize costs the server nothing; the cookie stays under browsers' 4 KB,
 * is single use and works on any node.
 */
class PendingSignInCookieTest {
  static final String COOKIE = "pending-signin";

  @TempDir Path dir;

  @Test
  void authorizeWithoutACookieCreatesNoServerSession() throws Exception {
    try (TestApp app = TestApp.start(dir)) {
      for (int i = 0; i < 20; i++) {
        HttpResponse<String> toGoogle = new Browser().get(app.url("/authorize"));
        assertEquals(302, toGoogle.statusCode());
        assertTrue(
            setCookies(toGoogle).stream().noneMatch(c -> c.startsWith("JSESSIONID=")),
            "no session cookie: " + setCookies(toGoogle));
      }
      assertEquals(0, app.sessionsCreated(), "sessions created by /authorize");
    }
  }

  @Test
  void withDatabaseSessionsAuthorizeWritesNoRow() throws Exception {
    try (TestApp app = TestApp.start(dir, Map.of(AppConfig.SESSION_STORE, "jdbc"))) {
      for (int i = 0; i < 20; i++) {
        assertEquals(302, new Browser().get(app.url("/authorize")).statusCode());
      }
      assertEquals(0, app.sessionRows(), "JettySessions rows after 20 /authorize");
      assertEquals(0, app.sessionsCreated());
      // And the sign-in still works: the one session is made at the callback.
      Browser browser = new Browser();
      assertEquals(302, app.signIn(browser).statusCode());
      assertEquals(200, browser.get(app.url("/messages")).statusCode());
      assertEquals(1, app.sessionRows());
    }
  }

  @Test
  void theCookieIsHttpOnlyLaxForTheWholeSiteAndExpiresWithTheSignIn() throws Exception {
    try (TestApp app = TestApp.start(dir)) {
      List<String> cookie = attributes(pendingCookie(new Browser().get(app.url("/authorize"))));
      assertTrue(
          cookie.contains("httponly")
              && cookie.contains("samesite=lax")
              && cookie.contains("path=/"),
          cookie.toString());
      assertTrue(cookie.contains("max-age=600"), cookie.toString());
      assertFalse(cookie.contains("secure"), "plain http: " + cookie);
    }
  }

  @Test
  void overHttpsTheCookieIsSecureWithTheHostPrefix() throws Exception {
    try (TestApp app = TestApp.start(dir, Map.of(AppConfig.HTTPS, "true"))) {
      HttpResponse<String> toGoogle = new Browser().get(app.url("/authorize"));
      String setCookie =
          setCookies(toGoogle).stream()
              .filter(c -> c.startsWith("__Host-" + COOKIE + "="))
              .findFirst()
              .orElseThrow(() -> new AssertionError(setCookies(toGoogle).toString()));
      List<String> cookie = attributes(setCookie);
      assertTrue(
          cookie.contains("secure") && cookie.contains("path=/") && cookie.contains("httponly"),
          cookie.toString());
      assertTrue(cookie.stream().noneMatch(a -> a.startsWith("domain=")), "host-only: " + cookie);
    }
  }

  @Test
  void fivePendingSignInsWithA2KbReturnToFitUnder4KbAndEachFinishes() throws Exception {
    try (TestApp app = TestApp.start(dir)) {
      Browser browser = new Browser();
      String longNext = "/messages?q=" + "a".repeat(2048 - "/messages?q=".length());
      List<String> consents = new ArrayList<>();
      int largest = 0;
      for (int i = 0; i < 5; i++) {
        HttpResponse<String> toGoogle =
            browser.get(
                app.url("/authorize?next=" + (i == 0 ? longNext : "/messages%3Fq%3Dtab" + i)));
        consents.add(Browser.location(toGoogle));
        largest = Math.max(largest, nameAndValue(pendingCookie(toGoogle)).length());
      }
      System.out.printf(
          "pending-sign-in cookie with five entries, one with a 2,048-character return-to:"
              + " %d bytes of name and value%n",
          largest);
      assertTrue(largest <= 4096, largest + " bytes");
      // Every one of the five finishes, each in turn, the 2 KB one with its own return-to.
      for (int i = 0; i < 5; i++) {
        HttpResponse<String> callback =
            browser.get(Browser.location(browser.answerConsent(consents.get(i), true)));
        assertEquals(302, callback.statusCode(), "sign-in " + i + ": " + callback.body());
        String expected = i == 0 ? longNext : "/messages?q=tab" + i;
        assertEquals(
            expected,
            URI.create(Browser.location(callback)).getRawPath()
                + "?"
                + URI.create(Browser.location(callback)).getRawQuery());
      }
      assertEquals(5, app.google.tokenCalls("authorization_code"));
    }
  }

  @Test
  void fiveLongReturnTosStillMakeACookieUnder4KbByDroppingTheOldest() throws Exception {
    try (TestApp app = TestApp.start(dir)) {
      Browser browser = new Browser();
      List<String> consents = new ArrayList<>();
      for (int i = 0; i < 5; i++) {
        String next = "/messages?q=" + i + "a".repeat(2048 - "/messages?q=".length() - 1);
        HttpResponse<String> toGoogle = browser.get(app.url("/authorize?next=" + next));
        consents.add(Browser.location(toGoogle));
        int size = nameAndValue(pendingCookie(toGoogle)).length();
        assertTrue(size <= 4096, size + " bytes");
      }
      // The newest finishes; the oldest was dropped to make room.
      HttpResponse<String> newest =
          browser.get(Browser.location(browser.answerConsent(consents.get(4), true)));
      assertEquals(302, newest.statusCode());
      HttpResponse<String> oldest =
          browser.get(Browser.location(browser.answerConsent(consents.get(0), true)));
      assertEquals(400, oldest.statusCode());
      assertEquals(1, app.google.tokenCalls("authorization_code"));
    }
  }

  @Test
  void aSixthSignInDropsTheOldest() throws Exception {
    try (TestApp app = TestApp.start(dir)) {
      Browser browser = new Browser();
      List<String> consents = new ArrayList<>();
      for (int i = 0; i < 6; i++) {
        consents.add(Browser.location(browser.get(app.url("/authorize"))));
      }
      assertEquals(
          400,
          browser.get(Browser.location(browser.answerConsent(consents.get(0), true))).statusCode());
      assertEquals(
          302,
          browser.get(Browser.location(browser.answerConsent(consents.get(1), true))).statusCode());
      assertEquals(1, app.google.tokenCalls("authorization_code"));
    }
  }

  @Test
  void aReplayedOldCopyOfTheCookieIsRefusedBeforeGoogleIsCalled() throws Exception {
    try (TestApp app = TestApp.start(dir)) {
      Browser browser = new Browser();
      HttpResponse<String> toGoogle = browser.get(app.url("/authorize"));
      String copied = nameAndValue(pendingCookie(toGoogle));
      String callback = Browser.location(browser.answerConsent(Browser.location(toGoogle), true));
      assertEquals(302, browser.get(callback).statusCode());
      assertEquals(1, app.google.tokenCalls("authorization_code"));
      assertNull(browser.cookie(COOKIE), "the consumed entry left the browser's cookie");

      // The same callback with the cookie as it was before: its entry is spent.
      HttpResponse<String> replay =
          HttpClient.newHttpClient()
              .send(
                  HttpRequest.newBuilder(URI.create(callback)).header("Cookie", copied).build(),
                  HttpResponse.BodyHandlers.ofString());
      assertEquals(400, replay.statusCode());
      assertEquals(
          1, app.google.tokenCalls("authorization_code"), "no second call to the token endpoint");
    }
  }

  @Test
  void anAlteredCookieOrOneFromAnotherKeyIsNothingPending() throws Exception {
    java.nio.file.Files.createDirectories(dir.resolve("other"));
    try (TestApp app = TestApp.start(dir);
        TestApp other =
            TestApp.start(
                dir.resolve("other"),
                Map.of(AppConfig.TOKEN_ENCRYPTION_KEY, TestApp.OTHER_TOKEN_KEY))) {
      Browser browser = new Browser();
      HttpResponse<String> toGoogle = browser.get(app.url("/authorize"));
      String value = nameAndValue(pendingCookie(toGoogle)).split("=", 2)[1];
      String callback = Browser.location(browser.answerConsent(Browser.location(toGoogle), true));
      char last = value.charAt(value.length() / 2);
      String altered =
          value.substring(0, value.length() / 2)
              + (last == 'A' ? 'B' : 'A')
              + value.substring(value.length() / 2 + 1);
      assertEquals(400, withCookie(callback, COOKIE + "=" + altered).statusCode());
      // A cookie sealed by an app with another token key, for the same state, is no better.
      String foreign =
          nameAndValue(pendingCookie(new Browser().get(other.url("/authorize")))).split("=", 2)[1];
      assertEquals(400, withCookie(callback, COOKIE + "=" + foreign).statusCode());
      assertEquals(0, app.google.tokenCalls("authorization_code"));
      // The browser's own cookie, untouched, still works.
      assertEquals(302, browser.get(callback).statusCode());
    }
  }

  @Test
  void aPendingSignInExpiresAfterTenMinutes() throws Exception {
    try (TestApp app = TestApp.start(dir)) {
      Browser browser = new Browser();
      String callback =
          Browser.location(
              browser.answerConsent(Browser.location(browser.get(app.url("/authorize"))), true));
      app.clock.advance(Duration.ofMinutes(10));
      assertEquals(400, browser.get(callback).statusCode());
      assertEquals(0, app.google.tokenCalls("authorization_code"));
    }
  }

  @Test
  void aSignInStartedOnOneNodeFinishesOnAnotherWithoutSharedSessions() throws Exception {
    // Memory sessions on each node, one database, one key, both behind one callback address:
    // nothing of the sign-in is kept on node A.
    try (TestApp a =
            TestApp.start(
                dir, Map.of(AppConfig.OAUTH_REDIRECT_URI, TestApp.BALANCER + "/oauth2callback"));
        TestApp b = a.secondNode()) {
      Browser browser = new Browser();
      HttpResponse<String> toGoogle = browser.get(a.url("/authorize?next=%2Fmessages%3Fq%3Dx"));
      a.stop();
      String callback = Browser.location(browser.answerConsent(Browser.location(toGoogle), true));
      URI back = URI.create(callback);
      HttpResponse<String> signedIn =
          browser.get(b.url(back.getRawPath() + "?" + back.getRawQuery()));
      assertEquals(302, signedIn.statusCode(), signedIn.body());
      assertEquals(
          "/messages?q=x",
          URI.create(Browser.location(signedIn)).getRawPath()
              + "?"
              + URI.create(Browser.location(signedIn)).getRawQuery());
      HttpResponse<String> page = browser.get(b.url("/messages"));
      assertEquals(200, page.statusCode());
      assertNotNull(SignedInPage.email(page.body()));
    }
  }

  private HttpResponse<String> withCookie(String url, String cookie) throws Exception {
    return HttpClient.newHttpClient()
        .send(
            HttpRequest.newBuilder(URI.create(url)).header("Cookie", cookie).build(),
            HttpResponse.BodyHandlers.ofString());
  }

  static List<String> setCookies(HttpResponse<?> response) {
    return response.headers().allValues("Set-Cookie");
  }

  static String pendingCookie(HttpResponse<?> response) {
    return setCookies(response).stream()
        .filter(c -> c.startsWith(COOKIE + "=") || c.startsWith("__Host-" + COOKIE + "="))
        .reduce((first, second) -> second) // the last one is what the browser keeps
        .orElseThrow(
            () -> new AssertionError("no pending-sign-in cookie in " + setCookies(response)));
  }

  /** "name=value" of a Set-Cookie header: what counts against browsers' 4,096 bytes. */
  static String nameAndValue(String setCookie) {
    return setCookie.split(";", 2)[0];
  }

  static List<String> attributes(String setCookie) {
    return Arrays.stream(setCookie.split(";"))
        .map(s -> s.trim().toLowerCase(java.util.Locale.ROOT))
        .toList();
  }
}
