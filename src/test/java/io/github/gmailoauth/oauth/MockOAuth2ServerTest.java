package io.github.gmailoauth.oauth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.github.gmailoauth.AppConfig;
import io.github.gmailoauth.testing.Browser;
import io.github.gmailoauth.testing.TestApp;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import no.nav.security.mock.oauth2.MockOAuth2Server;
import okhttp3.mockwebserver.RecordedRequest;
import org.jsoup.Jsoup;
import org.jsoup.nodes.Element;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The app's whole journey against navikt's mock-oauth2-server (in-process, through its {@link
 * MockOAuth2Server} class): a second authorization server this project did not write, with its own
 * reading of the RFCs. It leaves {@code scope} out of token answers (RFC 6749 §5.1 allows that when
 * it equals the request), and it revokes a refresh token only when told {@code
 * token_type_hint=refresh_token}. Its authorization endpoint signs in without a form. Gmail and
 * userinfo come from the stand-in through {@link ThirdPartyTokenAdapter}, which asks the server's
 * introspection endpoint about each access token.
 */
class MockOAuth2ServerTest {
  static final String ISSUER = "default";
  static final String SUBJECT = "demo-subject";
  static final String CLIENT_ID = "mock-client";
  static final String CLIENT_SECRET = "mock-secret";

  /**
   * Its authorization endpoint reads every request as OpenID Connect, which needs {@code openid}.
   */
  static final String SCOPES = AppConfig.DEFAULT_SCOPES + " openid";

  @TempDir Path dir;
  MockOAuth2Server server;
  ThirdPartyTokenAdapter adapter;
  TestApp app;
  Browser browser = new Browser();
  final HttpClient http = HttpClient.newHttpClient();

  @BeforeEach
  void start() throws Exception {
    server = new MockOAuth2Server();
    server.start();
    adapter =
        new ThirdPartyTokenAdapter(
            this::introspect,
            (google, subject) -> SUBJECT.equals(subject) ? google.defaultUser() : null);
    JsonObject web = new JsonObject();
    web.addProperty("client_id", CLIENT_ID);
    web.addProperty("client_secret", CLIENT_SECRET);
    web.addProperty("auth_uri", server.authorizationEndpointUrl(ISSUER).toString());
    web.addProperty("token_uri", server.tokenEndpointUrl(ISSUER).toString());
    JsonObject file = new JsonObject();
    file.add("web", web);
    Path secrets = Files.writeString(dir.resolve("mock_client_secrets.json"), file.toString());
    app =
        TestApp.start(
            dir,
            Map.of(
                AppConfig.GOOGLE_CLIENT_SECRETS, secrets.toString(),
                AppConfig.GOOGLE_REVOKE_URI, server.revocationEndpointUrl(ISSUER).toString(),
                AppConfig.GOOGLE_API_ROOT_URL, adapter.rootUrl(),
                AppConfig.GOOGLE_SCOPES, SCOPES));
    adapter.forwardTo(app.google);
  }

  @AfterEach
  void stop() throws Exception {
    try {
      app.close();
      adapter.close();
    } finally {
      server.shutdown();
    }
  }

