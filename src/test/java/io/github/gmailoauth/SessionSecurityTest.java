package io.github.gmailoauth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

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
    return send(HttpRequest.newBuilder(URI.create(app.url(path))).header("Cookie", "JSESSIONID=" + cookie).build());
  }

  @Test
  void aPlantedSessionIdIsNotTheSignedInOne() throws Exception {
    app = TestApp.start(dir);
    // The attacker obtains a session id and plants it in the victim's browser.
    HttpResponse<String> attackerStart = send(HttpRequest.newBuilder(URI.create(app.url("/authorize"))).build());
    String planted = attackerStart.headers().firstValue("Set-Cookie").orElseThrow().split(";")[0].split("=", 2)[1];
    HttpResponse<String> victimStart = withCookie("/authorize", planted);
    String consent = Browser.location(victimStart);
    String back = Browser.location(browser.answerConsent(consent, true));
    HttpResponse<String> callback = withCookie(back.substring(app.url("").length()), planted);
    assertEquals(302, callback.statusCode());
    String issued = callback.headers().firstValue("Set-Cookie").orElseThrow().split(";")[0].split("=", 2)[1];
    assertNotEquals(planted, issued, "the session id changed at sign-in");
    // The planted id gives the attacker nothing.
    HttpResponse<String> attackerView = withCookie("/messages", planted);
    assertEquals(302, attackerView.statusCode());
    assertTrue(Browser.location(attackerView).startsWith(app.url("/authorize")));
    assertEquals(200, withCookie("/messages", issued).statusCode());
  }

  @Test
  void sessionIdsNeverTravelInUrls() throws Exception {
    app = TestApp.start(dir);
    app.signIn(browser);
    String cookie = browser.cookie("JSESSIONID");
    HttpResponse<String> page = browser.get(app.url("/messages"));
    assertFalse(page.body().toLowerCase().contains("jsessionid"));
    // A session id in the URL path parameter is not honoured.
    HttpResponse<String> viaUrl = send(HttpRequest.newBuilder(URI.create(app.url("/messages;jsessionid=" + cookie))).build());
    assertTrue(viaUrl.statusCode() == 302 || viaUrl.statusCode() == 404 || viaUrl.statusCode() == 400,
        "status " + viaUrl.statusCode());
    assertFalse(viaUrl.body().contains(app.google.defaultUser().email()));
  }

  @Test
  void overPlainHttpTheCookieIsHttpOnlyLaxAndNotSecure() throws Exception {
    app = TestApp.start(dir);
    String setCookie = browser.get(app.url("/authorize")).headers().firstValue("Set-Cookie").orElseThrow();
    assertTrue(setCookie.startsWith("JSESSIONID="), setCookie);
    assertTrue(setCookie.contains("HttpOnly") && setCookie.contains("SameSite=Lax"), setCookie);
    assertFalse(setCookie.contains("Secure"), setCookie);
    assertTrue(browser.get(app.url("/")).headers().firstValue("Strict-Transport-Security").isEmpty());
  }

  @Test
  void overHttpsTheCookieIsSecureWithTheHostPrefixAndHstsIsSent() throws Exception {
    app = TestApp.start(dir, Map.of(AppConfig.HTTPS, "true"));
    HttpResponse<String> answer = browser.get(app.url("/authorize"));
    String setCookie = answer.headers().firstValue("Set-Cookie").orElseThrow();
    assertTrue(setCookie.startsWith("__Host-JSESSIONID="), setCookie);
    assertTrue(setCookie.contains("Secure") && setCookie.contains("HttpOnly") && setCookie.contains("SameSite=Lax"), setCookie);
    assertTrue(setCookie.contains("Path=/"), setCookie);
    assertFalse(setCookie.contains("Domain="), setCookie);
    assertEquals("max-age=31536000; includeSubDomains",
        answer.headers().firstValue("Strict-Transport-Security").orElse(null));
  }

  @Test
  void logoutWithoutTheFormTokenOrFromAnotherSiteIsRefusedAndTheSessionSurvives() throws Exception {
    app = TestApp.start(dir);
    app.signIn(browser);
    assertEquals(403, browser.post(app.url("/logout"), Map.of()).statusCode());
    assertEquals(403, browser.post(app.url("/logout"), Map.of("csrf", "forged")).statusCode());
    String token = Jsoup.parse(browser.get(app.url("/")).body()).selectFirst("input[name=csrf]").val();
    String cookie = browser.cookie("JSESSIONID");
    HttpResponse<String> crossSite = send(HttpRequest.newBuilder(URI.create(app.url("/logout")))
        .header("Cookie", "JSESSIONID=" + cookie)
        .header("Origin", "https://evil.example")
        .header("Content-Type", "application/x-www-form-urlencoded")
        .POST(HttpRequest.BodyPublishers.ofString("csrf=" + token)).build());
    assertEquals(403, crossSite.statusCode());
    HttpResponse<String> fetchMetadata = send(HttpRequest.newBuilder(URI.create(app.url("/logout")))
        .header("Cookie", "JSESSIONID=" + cookie)
        .header("Sec-Fetch-Site", "cross-site")
        .header("Content-Type", "application/x-www-form-urlencoded")
        .POST(HttpRequest.BodyPublishers.ofString("csrf=" + token)).build());
    assertEquals(403, fetchMetadata.statusCode());
    assertEquals(200, browser.get(app.url("/messages")).statusCode(), "still signed in");

    assertEquals(302, browser.signOut(app.url("/")).statusCode());
    HttpResponse<String> replay = withCookie("/messages", cookie);
    assertEquals(302, replay.statusCode(), "the old cookie is worthless after sign-out");
  }

  /**
   * The form token counts only from the form body: one in the URL (which logs, history and
   * Referer carry) is no proof of a form of this app, whatever the container merges into
   * getParameter.
   */
  @Test
  void aFormTokenInTheQueryStringDoesNotCount() throws Exception {
    app = TestApp.start(dir);
    app.signIn(browser);
    String token = Jsoup.parse(browser.get(app.url("/")).body()).selectFirst("input[name=csrf]").val();
    String cookie = browser.cookie("JSESSIONID");
    for (String query : List.of("?csrf=" + token, "?%63srf=" + token, "?csrf=" + token + "&csrf=" + token)) {
      for (String body : List.of("", "other=1", "csrf=forged")) {
        HttpResponse<String> answer = send(HttpRequest.newBuilder(URI.create(app.url("/logout" + query)))
            .header("Cookie", "JSESSIONID=" + cookie)
            .header("Content-Type", "application/x-www-form-urlencoded")
            .POST(HttpRequest.BodyPublishers.ofString(body)).build());
        assertEquals(403, answer.statusCode(), query + " with body '" + body + "'");
      }
    }
    // Not a form body at all: the token in a JSON body is not read.
    HttpResponse<String> json = send(HttpRequest.newBuilder(URI.create(app.url("/logout?csrf=" + token)))
        .header("Cookie", "JSESSIONID=" + cookie)
        .header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString("{\"csrf\":\"" + token + "\"}")).build());
    assertEquals(403, json.statusCode());
    assertEquals(200, browser.get(app.url("/messages")).statusCode(), "still signed in");
    assertEquals(302, browser.signOut(app.url("/")).statusCode(), "the token in the form body still works");
  }

  @Test
  void anotherUsersIdInAParameterOrHeaderIsIgnored() throws Exception {
    app = TestApp.start(dir);
    app.google.addUser("999", "other@example.com", "Other").addMessage(
        "Secret <s@example.com>", "Other user's secret", "nope", java.time.Instant.now(), "INBOX");
    Browser other = new Browser();
    other.get(app.url("/authorize?login_hint=other%40example.com"));
    app.signIn(browser);
    HttpResponse<String> page = send(HttpRequest.newBuilder(URI.create(app.url("/messages?user=999&userId=999&user_id=999")))
        .header("Cookie", "JSESSIONID=" + browser.cookie("JSESSIONID"))
        .header("X-User-Id", "999")
        .header("X-Forwarded-User", "other@example.com").build());
    assertEquals(200, page.statusCode());
    assertFalse(page.body().contains("Other user's secret"));
    List<String> bearers = app.google.requests("GET", "/gmail/v1/users/me/messages").stream()
        .map(r -> r.header("authorization")).distinct().toList();
    assertEquals(1, bearers.size(), "only the signed-in user's token was used");
    assertNotNull(SignedInPage.email(page.body()));
    assertEquals(app.google.defaultUser().email(), SignedInPage.email(page.body()));
  }
}
