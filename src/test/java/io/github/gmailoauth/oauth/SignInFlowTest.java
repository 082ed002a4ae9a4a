package io.github.gmailoauth.oauth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.gmailoauth.AppConfig;
import io.github.gmailoauth.standin.RecordedRequest;
import io.github.gmailoauth.testing.Browser;
import io.github.gmailoauth.testing.Query;
import io.github.gmailoauth.testing.SignedInPage;
import io.github.gmailoauth.testing.TestApp;
import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.jsoup.Jsoup;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The sign-in flow, hop by hop over real HTTP, asserting what the app answered and what Google
 * received.
 */
class SignInFlowTest {
  @TempDir Path dir;
  TestApp app;
  Browser browser;
  String userId;

  @BeforeEach
  void start() throws Exception {
    app = TestApp.start(dir);
    browser = new Browser();
    userId = app.google.defaultUser().id();
  }

  @AfterEach
  void stop() throws Exception {
    app.close();
  }

  @Test
  void happyPathWalksFromMessagesThroughConsentToTheRenderedList() throws Exception {
    HttpResponse<String> messages = browser.get(app.url("/messages"));
    assertEquals(302, messages.statusCode());
    String authorize = Browser.location(messages);
    assertTrue(authorize.startsWith(app.url("/authorize?next=")), authorize);

    HttpResponse<String> toGoogle = browser.get(authorize);
    assertEquals(302, toGoogle.statusCode());
    String consentUrl = Browser.location(toGoogle);
    assertTrue(consentUrl.startsWith(app.google.authUri() + "?"), consentUrl);
    Map<String, List<String>> p = Query.params(consentUrl);
    assertEquals(List.of("code"), p.get("response_type"));
    assertEquals(List.of(app.google.clientId()), p.get("client_id"));
    assertEquals(List.of(app.url("/oauth2callback")), p.get("redirect_uri"));
    assertEquals(List.of(AppConfig.DEFAULT_SCOPES), p.get("scope"));
    assertEquals(List.of("offline"), p.get("access_type"));
    assertEquals(List.of("consent"), p.get("prompt"));
    assertEquals(List.of("true"), p.get("include_granted_scopes"));
    assertEquals(List.of("S256"), p.get("code_challenge_method"));
    assertNull(p.get("approval_prompt"), "Google rejects approval_prompt together with prompt");
    String state = p.get("state").get(0);
    assertTrue(
        Base64.getUrlDecoder().decode(state).length >= 32, "state carries at least 256 bits");

    HttpResponse<String> back = browser.answerConsent(consentUrl, true);
    assertEquals(302, back.statusCode());
    String callback = Browser.location(back);
    assertTrue(callback.startsWith(app.url("/oauth2callback?")), callback);

    HttpResponse<String> afterCallback = browser.get(callback);
    assertEquals(302, afterCallback.statusCode());
    assertEquals(app.url("/messages"), Browser.location(afterCallback));
    assertEquals("no-store", afterCallback.headers().firstValue("Cache-Control").orElse(null));

    // What the token endpoint received: the code, the same redirect_uri, and the PKCE verifier.
    List<RecordedRequest> tokenCalls = app.google.requests("POST", "/token");
    assertEquals(1, tokenCalls.size());
    RecordedRequest exchange = tokenCalls.get(0);
    assertEquals("authorization_code", exchange.formParam("grant_type"));
    assertEquals(Query.param(callback, "code"), exchange.formParam("code"));
    assertEquals(app.url("/oauth2callback"), exchange.formParam("redirect_uri"));
    assertEquals(p.get("code_challenge").get(0), s256(exchange.formParam("code_verifier")));

    // userinfo was asked with the access token the exchange produced.
    RecordedRequest userinfo = app.google.requests("GET", "/oauth2/v2/userinfo").get(0);
    assertTrue(
        userinfo.header("authorization").startsWith("Bearer sat-"),
        "bearer token sent to userinfo");

    Map<String, Object> row = app.grantRow(userId);
    assertEquals(app.google.defaultUser().email(), row.get("email"));
    assertTrue(((String) row.get("refresh_token")).startsWith("srt-"));
    assertTrue(((String) row.get("scopes")).contains("gmail.readonly"));

    HttpResponse<String> list = browser.get(app.url("/messages"));
    assertEquals(200, list.statusCode());
    assertEquals(25, Jsoup.parse(list.body()).select("li.message").size());
    assertTrue(
        list.body().contains(app.google.defaultUser().email()), "page says who is signed in");
  }

  @Test
  void everyAuthorizeGetsAFreshStateAndVerifier() throws Exception {
    String first = Browser.location(browser.get(app.url("/authorize")));
    String second =
        Browser.location(browser.get(app.url("/authorize?login_hint=someone%40example.com")));
    assertNotEquals(Query.param(first, "state"), Query.param(second, "state"));
    assertNotEquals(Query.param(first, "code_challenge"), Query.param(second, "code_challenge"));
    assertEquals("someone@example.com", Query.param(second, "login_hint"));
    assertNull(Query.param(first, "login_hint"));
  }

