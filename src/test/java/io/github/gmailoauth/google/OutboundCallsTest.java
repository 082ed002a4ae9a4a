package io.github.gmailoauth.google;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.api.client.http.GenericUrl;
import com.google.api.client.http.HttpRequest;
import io.github.gmailoauth.testing.AppWithGoogle;
import io.github.gmailoauth.testing.Browser;
import io.github.gmailoauth.testing.SignedInPage;
import io.github.gmailoauth.testing.TestApp;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Google answering badly: the user gets an error page, and nothing is stored. */
@AppWithGoogle
class OutboundCallsTest {
  TestApp app;
  Browser browser;

  @ParameterizedTest(name = "token endpoint answering {0}")
  @CsvSource(
      delimiter = '|',
      value = {
        "500 with HTML|500|text/html|<html><body><h1>Internal error</h1></body></html>",
        "garbage JSON|200|application/json|{\"access_token\": [unterminated",
        "an empty body|200|application/json|",
        "a missing access_token|200|application/json|{\"expires_in\":3600,\"token_type\":\"Bearer\",\"refresh_token\":\"srt-x\"}",
        "a token_type other than Bearer|200|application/json|{\"access_token\":\"sat-x\",\"expires_in\":3600,\"token_type\":\"mac\",\"refresh_token\":\"srt-x\"}",
        "a JSON array|200|application/json|[1,2,3]",
      })
  void aBadTokenAnswerGivesAnErrorPageAndStoresNothing(
      String what, int status, String type, String body) throws Exception {
    app.google.answerNext(
        "POST",
        "/token",
        status,
        type,
        body == null ? new byte[0] : body.getBytes(StandardCharsets.UTF_8),
        1);
    assertSignInFails();
  }

  @Test
  void aTenMegabyteTokenAnswerIsRefused() throws Exception {
    byte[] huge = new byte[10 * 1024 * 1024];
    Arrays.fill(huge, (byte) ' ');
    huge[0] = '{';
    huge[huge.length - 1] = '}';
    app.google.answerNext("POST", "/token", 200, "application/json", huge, 1);
    assertSignInFails();
  }

  @Test
  void garbageFromUserinfoGivesAnErrorPageAndStoresNothing() throws Exception {
    app.google.answerNext(
        "GET",
        "/oauth2/v2/userinfo",
        200,
        "application/json",
        "not json".getBytes(StandardCharsets.UTF_8),
        1);
    assertSignInFails();
  }

  @Test
  void garbageFromGmailGivesAnErrorPageAndKeepsTheGrant() throws Exception {
    app.signIn(browser);
    app.google.answerNext(
        "GET",
        "/gmail/v1/users/me/messages",
        200,
        "application/json",
        "<<<".getBytes(StandardCharsets.UTF_8),
        1);
    HttpResponse<String> page = browser.get(app.url("/messages"));
    assertEquals(502, page.statusCode());
    assertFalse(page.body().contains("Exception"));
    assertFalse(app.grantRow(app.google.defaultUser().id()).isEmpty());
  }

  @Test
  void everyCallToGoogleHasTimeoutsOfAtMostTenSecondsAndNoLoggingOrRedirects() throws Exception {
    HttpRequest request =
        new BoundedHttpTransport()
            .createRequestFactory(BoundedHttpTransport.requestDefaults())
            .buildGetRequest(new GenericUrl(app.google.baseUrl()));
    assertTrue(request.getConnectTimeout() > 0 && request.getConnectTimeout() <= 10_000);
    assertTrue(request.getReadTimeout() > 0 && request.getReadTimeout() <= 10_000);
    assertFalse(request.getFollowRedirects());
    assertFalse(request.isLoggingEnabled());
    assertFalse(request.isCurlLoggingEnabled());
  }

  private void assertSignInFails() throws Exception {
    HttpResponse<String> callback = app.signIn(browser);
    assertEquals(502, callback.statusCode(), callback.body());
    assertTrue(callback.body().contains("Google is not answering"));
    assertFalse(callback.body().contains("Exception") || callback.body().contains("at io."));
    assertEquals(0, app.grantCount());
    assertNull(SignedInPage.email(browser.get(app.url("/")).body()));
  }
}
