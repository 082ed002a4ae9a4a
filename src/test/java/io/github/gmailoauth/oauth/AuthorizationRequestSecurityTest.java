package io.github.gmailoauth.oauth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.gmailoauth.testing.AppWithGoogle;
import io.github.gmailoauth.testing.Browser;
import io.github.gmailoauth.testing.Query;
import io.github.gmailoauth.testing.SignedInPage;
import io.github.gmailoauth.testing.TestApp;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Hostile authorization requests and callbacks (RFC 9700 §2.1, §4.5, §4.7; RFC 6749 §10.12): each
 * asserts the answer, what reached Google's token endpoint, and what reached the database.
 */
@AppWithGoogle
class AuthorizationRequestSecurityTest {
  TestApp app;
  Browser browser;

  @Test
  void hostAndForwardedHeadersNeverChangeTheRedirectUri() throws Exception {
    HttpRequest request =
        HttpRequest.newBuilder(URI.create(app.url("/authorize")))
            .header("X-Forwarded-Host", "evil.example")
            .header("X-Forwarded-Proto", "https")
            .header("Forwarded", "host=evil.example;proto=https")
            .build();
    HttpResponse<String> answer =
        HttpClient.newHttpClient().send(request, HttpResponse.BodyHandlers.ofString());
    String location = Browser.location(answer);
    assertEquals(app.url("/oauth2callback"), Query.param(location, "redirect_uri"));
    assertFalse(location.contains("evil.example"));
  }

  @Test
  void pkceIsAlwaysS256WithAVerifierOfAtLeast256Bits() throws Exception {
    for (int i = 0; i < 3; i++) {
      String consent = Browser.location(browser.get(app.url("/authorize")));
      assertEquals("S256", Query.param(consent, "code_challenge_method"));
      assertEquals(43, Query.param(consent, "code_challenge").length());
      browser.get(Browser.location(browser.answerConsent(consent, true)));
    }
    for (var exchange : app.google.requests("POST", "/token")) {
      assertTrue(exchange.formParam("code_verifier").length() >= 43);
    }
  }

  @Test
  void aThousandAuthorizeCallsKeepOnlyTheNewestFivePending() throws Exception {
    List<String> consents = new ArrayList<>();
    for (int i = 0; i < 1000; i++) {
      consents.add(Browser.location(browser.get(app.url("/authorize"))));
    }
    // The sixth newest was dropped with the rest: its state is unknown now.
    String dropped = Browser.location(browser.answerConsent(consents.get(994), true));
    assertEquals(400, browser.get(dropped).statusCode());
    assertEquals(0, app.google.tokenCalls("authorization_code"));
    // The fifth newest still works.
    String kept = Browser.location(browser.answerConsent(consents.get(995), true));
    assertEquals(302, browser.get(kept).statusCode());
    assertEquals(1, app.google.tokenCalls("authorization_code"));
  }

  @Test
  void accessDeniedWithAForgedStateIsRefusedLikeAnyForgedState() throws Exception {
    browser.get(app.url("/authorize"));
    HttpResponse<String> answer =
        browser.get(app.url("/oauth2callback?error=access_denied&state=" + "B".repeat(43)));
    assertEquals(400, answer.statusCode());
    assertFalse(answer.body().contains("Sign-in cancelled"));
  }

  @Test
  void aCodeTogetherWithAnErrorIsNeverExchanged() throws Exception {
    String consent = Browser.location(browser.get(app.url("/authorize")));
    String back = Browser.location(browser.answerConsent(consent, true));
    HttpResponse<String> answer = browser.get(back + "&error=access_denied");
    assertEquals(200, answer.statusCode());
    assertTrue(answer.body().contains("Sign-in cancelled"));
    assertEquals(0, app.google.tokenCalls("authorization_code"));
    assertEquals(0, app.grantCount());
  }

  /**
   * RFC 6749 §3.1: request and response parameters must not be included more than once. A callback
   * repeating any of {@code code}, {@code state}, {@code error}, {@code scope} is not one the
   * authorization server sent: 400, and the code never reaches the token endpoint.
   */
  @Test
  void aRepeatedOAuthParameterGives400AndTheCodeIsNeverExchanged() throws Exception {
    for (String repeated :
        List.of(
            "&error=access_denied&error=x",
            "&error=x&error=access_denied",
            "&scope=openid",
            "&scope=",
            "&code=",
            "&state=",
            "&error=access_denied&error=access_denied")) {
      String consent = Browser.location(browser.get(app.url("/authorize")));
      String back = Browser.location(browser.answerConsent(consent, true));
      HttpResponse<String> answer = browser.get(back + repeated);
      assertEquals(400, answer.statusCode(), repeated);
      assertTrue(answer.body().contains("not valid"), answer.body());
      assertTrue(
          app.google.requests("POST", "/token").isEmpty(),
          "no call to the token endpoint: " + repeated);
      assertEquals(0, app.grantCount());
    }
  }