  @Test
  void twoPendingSignInsInOneSessionBothWork() throws Exception {
    String first = Browser.location(browser.get(app.url("/authorize")));
    String second = Browser.location(browser.get(app.url("/authorize")));
    String secondBack = Browser.location(browser.answerConsent(second, true));
    String firstBack = Browser.location(browser.answerConsent(first, true));
    assertEquals(302, browser.get(firstBack).statusCode());
    assertEquals(302, browser.get(secondBack).statusCode());
  }

  @Test
  void aSecondConsentWithoutRefreshTokenKeepsTheStoredOne() throws Exception {
    assertEquals(302, app.signIn(browser).statusCode());
    String stored = (String) app.grantRow(userId).get("refresh_token");

    app.google.setIssueRefreshTokens(false);
    Browser other = new Browser();
    HttpResponse<String> callback = app.signIn(other);
    assertEquals(302, callback.statusCode());
    assertEquals(app.url("/messages"), Browser.location(callback));
    assertEquals(stored, app.grantRow(userId).get("refresh_token"), "never overwritten with null");
    assertEquals(200, other.get(app.url("/messages")).statusCode());
  }

  @Test
  void noRefreshTokenAndNoneStoredSendsTheUserThroughForcedConsentOnce() throws Exception {
    app.google.setIssueRefreshTokens(false);
    HttpResponse<String> callback = app.signIn(browser);
    assertEquals(302, callback.statusCode());
    String again = Browser.location(callback);
    assertTrue(again.startsWith(app.google.authUri()), again);
    assertEquals("consent", Query.param(again, "prompt"));
    assertEquals(app.google.defaultUser().email(), Query.param(again, "login_hint"));
    assertTrue(app.grantRow(userId).isEmpty());

    // Google still sends none: an explanation, not a loop.
    HttpResponse<String> secondCallback =
        browser.get(Browser.location(browser.answerConsent(again, true)));
    assertEquals(403, secondCallback.statusCode());
    assertTrue(secondCallback.body().contains("did not grant offline access"));

    // And once Google sends one, the same path ends signed in.
    app.google.setIssueRefreshTokens(true);
    HttpResponse<String> third = app.signIn(browser);
    assertEquals(app.url("/messages"), Browser.location(third));
    assertFalse(app.grantRow(userId).isEmpty());
  }

  @Test
  void forgedStateGives400AndNoTokenCall() throws Exception {
    String consent = Browser.location(browser.get(app.url("/authorize")));
    String back = Browser.location(browser.answerConsent(consent, true));
    String forged = back.replace("state=" + Query.param(back, "state"), "state=" + "A".repeat(43));
    assertCallbackRefused(forged);
  }

  @Test
  void missingStateGives400AndNoTokenCall() throws Exception {
    String consent = Browser.location(browser.get(app.url("/authorize")));
    String back = Browser.location(browser.answerConsent(consent, true));
    assertCallbackRefused(app.url("/oauth2callback?code=" + Query.param(back, "code")));
  }

  @Test
  void replayedStateGives400AndNoSecondTokenCall() throws Exception {
    String consent = Browser.location(browser.get(app.url("/authorize")));
    String back = Browser.location(browser.answerConsent(consent, true));
    assertEquals(302, browser.get(back).statusCode());
    assertEquals(1, app.google.tokenCalls("authorization_code"));
    HttpResponse<String> replay = browser.get(back);
    assertEquals(400, replay.statusCode());
    assertEquals(1, app.google.tokenCalls("authorization_code"));
  }

  @Test
  void expiredStateGives400AndNoTokenCall() throws Exception {
    String consent = Browser.location(browser.get(app.url("/authorize")));
    String back = Browser.location(browser.answerConsent(consent, true));
    app.clock.advance(Duration.ofMinutes(10).plusSeconds(1));
    assertCallbackRefused(back);
  }

  @Test
  void stateFromAnotherBrowserSessionGives400AndNoTokenCall() throws Exception {
    String consent = Browser.location(browser.get(app.url("/authorize")));
    String back = Browser.location(browser.answerConsent(consent, true));
    HttpResponse<String> elsewhere = new Browser().get(back);
    assertEquals(400, elsewhere.statusCode());
    assertEquals(0, app.google.tokenCalls("authorization_code"));
  }

  @Test
  void duplicatedStateParameterGives400AndNoTokenCall() throws Exception {
    String consent = Browser.location(browser.get(app.url("/authorize")));
    String back = Browser.location(browser.answerConsent(consent, true));
    assertCallbackRefused(back + "&state=" + Query.param(back, "state"));
  }

  @Test
  void accessDeniedShowsAFriendlyPageWithAWayToTryAgain() throws Exception {
    String consent = Browser.location(browser.get(app.url("/authorize")));
    HttpResponse<String> back = browser.answerConsent(consent, false);
    String callback = Browser.location(back);
    assertEquals("access_denied", Query.param(callback, "error"));
    HttpResponse<String> page = browser.get(callback);
    assertEquals(200, page.statusCode());
    assertTrue(page.body().contains("Sign-in cancelled"));
    assertNotNull(Jsoup.parse(page.body()).selectFirst("a[href^=/authorize]"));
    assertEquals(0, app.google.tokenCalls("authorization_code"));
    assertNull(SignedInPage.email(browser.get(app.url("/")).body()));
  }

