package io.github.gmailoauth.oauth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.github.gmailoauth.AppConfig;
import io.github.gmailoauth.testing.Browser;
import io.github.gmailoauth.testing.Query;
import io.github.gmailoauth.testing.SignedInPage;
import io.github.gmailoauth.testing.TestApp;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.jsoup.Jsoup;
import org.jsoup.nodes.Document;
import org.jsoup.nodes.Element;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The app against a real third-party authorization server, Spring Authorization Server (see {@link
 * SpringAuthorizationServer} for why it runs in this JVM), over real HTTP through the real app: the
 * browser walks every redirect, signs in on the server's own login form, and the server counts what
 * reached it. PKCE is required for every client; one client authenticates with {@code
 * client_secret_basic} and a secret full of characters that Basic gets wrong unless they are
 * form-encoded first, one with {@code client_secret_post}, one asks for consent.
 *
 * <p>The server speaks no Gmail: {@link ThirdPartyTokenAdapter} answers the app's userinfo and
 * Gmail calls from the stand-in's mailbox of the signed-in user once the server's RFC 7662
 * introspection says the access token is active.
 */
class SpringAuthorizationServerTest {
  static final List<String> SCOPES = Arrays.asList(AppConfig.DEFAULT_SCOPES.split(" "));

  /** Rotates refresh tokens (a new one on every refresh, the old one dead). */
  static final SpringAuthorizationServer.Client BASIC =
      new SpringAuthorizationServer.Client(
          "app-basic",
          ClientAuthenticationTest.AWKWARD_SECRET,
          "client_secret_basic",
          false,
          false);

  /** Keeps the refresh token across refreshes. */
  static final SpringAuthorizationServer.Client POST =
      new SpringAuthorizationServer.Client(
          "app-post", "post: s3cret+ü%", "client_secret_post", true, false);

  /** Shows the server's consent page. */
  static final SpringAuthorizationServer.Client CONSENT =
      new SpringAuthorizationServer.Client(
          "app-consent", "consent-secret", "client_secret_basic", true, true);

  static SpringAuthorizationServer server;

  @TempDir Path dir;
  TestApp app;
  ThirdPartyTokenAdapter adapter;
  Browser browser = new Browser();
  String userId;

  @BeforeAll
  static void startServer() {
    server = SpringAuthorizationServer.start(List.of(BASIC, POST, CONSENT), SCOPES);
  }

  @AfterAll
  static void stopServer() {
    server.close();
  }

  @AfterEach
  void stop() throws Exception {
    if (app != null) {
      app.close();
    }
    if (adapter != null) {
      adapter.close();
    }
  }

  @Test
  void signInWithClientSecretBasicEndsOnTheMessageList() throws Exception {
    start(BASIC);
    int exchanges = server.tokenRequests("authorization_code");

    signIn();

    assertEquals(exchanges + 1, server.tokenRequests("authorization_code"));
    HttpResponse<String> list = browser.get(app.url("/messages"));
    assertEquals(200, list.statusCode(), list.body());
    assertEquals(25, Jsoup.parse(list.body()).select("li.message").size());
    assertEquals(app.google.defaultUser().email(), SignedInPage.email(list.body()));
    assertEquals(
        AppConfig.DEFAULT_SCOPES.split(" ").length,
        ((String) app.grantRow(userId).get("scopes")).split(" ").length);
  }

  @Test
  void signInWithClientSecretPostEndsOnTheMessageList() throws Exception {
    start(POST);
    signIn();
    assertEquals(200, browser.get(app.url("/messages")).statusCode());
  }

  @Test
  void aRefreshWithRotationStoresTheNewRefreshTokenAndTheOldOneIsDead() throws Exception {
    start(BASIC);
    signIn();
    String first = refreshToken();
    int refreshes = server.tokenRequests("refresh_token");

    app.clock.advance(Duration.ofMinutes(10)); // past the server's 5-minute access tokens
    assertEquals(200, browser.get(app.url("/messages")).statusCode());

    assertEquals(refreshes + 1, server.tokenRequests("refresh_token"));
    String second = refreshToken();
    assertNotEquals(first, second, "the rotated refresh token is stored");
    assertOAuthError(server.refreshDirectly(BASIC, first), "invalid_grant");
    assertTrue(isActive(BASIC, second), "the stored one works");
  }

  @Test
  void aRefreshWithoutRotationKeepsTheRefreshToken() throws Exception {
    start(POST);
    signIn();
    String first = refreshToken();
    int refreshes = server.tokenRequests("refresh_token");

    app.clock.advance(Duration.ofMinutes(10));
    assertEquals(200, browser.get(app.url("/messages")).statusCode());

    assertEquals(refreshes + 1, server.tokenRequests("refresh_token"));
    assertEquals(first, refreshToken());
    assertTrue(isActive(POST, first));
  }

