package io.github.gmailoauth.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
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
import java.util.List;
import java.util.Map;
import org.jsoup.Jsoup;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Sessions and cookies (OWASP ASVS V7): fixation, cookie flags, logout, cross-site requests. */
class SessionSecurityTest {
  @TempDir Path dir;
  TestApp app;
  Browser browser = new Browser();

  @AfterEach
  void stop() throws Exception {
    if (app != null) {
      app.close();
    }
  }

  private static HttpResponse<String> send(HttpRequest request) throws Exception {
    return HttpClient.newHttpClient().send(request, HttpResponse.BodyHandlers.ofString());
  }

  private HttpResponse<String> withCookie(String path, String cookie) throws Exception {
    return send(
        HttpRequest.newBuilder(URI.create(app.url(path)))
            .header("Cookie", "JSESSIONID=" + cookie)
            .build());
  }

  @Test
  void aPlantedSessionIdIsNotTheSignedInOne() throws Exception {
    app = TestApp.start(dir);
    // The attacker obtains a session id of their own (by signing in) and plants it in the victim's
    // browser.
    Browser attacker = new Browser();
    app.signIn(attacker);
    String planted = attacker.cookie("JSESSIONID");
    HttpResponse<String> victimStart = withCookie("/authorize", planted);
    String pending = cookieSetBy(victimStart, "pending-signin");
    String consent = Browser.location(victimStart);
    String back = Browser.location(browser.answerConsent(consent, true));
    HttpResponse<String> callback =
        send(
            HttpRequest.newBuilder(URI.create(back))
                .header("Cookie", "JSESSIONID=" + planted + "; pending-signin=" + pending)
                .build());
    assertEquals(302, callback.statusCode());
    String issued = cookieSetBy(callback, "JSESSIONID");
    assertNotEquals(planted, issued, "the session id changed at sign-in");
    // The planted id gives the attacker nothing, even with the attacker's own session key.
    HttpResponse<String> attackerView =
        send(
            HttpRequest.newBuilder(URI.create(app.url("/messages")))
                .header("Cookie", attacker.cookieHeader())
                .build());
    assertEquals(302, attackerView.statusCode());
    assertTrue(Browser.location(attackerView).startsWith(app.url("/authorize")));
    HttpResponse<String> victimView =
        send(
            HttpRequest.newBuilder(URI.create(app.url("/messages")))
                .header(
                    "Cookie",
                    "JSESSIONID="
                        + issued
                        + "; session-key="
                        + cookieSetBy(callback, "session-key"))
                .build());
    assertEquals(200, victimView.statusCode());
  }

  /** The value {@code response} sets for cookie {@code name}. */
  private static String cookieSetBy(HttpResponse<?> response, String name) {
    return response.headers().allValues("Set-Cookie").stream()
        .filter(c -> c.startsWith(name + "="))
        .map(c -> c.split(";", 2)[0].split("=", 2)[1])
        .reduce((first, second) -> second)
        .orElseThrow(
            () ->
                new AssertionError(
                    "no " + name + " in " + response.headers().allValues("Set-Cookie")));
  }

  /** The Set-Cookie headers of the sign-in's callback, as a browser signing in gets them. */
  private List<String> cookiesSetAtSignIn() throws Exception {
    HttpResponse<String> toGoogle = browser.get(app.url("/authorize"));
    HttpResponse<String> callback =
        browser.get(Browser.location(browser.answerConsent(Browser.location(toGoogle), true)));
    assertEquals(302, callback.statusCode());
    List<String> all = new java.util.ArrayList<>(toGoogle.headers().allValues("Set-Cookie"));
    all.addAll(callback.headers().allValues("Set-Cookie"));
    return all;
  }

