package io.github.gmailoauth.risc;

import static io.github.gmailoauth.risc.Risc.accountRow;
import static io.github.gmailoauth.risc.Risc.count;
import static io.github.gmailoauth.risc.Risc.deliver;
import static io.github.gmailoauth.risc.Risc.signedIn;
import static io.github.gmailoauth.standin.RiscTransmitter.ACCOUNT_DISABLED;
import static io.github.gmailoauth.standin.RiscTransmitter.ACCOUNT_ENABLED;
import static io.github.gmailoauth.standin.RiscTransmitter.ACCOUNT_PURGED;
import static io.github.gmailoauth.standin.RiscTransmitter.CREDENTIAL_CHANGE_REQUIRED;
import static io.github.gmailoauth.standin.RiscTransmitter.SESSIONS_REVOKED;
import static io.github.gmailoauth.standin.RiscTransmitter.TOKENS_REVOKED;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.gmailoauth.standin.RiscTransmitter;
import io.github.gmailoauth.testing.Browser;
import io.github.gmailoauth.testing.TestApp;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 16, Cross-Account Protection: each event type Google sends, delivered over real HTTP to
 * POST /risc signed by the stand-in's key, does what Google's documentation recommends to the grant
 * row, the session and the next sign-in.
 */
class RiscTest {
  @TempDir Path dir;

  private TestApp app;
  private Browser browser;
  private String userId;

  @BeforeEach
  void signIn() throws Exception {
    app = TestApp.start(dir);
    browser = new Browser();
    app.signIn(browser);
    userId = app.google.defaultUser().id();
    assertTrue(signedIn(app, browser));
    assertFalse(app.grantRow(userId).isEmpty());
  }

  @AfterEach
  void stop() throws Exception {
    app.close();
  }

  private HttpResponse<String> send(RiscTransmitter.Event event) throws Exception {
    return deliver(app, event.compact());
  }

  @Test
  void sessionsRevokedEndsTheSessionAndKeepsTheGrant() throws Exception {
    HttpResponse<String> answer = send(app.google.securityEvent(SESSIONS_REVOKED, userId));

    assertEquals(202, answer.statusCode());
    assertFalse(signedIn(app, browser), "the next request of the session is signed out");
    assertFalse(app.grantRow(userId).isEmpty(), "the grant stays");
    // A sign-in after the event is a new session, not ended by it.
    app.clock.advance(Duration.ofSeconds(1));
    app.signIn(browser);
    assertTrue(signedIn(app, browser));
  }

  @Test
  void credentialChangeRequiredEndsTheSessionAndKeepsTheGrant() throws Exception {
    assertEquals(
        202, send(app.google.securityEvent(CREDENTIAL_CHANGE_REQUIRED, userId)).statusCode());

    assertFalse(signedIn(app, browser));
    assertFalse(app.grantRow(userId).isEmpty());
  }

  @Test
  void tokensRevokedDeletesTheGrantAndTheSessionGoesThroughConsentAgain() throws Exception {
    assertEquals(202, send(app.google.securityEvent(TOKENS_REVOKED, userId)).statusCode());

    assertTrue(app.grantRow(userId).isEmpty(), "the grant is gone");
    assertTrue(signedIn(app, browser), "the session itself was not ended");
    HttpResponse<String> list = browser.get(app.url("/messages"));
    assertEquals(302, list.statusCode(), "no grant: consent again");
    assertTrue(Browser.location(list).contains("/authorize"), Browser.location(list));
  }

  @Test
  void tokenRevokedDeletesTheGrantWhoseRefreshTokenHasTheHash() throws Exception {
    String stored = (String) app.grantRow(userId).get("refresh_token");

    assertEquals(
        202,
        deliver(app, app.google.risc().tokenRevoked("some-other-token").compact()).statusCode());
    assertFalse(app.grantRow(userId).isEmpty(), "another token's hash matches nothing");

    assertEquals(202, deliver(app, app.google.risc().tokenRevoked(stored).compact()).statusCode());
    assertTrue(app.grantRow(userId).isEmpty(), "the grant holding that token is gone");
  }

  @Test
  void accountDisabledDeletesTheGrantAndEndsTheSessionButAllowsSignIn() throws Exception {
    assertEquals(
        202,
        send(app.google.securityEvent(ACCOUNT_DISABLED, userId).with("reason", "bulk-account"))
            .statusCode());

    assertTrue(app.grantRow(userId).isEmpty());
    assertFalse(signedIn(app, browser));
    app.clock.advance(Duration.ofSeconds(1));
    HttpResponse<String> again = app.signIn(browser);
    assertEquals(302, again.statusCode(), "only hijacking refuses sign-in");
    assertTrue(signedIn(app, browser));
    assertFalse(app.grantRow(userId).isEmpty());
  }