  @Test
  void eightConcurrentRequestsOnAnExpiredAccessTokenMakeExactlyOneRefreshAtTheServer()
      throws Exception {
    start(BASIC);
    signIn();
    app.clock.advance(Duration.ofMinutes(10));
    int refreshes = server.tokenRequests("refresh_token");

    ExecutorService pool = Executors.newFixedThreadPool(8);
    try {
      CountDownLatch go = new CountDownLatch(1);
      List<Future<HttpResponse<String>>> answers = new ArrayList<>();
      for (int i = 0; i < 8; i++) {
        answers.add(
            pool.submit(
                () -> {
                  go.await();
                  return browser.get(app.url("/messages"));
                }));
      }
      go.countDown();
      for (Future<HttpResponse<String>> answer : answers) {
        assertEquals(200, answer.get().statusCode(), answer.get().body());
      }
    } finally {
      pool.shutdownNow();
    }

    assertEquals(refreshes + 1, server.tokenRequests("refresh_token"), "counted inside the server");
  }

  @Test
  void disconnectLeavesTheRefreshTokenDeadAtTheServer() throws Exception {
    start(BASIC);
    signIn();
    String refreshToken = refreshToken();
    assertTrue(isActive(BASIC, refreshToken));
    int revocations = server.requests("POST", "/oauth2/revoke");

    HttpResponse<String> page = browser.submitForm(app.url("/"), "form#disconnect");

    assertEquals(200, page.statusCode());
    assertTrue(Jsoup.parse(page.body()).text().contains("Google has revoked it"), page.body());
    assertEquals(revocations + 1, server.requests("POST", "/oauth2/revoke"));
    assertEquals(0, app.grantCount());
    // Asked directly: the refresh grant is refused, and introspection calls it inactive.
    assertOAuthError(server.refreshDirectly(BASIC, refreshToken), "invalid_grant");
    assertFalse(isActive(BASIC, refreshToken));
  }

  @Test
  void cancellingOnTheServersConsentPageIsAccessDeniedAndNoTokenIsAsked() throws Exception {
    start(CONSENT);
    int exchanges = server.tokenRequests("authorization_code");
    HttpResponse<String> consent =
        loginAtServer(Browser.location(browser.get(app.url("/authorize"))));
    assertEquals(200, consent.statusCode(), "the server's consent page");
    Document page = Jsoup.parse(consent.body(), consent.uri().toString());
    Element form = page.selectFirst("form[name=consent_form]");
    assertNotNull(form, consent.body());

    // "Cancel" resets the form and submits it: the hidden fields, no scope.
    Map<String, String> fields = new LinkedHashMap<>();
    for (Element input : form.select("input[type=hidden]")) {
      fields.put(input.attr("name"), input.attr("value"));
    }
    HttpResponse<String> back = browser.post(form.absUrl("action"), fields);
    String callback = Browser.location(back);
    assertEquals("access_denied", Query.param(callback, "error"), callback);

    HttpResponse<String> answer = browser.get(callback);
    assertEquals(200, answer.statusCode());
    assertTrue(answer.body().contains("Sign-in cancelled"), answer.body());
    assertEquals(exchanges, server.tokenRequests("authorization_code"), "no code, no exchange");
    assertEquals(0, app.grantCount());
  }

  @Test
  void aRefreshTokenTheServerNoLongerKnowsIsInvalidGrantAndSendsThePersonThroughConsent()
      throws Exception {
    start(BASIC);
    signIn();
    // Revoked at the server behind the app's back (by an administrator, or the person elsewhere).
    assertEquals(200, server.revoke(BASIC, refreshToken()).statusCode());
    app.clock.advance(Duration.ofMinutes(10));

    HttpResponse<String> messages = browser.get(app.url("/messages"));

    assertEquals(302, messages.statusCode(), messages.body());
    assertTrue(
        Browser.location(messages).startsWith(app.url("/authorize?")), Browser.location(messages));
    assertEquals(0, app.grantCount(), "a dead grant is forgotten");
  }

  @Test
  void aSecretTheServerRefusesIsAConfigurationErrorAtSignIn() throws Exception {
    start(
        new SpringAuthorizationServer.Client(
            BASIC.id(), "not-the-secret", BASIC.authenticationMethod(), false, false));

    HttpResponse<String> callback =
        browser.get(
            loginAtServer(Browser.location(browser.get(app.url("/authorize"))))
                .headers()
                .firstValue("Location")
                .orElseThrow());

    ClientAuthenticationTest.assertConfigurationErrorPage(callback);
    assertEquals(0, app.grantCount());
  }

  // ---------------------------------------------------------------------------------------------