  @Test
  void sessionIdsNeverTravelInUrls() throws Exception {
    app = TestApp.start(dir);
    app.signIn(browser);
    String cookie = browser.cookie("JSESSIONID");
    HttpResponse<String> page = browser.get(app.url("/messages"));
    assertFalse(page.body().toLowerCase().contains("jsessionid"));
    // A session id in the URL path parameter is not honoured.
    HttpResponse<String> viaUrl =
        send(HttpRequest.newBuilder(URI.create(app.url("/messages;jsessionid=" + cookie))).build());
    assertTrue(
        viaUrl.statusCode() == 302 || viaUrl.statusCode() == 404 || viaUrl.statusCode() == 400,
        "status " + viaUrl.statusCode());
    assertFalse(viaUrl.body().contains(app.google.defaultUser().email()));
  }

  @Test
  void overPlainHttpTheCookiesAreHttpOnlyLaxAndNotSecure() throws Exception {
    app = TestApp.start(dir);
    List<String> cookies = cookiesSetAtSignIn();
    for (String name : List.of("JSESSIONID=", "session-key=", "pending-signin=")) {
      assertTrue(cookies.stream().anyMatch(c -> c.startsWith(name)), name + " in " + cookies);
    }
    for (String setCookie : cookies) {
      assertTrue(setCookie.contains("HttpOnly") && setCookie.contains("SameSite=Lax"), setCookie);
      assertFalse(setCookie.contains("Secure"), setCookie);
    }
    assertTrue(
        browser.get(app.url("/")).headers().firstValue("Strict-Transport-Security").isEmpty());
  }

  @Test
  void overHttpsTheCookiesAreSecureWithTheHostPrefixAndHstsIsSent() throws Exception {
    app = TestApp.start(dir, Map.of(AppConfig.HTTPS, "true"));
    // A Secure cookie is not sent back over this test's plain http, so each answer is read alone.
    HttpResponse<String> answer = browser.get(app.url("/authorize"));
    List<String> cookies = new java.util.ArrayList<>(answer.headers().allValues("Set-Cookie"));
    HttpResponse<String> callback =
        send(
            HttpRequest.newBuilder(
                    URI.create(
                        Browser.location(browser.answerConsent(Browser.location(answer), true))))
                .header(
                    "Cookie",
                    "__Host-pending-signin=" + cookieSetBy(answer, "__Host-pending-signin"))
                .build());
    assertEquals(302, callback.statusCode(), callback.body());
    cookies.addAll(callback.headers().allValues("Set-Cookie"));
    for (String name :
        List.of("__Host-JSESSIONID=", "__Host-session-key=", "__Host-pending-signin=")) {
      assertTrue(cookies.stream().anyMatch(c -> c.startsWith(name)), name + " in " + cookies);
    }
    for (String setCookie : cookies) {
      assertTrue(setCookie.startsWith("__Host-"), setCookie);
      assertTrue(
          setCookie.contains("Secure")
              && setCookie.contains("HttpOnly")
              && setCookie.contains("SameSite=Lax"),
          setCookie);
      assertTrue(setCookie.contains("Path=/"), setCookie);
      assertFalse(setCookie.contains("Domain="), setCookie);
    }
    assertEquals(
        "max-age=31536000; includeSubDomains",
        answer.headers().firstValue("Strict-Transport-Security").orElse(null));
  }