  @Test
  void signInListRefreshAndDisconnect() throws Exception {
    String userId = app.google.defaultUser().id();

    // Sign-in: to a browser, the server shows its sign-in form (any subject), posted back to the
    // authorization request's own URL; it answers with the redirect to the app.
    String authorize = Browser.location(browser.get(app.url("/authorize")));
    assertTrue(authorize.startsWith(server.authorizationEndpointUrl(ISSUER).toString()), authorize);
    HttpResponse<String> form = browser.get(authorize);
    assertEquals(200, form.statusCode(), form.body());
    Element signInForm = Jsoup.parse(form.body(), authorize).selectFirst("form[method=post]");
    assertTrue(
        signInForm != null && signInForm.selectFirst("input[name=username]") != null, form.body());
    HttpResponse<String> back =
        browser.post(
            signInForm.absUrl("action").isEmpty() ? authorize : signInForm.absUrl("action"),
            Map.of("username", SUBJECT, "claims", ""));
    assertEquals(302, back.statusCode(), back.body());
    HttpResponse<String> signedIn = browser.get(Browser.location(back));
    assertEquals(302, signedIn.statusCode(), signedIn.body());
    assertEquals(app.url("/messages"), Browser.location(signedIn));

    // What the server answered had no scope: the requested scopes were stored.
    RecordedRequest exchange = takeRequest("/" + ISSUER + "/token");
    assertTrue(exchange.getBody().readUtf8().contains("grant_type=authorization_code"));
    assertEquals(SCOPES, app.grantRow(userId).get("scopes"));
    String refreshToken = (String) app.grantRow(userId).get("refresh_token");
    assertFalse(
        refreshToken == null || refreshToken.isEmpty(), "the server issued a refresh token");

    // List.
    HttpResponse<String> list = browser.get(app.url("/messages"));
    assertEquals(200, list.statusCode(), list.body());
    assertEquals(25, Jsoup.parse(list.body()).select("li.message").size());
    String firstAccessToken = (String) app.grantRow(userId).get("access_token");

    // Refresh: once the access token has expired (by the app's clock), the list renews it.
    app.clock.advance(Duration.ofHours(2));
    HttpResponse<String> again = browser.get(app.url("/messages"));
    assertEquals(200, again.statusCode(), again.body());
    assertNotEquals(
        firstAccessToken, app.grantRow(userId).get("access_token"), "a new access token");
    assertEquals(SCOPES, app.grantRow(userId).get("scopes"));
    String storedRefreshToken = (String) app.grantRow(userId).get("refresh_token");

    // Disconnect: revoked with the hint the server insists on, and dead there afterwards.
    HttpResponse<String> page = browser.submitForm(app.url("/"), "form#disconnect");
    assertEquals(200, page.statusCode());
    assertTrue(Jsoup.parse(page.body()).text().contains("Google has revoked it"), page.body());
    assertEquals(0, app.grantCount());
    HttpResponse<String> refreshAfter = refreshDirectly(storedRefreshToken);
    assertEquals(400, refreshAfter.statusCode(), refreshAfter.body());
    assertEquals(
        "invalid_grant",
        JsonParser.parseString(refreshAfter.body()).getAsJsonObject().get("error").getAsString(),
        refreshAfter.body());
    assertNull(app.grantRow(userId).get("refresh_token"));
  }

  // ---------------------------------------------------------------------------------------------

  /** The server's introspection of an access token, as the adapter needs it. */
  private ThirdPartyTokenAdapter.Active introspect(String token)
      throws IOException, InterruptedException {
    HttpResponse<String> answer =
        post(server.url("/" + ISSUER + "/introspect").toString(), "token=" + enc(token));
    JsonObject o = JsonParser.parseString(answer.body()).getAsJsonObject();
    if (answer.statusCode() != 200 || !o.get("active").getAsBoolean()) {
      return null;
    }
    // Its tokens carry no scope claim of their own here: the scopes the app asked for.
    List<String> scopes =
        o.has("scope") && !o.get("scope").isJsonNull()
            ? Arrays.asList(o.get("scope").getAsString().split(" "))
            : Arrays.asList(SCOPES.split(" "));
    return new ThirdPartyTokenAdapter.Active(o.get("sub").getAsString(), scopes);
  }

  private HttpResponse<String> refreshDirectly(String refreshToken)
      throws IOException, InterruptedException {
    return post(
        server.tokenEndpointUrl(ISSUER).toString(),
        "grant_type=refresh_token&refresh_token=" + enc(refreshToken));
  }

  private HttpResponse<String> post(String url, String form)
      throws IOException, InterruptedException {
    return http.send(
        HttpRequest.newBuilder(URI.create(url))
            .header("Content-Type", "application/x-www-form-urlencoded")
            .header(
                "Authorization",
                "Basic "
                    + Base64.getEncoder()
                        .encodeToString(
                            (enc(CLIENT_ID) + ":" + enc(CLIENT_SECRET))
                                .getBytes(StandardCharsets.UTF_8)))
            .POST(HttpRequest.BodyPublishers.ofString(form))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  /** The first recorded request to {@code path}, skipping others (the server records every one). */
  private RecordedRequest takeRequest(String path) throws InterruptedException {
    for (int i = 0; i < 20; i++) {
      RecordedRequest r = server.takeRequest(5, TimeUnit.SECONDS);
      if (r != null && r.getRequestUrl() != null && r.getRequestUrl().encodedPath().equals(path)) {
        return r;
      }
    }
    throw new AssertionError("no request to " + path);
  }

  private static String enc(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8);
  }
}