  /** The app, configured for {@code client} at the server, with Gmail behind the adapter. */
  private void start(SpringAuthorizationServer.Client client) throws Exception {
    adapter =
        new ThirdPartyTokenAdapter(
            this::introspect,
            (google, subject) ->
                SpringAuthorizationServer.USER.equals(subject) ? google.defaultUser() : null);
    JsonObject web = new JsonObject();
    web.addProperty("client_id", client.id());
    web.addProperty("client_secret", client.secret());
    web.addProperty("auth_uri", server.authorizationUri());
    web.addProperty("token_uri", server.tokenUri());
    JsonObject file = new JsonObject();
    file.add("web", web);
    Path secrets = Files.writeString(dir.resolve("spring_client_secrets.json"), file.toString());
    app =
        TestApp.startOnLoopback(
            dir,
            Map.of(
                AppConfig.GOOGLE_CLIENT_SECRETS, secrets.toString(),
                AppConfig.GOOGLE_REVOKE_URI, server.revocationUri(),
                AppConfig.GOOGLE_API_ROOT_URL, adapter.rootUrl(),
                AppConfig.TOKEN_ENDPOINT_AUTH_METHOD, client.authenticationMethod()));
    adapter.forwardTo(app.google);
    userId = app.google.defaultUser().id();
    introspectAs = client;
  }

  private SpringAuthorizationServer.Client introspectAs;

  /**
   * The adapter's question to the server: is this access token active, for whom, with what scopes?
   */
  private ThirdPartyTokenAdapter.Active introspect(String token)
      throws java.io.IOException, InterruptedException {
    HttpResponse<String> answer = server.introspect(introspectAs, token);
    JsonObject o = JsonParser.parseString(answer.body()).getAsJsonObject();
    if (answer.statusCode() != 200 || !o.get("active").getAsBoolean()) {
      return null;
    }
    String scope = o.has("scope") ? o.get("scope").getAsString() : "";
    return new ThirdPartyTokenAdapter.Active(
        o.get("sub").getAsString(), Arrays.asList(scope.split(" ")));
  }

  /** From the app's /authorize, through the server's login form, back to the app, signed in. */
  private void signIn() throws Exception {
    HttpResponse<String> toServer = browser.get(app.url("/authorize"));
    assertEquals(302, toServer.statusCode());
    String authorize = Browser.location(toServer);
    assertTrue(authorize.startsWith(server.authorizationUri() + "?"), authorize);
    assertEquals("S256", Query.param(authorize, "code_challenge_method"));

    HttpResponse<String> back = loginAtServer(authorize);
    assertEquals(302, back.statusCode(), back.body());
    String callback = Browser.location(back);
    assertTrue(callback.startsWith(app.url("/oauth2callback?")), callback);
    assertNotNull(Query.param(callback, "code"), callback);

    HttpResponse<String> signedIn = browser.get(callback);
    assertEquals(302, signedIn.statusCode(), signedIn.body());
    assertEquals(app.url("/messages"), Browser.location(signedIn));
    assertFalse(app.grantRow(userId).isEmpty());
  }

  /**
   * At the server: its authorization endpoint sends an unknown browser to its login form; the form
   * posted with the user's password leads back to the authorization request, which answers the
   * redirect to the app (or the consent page). Answers that last answer.
   */
  private HttpResponse<String> loginAtServer(String authorize) throws Exception {
    HttpResponse<String> toLogin = browser.get(authorize);
    assertEquals(302, toLogin.statusCode(), toLogin.body());
    String loginUrl = Browser.location(toLogin);
    HttpResponse<String> loginPage = browser.get(loginUrl);
    assertEquals(200, loginPage.statusCode());
    Element form = Jsoup.parse(loginPage.body(), loginUrl).selectFirst("form");
    assertNotNull(form, loginPage.body());
    Map<String, String> fields = new LinkedHashMap<>();
    for (Element input : form.select("input[type=hidden]")) {
      fields.put(input.attr("name"), input.attr("value"));
    }
    fields.put("username", SpringAuthorizationServer.USER);
    fields.put("password", SpringAuthorizationServer.PASSWORD);
    HttpResponse<String> loggedIn = browser.post(form.absUrl("action"), fields);
    assertEquals(302, loggedIn.statusCode(), loggedIn.body());
    return browser.get(Browser.location(loggedIn));
  }

  private String refreshToken() throws Exception {
    return (String) app.grantRow(userId).get("refresh_token");
  }

  private static boolean isActive(SpringAuthorizationServer.Client client, String token)
      throws Exception {
    HttpResponse<String> answer = server.introspect(client, token);
    assertEquals(200, answer.statusCode(), answer.body());
    return JsonParser.parseString(answer.body()).getAsJsonObject().get("active").getAsBoolean();
  }

  private static void assertOAuthError(HttpResponse<String> answer, String error) {
    assertEquals(400, answer.statusCode(), answer.body());
    assertEquals(
        error, JsonParser.parseString(answer.body()).getAsJsonObject().get("error").getAsString());
  }
}