  @Test
  void duplicatedCodeParametersGive400AndNoTokenCall() throws Exception {
    String consent = Browser.location(browser.get(app.url("/authorize")));
    String back = Browser.location(browser.answerConsent(consent, true));
    HttpResponse<String> answer = browser.get(back + "&code=second");
    assertEquals(400, answer.statusCode());
    assertEquals(0, app.google.tokenCalls("authorization_code"));
    assertEquals(0, app.grantCount());
  }

  @Test
  void aReplayedCodeWithAFreshStateIsRefusedByGoogleAndStoresNothingNew() throws Exception {
    String consent = Browser.location(browser.get(app.url("/authorize")));
    String back = Browser.location(browser.answerConsent(consent, true));
    assertEquals(302, browser.get(back).statusCode());
    String usedCode = Query.param(back, "code");

    Browser attacker = new Browser();
    String freshState = Query.param(Browser.location(attacker.get(app.url("/authorize"))), "state");
    HttpResponse<String> replay =
        attacker.get(app.url("/oauth2callback?state=" + freshState + "&code=" + usedCode));
    assertEquals(400, replay.statusCode());
    assertEquals(
        2, app.google.tokenCalls("authorization_code"), "Google saw the replay and refused it");
    assertNull(
        SignedInPage.email(attacker.get(app.url("/")).body()),
        "the replaying browser is not signed in");
  }

  @Test
  void aCodeInjectedIntoAnotherSessionsFlowIsDefeatedByPkce() throws Exception {
    // The attacker gets a code for their own account, from their own authorization request.
    app.google.addUser("666", "attacker@example.com", "Attacker");
    Browser attacker = new Browser();
    String attackerConsent =
        Browser.location(attacker.get(app.url("/authorize?login_hint=attacker%40example.com")));
    String attackerCode =
        Query.param(Browser.location(attacker.answerConsent(attackerConsent, true)), "code");

    // The victim's browser has its own pending request; the attacker makes it arrive with their
    // code.
    String victimState = Query.param(Browser.location(browser.get(app.url("/authorize"))), "state");
    HttpResponse<String> injected =
        browser.get(app.url("/oauth2callback?state=" + victimState + "&code=" + attackerCode));
    assertEquals(400, injected.statusCode());
    assertEquals(
        1,
        app.google.tokenCalls("authorization_code"),
        "exchanged with the victim's verifier, and refused");
    assertEquals(0, app.grantCount());
    assertNull(
        SignedInPage.email(browser.get(app.url("/")).body()),
        "the victim is not signed in as the attacker");
  }

  @Test
  void anOversizedStateOrCodeGives400() throws Exception {
    String consent = Browser.location(browser.get(app.url("/authorize")));
    String state = Query.param(consent, "state");
    assertEquals(
        400, browser.get(app.url("/oauth2callback?code=x&state=" + "s".repeat(129))).statusCode());
    assertEquals(
        400,
        browser
            .get(app.url("/oauth2callback?state=" + state + "&code=" + "c".repeat(2049)))
            .statusCode());
    assertEquals(0, app.google.tokenCalls("authorization_code"));
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "https://evil.example",
        "//evil.example",
        "/\\evil.example",
        "/%2F%2Fevil.example",
        "javascript:alert(1)",
        "/@evil.example"
      })
  void openRedirectReturnPathsFallBackToMessages(String hostile) throws Exception {
    HttpResponse<String> toGoogle =
        browser.get(
            app.url("/authorize?next=" + URLEncoder.encode(hostile, StandardCharsets.UTF_8)));
    HttpResponse<String> callback =
        browser.get(Browser.location(browser.answerConsent(Browser.location(toGoogle), true)));
    assertEquals(302, callback.statusCode());
    assertEquals(app.url("/messages"), Browser.location(callback));
  }

  @Test
  void theReturnPageComesFromThePendingRecordNeverFromTheCallbackQuery() throws Exception {
    String consent =
        Browser.location(browser.get(app.url("/authorize?next=%2Fmessages%3Fq%3Dsafe")));
    String back = Browser.location(browser.answerConsent(consent, true));
    HttpResponse<String> callback =
        browser.get(
            back + "&next=" + URLEncoder.encode("https://evil.example", StandardCharsets.UTF_8));
    assertEquals(app.url("/messages?q=safe"), Browser.location(callback));
  }
}