  @Test
  void logoutWithoutTheFormTokenOrFromAnotherSiteIsRefusedAndTheSessionSurvives() throws Exception {
    app = TestApp.start(dir);
    app.signIn(browser);
    assertEquals(403, browser.post(app.url("/logout"), Map.of()).statusCode());
    assertEquals(403, browser.post(app.url("/logout"), Map.of("csrf", "forged")).statusCode());
    String token =
        Jsoup.parse(browser.get(app.url("/")).body()).selectFirst("input[name=csrf]").val();
    String cookie = browser.cookieHeader(); // session id and session key
    HttpResponse<String> crossSite =
        send(
            HttpRequest.newBuilder(URI.create(app.url("/logout")))
                .header("Cookie", cookie)
                .header("Origin", "https://evil.example")
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString("csrf=" + token))
                .build());
    assertEquals(403, crossSite.statusCode());
    HttpResponse<String> fetchMetadata =
        send(
            HttpRequest.newBuilder(URI.create(app.url("/logout")))
                .header("Cookie", cookie)
                .header("Sec-Fetch-Site", "cross-site")
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString("csrf=" + token))
                .build());
    assertEquals(403, fetchMetadata.statusCode());
    assertEquals(200, browser.get(app.url("/messages")).statusCode(), "still signed in");

    assertEquals(302, browser.signOut(app.url("/")).statusCode());
    HttpResponse<String> replay =
        send(
            HttpRequest.newBuilder(URI.create(app.url("/messages")))
                .header("Cookie", cookie)
                .build());
    assertEquals(302, replay.statusCode(), "the old cookies are worthless after sign-out");
  }

  /**
   * The form token counts only from the form body: one in the URL (which logs, history and Referer
   * carry) is no proof of a form of this app, whatever the container merges into getParameter.
   */
  @Test
  void aFormTokenInTheQueryStringDoesNotCount() throws Exception {
    app = TestApp.start(dir);
    app.signIn(browser);
    String token =
        Jsoup.parse(browser.get(app.url("/")).body()).selectFirst("input[name=csrf]").val();
    String cookie = browser.cookie("JSESSIONID");
    for (String query :
        List.of("?csrf=" + token, "?%63srf=" + token, "?csrf=" + token + "&csrf=" + token)) {
      for (String body : List.of("", "other=1", "csrf=forged")) {
        HttpResponse<String> answer =
            send(
                HttpRequest.newBuilder(URI.create(app.url("/logout" + query)))
                    .header("Cookie", "JSESSIONID=" + cookie)
                    .header("Content-Type", "application/x-www-form-urlencoded")
                    .POST(HttpRequest.BodyPublishers.ofString(body))
                    .build());
        assertEquals(403, answer.statusCode(), query + " with body '" + body + "'");
      }
    }
    // Not a form body at all: the token in a JSON body is not read.
    HttpResponse<String> json =
        send(
            HttpRequest.newBuilder(URI.create(app.url("/logout?csrf=" + token)))
                .header("Cookie", "JSESSIONID=" + cookie)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"csrf\":\"" + token + "\"}"))
                .build());
    assertEquals(403, json.statusCode());
    assertEquals(200, browser.get(app.url("/messages")).statusCode(), "still signed in");
    assertEquals(
        302, browser.signOut(app.url("/")).statusCode(), "the token in the form body still works");
  }

  @Test
  void anotherUsersIdInAParameterOrHeaderIsIgnored() throws Exception {
    app = TestApp.start(dir);
    app.google
        .addUser("999", "other@example.com", "Other")
        .addMessage(
            "Secret <s@example.com>",
            "Other user's secret",
            "nope",
            java.time.Instant.now(),
            "INBOX");
    Browser other = new Browser();
    other.get(app.url("/authorize?login_hint=other%40example.com"));
    app.signIn(browser);
    HttpResponse<String> page =
        send(
            HttpRequest.newBuilder(URI.create(app.url("/messages?user=999&userId=999&user_id=999")))
                .header("Cookie", browser.cookieHeader())
                .header("X-User-Id", "999")
                .header("X-Forwarded-User", "other@example.com")
                .build());
    assertEquals(200, page.statusCode());
    assertFalse(page.body().contains("Other user's secret"));
    List<String> bearers =
        app.google.requests("GET", "/gmail/v1/users/me/messages").stream()
            .map(r -> r.header("authorization"))
            .distinct()
            .toList();
    assertEquals(1, bearers.size(), "only the signed-in user's token was used");
    assertNotNull(SignedInPage.email(page.body()));
    assertEquals(app.google.defaultUser().email(), SignedInPage.email(page.body()));
  }
}