  @Test
  void errorDescriptionFromTheCallbackNeverReachesThePage() throws Exception {
    String consent = Browser.location(browser.get(app.url("/authorize")));
    String state = Query.param(consent, "state");
    HttpResponse<String> page =
        browser.get(
            app.url(
                "/oauth2callback?error=access_denied&state="
                    + state
                    + "&error_description="
                    + URLEncoder.encode("<script>alert(1)</script>", StandardCharsets.UTF_8)));
    assertEquals(200, page.statusCode());
    assertFalse(page.body().contains("<script>"));
    assertFalse(page.body().contains("alert(1)"));
  }

  @Test
  void signInChangesTheSessionIdAndReturnsToThePageFirstAskedFor() throws Exception {
    app.signIn(browser); // a session to start from (/authorize itself makes none)
    String before = browser.cookie("JSESSIONID");
    assertNotNull(before);
    HttpResponse<String> toGoogle =
        browser.get(app.url("/authorize?next=%2Fmessages%3Fq%3Dinvoice"));
    HttpResponse<String> callback =
        browser.get(Browser.location(browser.answerConsent(Browser.location(toGoogle), true)));
    assertEquals(app.url("/messages?q=invoice"), Browser.location(callback));
    String after = browser.cookie("JSESSIONID");
    assertNotNull(after);
    assertNotEquals(before, after, "session id rotated at sign-in");
    for (String setCookie : callback.headers().allValues("Set-Cookie")) {
      assertTrue(setCookie.contains("HttpOnly"), setCookie);
      assertTrue(setCookie.contains("SameSite=Lax"), setCookie);
    }
  }

  @Test
  void aReturnPageOnAnotherSiteFallsBackToMessages() throws Exception {
    HttpResponse<String> toGoogle =
        browser.get(
            app.url(
                "/authorize?next="
                    + URLEncoder.encode("//evil.example/x", StandardCharsets.UTF_8)));
    HttpResponse<String> callback =
        browser.get(Browser.location(browser.answerConsent(Browser.location(toGoogle), true)));
    assertEquals(app.url("/messages"), Browser.location(callback));
  }

  @Test
  void logoutEndsTheSessionOnTheServer() throws Exception {
    app.signIn(browser);
    String cookie = browser.cookieHeader(); // session id and session key
    HttpResponse<String> logout = browser.signOut(app.url("/"));
    assertEquals(302, logout.statusCode());
    // Even replaying the old cookie, the session is gone.
    Browser replay = new Browser();
    java.net.http.HttpRequest request =
        java.net.http.HttpRequest.newBuilder(java.net.URI.create(app.url("/messages")))
            .header("Cookie", cookie)
            .build();
    HttpResponse<String> answer =
        java.net.http.HttpClient.newHttpClient()
            .send(request, HttpResponse.BodyHandlers.ofString());
    assertEquals(302, answer.statusCode());
    assertTrue(Browser.location(answer).startsWith(app.url("/authorize")));
    assertEquals(405, browser.get(app.url("/logout")).statusCode(), "GET cannot sign anyone out");
  }

  @Test
  void theGrantSurvivesARestartOnTheSameDatabaseFile() throws Exception {
    app.signIn(browser);
    String stored = (String) app.grantRow(userId).get("refresh_token");
    app.restart();
    app.google.clearRequests();
    // A new browser session: signing in again needs no refresh token from Google.
    app.google.setIssueRefreshTokens(false);
    Browser later = new Browser();
    assertEquals(app.url("/messages"), Browser.location(app.signIn(later)));
    assertEquals(stored, app.grantRow(userId).get("refresh_token"));
    assertEquals(200, later.get(app.url("/messages")).statusCode());
  }

  @Test
  void homePageOffersSignInAndThenSaysWhoIsSignedIn() throws Exception {
    HttpResponse<String> anonymous = browser.get(app.url("/"));
    assertEquals(200, anonymous.statusCode());
    assertNotNull(Jsoup.parse(anonymous.body()).selectFirst("a[href=/authorize]"));
    app.signIn(browser);
    assertEquals(
        app.google.defaultUser().email(), SignedInPage.email(browser.get(app.url("/")).body()));
  }

  private void assertCallbackRefused(String callbackUrl) throws Exception {
    HttpResponse<String> answer = browser.get(callbackUrl);
    assertEquals(400, answer.statusCode());
    assertTrue(answer.body().contains("not valid"));
    assertEquals(0, app.google.tokenCalls("authorization_code"), "no call to the token endpoint");
    assertTrue(app.google.requests("POST", "/token").isEmpty());
    assertEquals(0, app.grantCount());
  }

  static String s256(String verifier) throws Exception {
    byte[] digest =
        MessageDigest.getInstance("SHA-256").digest(verifier.getBytes(StandardCharsets.US_ASCII));
    return Base64.getUrlEncoder().withoutPadding().encodeToString(digest);
  }
}