  @Test
  void hijackingRefusesSignInUntilTheAccountIsEnabled() throws Exception {
    assertEquals(
        202,
        send(app.google.securityEvent(ACCOUNT_DISABLED, userId).with("reason", "hijacking"))
            .statusCode());

    assertTrue(app.grantRow(userId).isEmpty());
    assertFalse(signedIn(app, browser));
    Browser other = new Browser();
    HttpResponse<String> refused = app.signIn(other);
    assertEquals(403, refused.statusCode());
    assertTrue(refused.body().contains("Sign-in is paused for this account"), refused.body());
    assertTrue(app.grantRow(userId).isEmpty(), "nothing stored");
    assertFalse(signedIn(app, other));
    // The code was exchanged (userinfo names the user), but no refresh token is kept.
    assertEquals(2, app.google.tokenCalls("authorization_code"));

    assertEquals(202, send(app.google.securityEvent(ACCOUNT_ENABLED, userId)).statusCode());
    app.clock.advance(Duration.ofSeconds(1));
    HttpResponse<String> allowed = app.signIn(other);
    assertEquals(302, allowed.statusCode());
    assertTrue(signedIn(app, other));
    assertFalse(app.grantRow(userId).isEmpty());
  }

  @Test
  void accountPurgedDeletesEverythingStoredForTheUser() throws Exception {
    assertEquals(
        202,
        send(app.google.securityEvent(ACCOUNT_DISABLED, userId).with("reason", "hijacking"))
            .statusCode());
    assertEquals(Boolean.TRUE, accountRow(app, userId).get("sign_in_refused"));

    assertEquals(202, send(app.google.securityEvent(ACCOUNT_PURGED, userId)).statusCode());

    assertTrue(app.grantRow(userId).isEmpty());
    assertFalse(signedIn(app, browser));
    Map<String, Object> row = accountRow(app, userId);
    assertEquals(Boolean.FALSE, row.get("sign_in_refused"), "the refusal went with the account");
    // Only the mark that ends open sessions stays, until they would have aged out anyway; the next
    // event's purge then removes it.
    app.clock.advance(Duration.ofHours(12).plusMinutes(3));
    assertEquals(
        202,
        send(app.google
                .securityEvent(SESSIONS_REVOKED, "someone-else")
                .issuedAt(app.clock.instant()))
            .statusCode());
    assertTrue(accountRow(app, userId).isEmpty(), "nothing left of the user");
  }

  @Test
  void verificationIsAcceptedAndChangesNothing() throws Exception {
    Map<String, Object> grant = app.grantRow(userId);

    HttpResponse<String> answer =
        deliver(app, app.google.risc().verification("state-from-stream-verify").compact());

    assertEquals(202, answer.statusCode());
    assertEquals(grant, app.grantRow(userId));
    assertTrue(signedIn(app, browser));
    assertEquals(0, count(app, "risc_account"));
  }

  @Test
  void anEventAboutSomeoneWhoNeverSignedInIsAcceptedAndTouchesNoOne() throws Exception {
    Map<String, Object> grant = app.grantRow(userId);
    for (String type :
        List.of(TOKENS_REVOKED, SESSIONS_REVOKED, ACCOUNT_DISABLED, ACCOUNT_PURGED)) {
      assertEquals(
          202, send(app.google.securityEvent(type, "117999999999999999999")).statusCode(), type);
    }
    assertEquals(grant, app.grantRow(userId));
    assertEquals(1, app.grantCount());
    assertTrue(signedIn(app, browser));
    assertTrue(accountRow(app, userId).isEmpty());
  }

  @Test
  void aDeliveryCreatesNoSessionAndSetsNoCookie() throws Exception {
    int sessions = app.sessionsCreated();

    HttpResponse<String> answer =
        send(app.google.securityEvent(SESSIONS_REVOKED, "117999999999999999999"));

    assertEquals(202, answer.statusCode());
    assertEquals(sessions, app.sessionsCreated());
    assertTrue(answer.headers().allValues("Set-Cookie").isEmpty(), answer.headers().toString());
    assertEquals("", answer.body());
  }

  @Test
  void theExemptionFromFormTokensIsThePathExactly() throws Exception {
    String token = app.google.securityEvent(ACCOUNT_DISABLED, userId).compact();
    for (String path :
        List.of("/risc/", "/risc/x", "/logout", "/disconnect", "/risc;x/../disconnect")) {
      HttpResponse<String> answer =
          java.net.http.HttpClient.newHttpClient()
              .send(
                  java.net.http.HttpRequest.newBuilder(java.net.URI.create(app.url(path)))
                      .header("Content-Type", Risc.MEDIA_TYPE)
                      .header("Cookie", browser.cookieHeader())
                      .POST(java.net.http.HttpRequest.BodyPublishers.ofString(token))
                      .build(),
                  HttpResponse.BodyHandlers.ofString());
      assertTrue(
          answer.statusCode() >= 400 && answer.statusCode() != 202,
          path + ": " + answer.statusCode());
    }
    assertFalse(app.grantRow(userId).isEmpty());
    assertTrue(signedIn(app, browser));
  }
}
