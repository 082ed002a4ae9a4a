package io.github.gmailoauth.oauth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.gmailoauth.AppConfig;
import io.github.gmailoauth.standin.RecordedRequest;
import io.github.gmailoauth.testing.Browser;
import io.github.gmailoauth.testing.SignedInPage;
import io.github.gmailoauth.testing.TestApp;
import io.github.gmailoauth.web.Problems;
import java.net.ServerSocket;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.logging.SimpleFormatter;
import org.jsoup.Jsoup;
import org.jsoup.nodes.Document;
import org.jsoup.nodes.Element;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code POST /disconnect} over real HTTP against the stand-in Google: what the page says, what
 * Google's revocation endpoint received, what is left in the database and in the session.
 */
class DisconnectTest {
  private static final String HOME_FORM = "form#disconnect";

  @TempDir Path dir;
  TestApp app;
  Browser browser = new Browser();

  @AfterEach
  void stop() throws Exception {
    if (app != null) {
      app.close();
    }
  }

  @Test
  void theButtonRevokesAtGoogleDeletesTheGrantAndEndsTheSession() throws Exception {
    app = TestApp.start(dir);
    String userId = app.google.defaultUser().id();
    app.signIn(browser);
    String refreshToken = (String) app.grantRow(userId).get("refresh_token");
    assertNotNull(refreshToken);
    String cookie = browser.cookieHeader();

    // The signed-in home page carries the button, a POST form with the session's form token.
    Document home = Jsoup.parse(browser.get(app.url("/")).body(), app.url("/"));
    Element form = home.selectFirst(HOME_FORM);
    assertNotNull(form, "a signed-in home page has the Disconnect button");
    assertEquals("post", form.attr("method"));
    assertEquals(app.url("/disconnect"), form.absUrl("action"));
    assertEquals("Disconnect Google account", form.selectFirst("button[type=submit]").text());
    assertEquals(
        home.selectFirst("form[action$=/logout] input[name=csrf]").val(),
        form.selectFirst("input[type=hidden][name=csrf]").val());

    List<String> logs = new ArrayList<>();
    HttpResponse<String> page =
        withLogsCaptured(logs, () -> browser.submitForm(app.url("/"), HOME_FORM));

    // The answer: done, said plainly, nobody signed in any more, and no token anywhere.
    assertEquals(200, page.statusCode());
    assertTrue(page.body().contains("This app no longer has access to your Gmail"), page.body());
    Document done = Jsoup.parse(page.body(), app.url("/disconnect"));
    assertNull(done.getElementById("google-connections"), "nothing left to do at Google");
    assertNotNull(done.selectFirst("a[href=/]"), "a way home");
    assertNull(SignedInPage.email(page.body()));
    assertNoToken(page, logs);

    // Google: exactly one revocation, the stored refresh token in a form body, never in the URL.
    List<RecordedRequest> revokes = app.google.requests("POST", "/revoke");
    assertEquals(1, revokes.size());
    RecordedRequest revoke = revokes.get(0);
    assertEquals(refreshToken, revoke.formParam("token"));
    assertTrue(
        revoke.header("content-type").startsWith("application/x-www-form-urlencoded"),
        revoke.header("content-type"));
    assertTrue(revoke.query().isEmpty(), "the token never travels in the URL");
    // RFC 7009 §2.1: the client authenticates as at the token endpoint (Basic by default), and
    // says which kind of token this is.
    assertEquals("refresh_token", revoke.formParam("token_type_hint"));
    assertEquals(
        "Basic "
            + Base64.getEncoder()
                .encodeToString(
                    (app.google.clientId() + ":" + app.google.clientSecret())
                        .getBytes(StandardCharsets.UTF_8)),
        revoke.header("authorization"));
    assertNull(revoke.formParam("client_secret"), "the secret travels once, in the header");

    // Here: the grant is gone, and the old session cookie is worthless.
    assertEquals(0, app.grantCount());
    HttpResponse<String> replay = withCookie(app.url("/messages"), cookie);
    assertEquals(302, replay.statusCode());
    assertTrue(
        Browser.location(replay).startsWith(app.url("/authorize")), Browser.location(replay));

    // And at Google the token is dead: a refresh with it is refused.
    HttpResponse<String> refresh = refreshAtGoogle(refreshToken);
    assertEquals(400, refresh.statusCode());
    assertTrue(refresh.body().contains("invalid_grant"), refresh.body());
  }

  @Test
  void theButtonIsOnlyOnSignedInPages() throws Exception {
    app = TestApp.start(dir);
    assertNull(
        Jsoup.parse(browser.get(app.url("/")).body()).selectFirst("form[action$=/disconnect]"));
    app.signIn(browser);
    assertNotNull(
        Jsoup.parse(browser.get(app.url("/")).body()).selectFirst("form[action$=/disconnect]"));
  }

  @Test
  void aTokenGoogleAlreadyRevokedCountsAsDisconnected() throws Exception {
    app = TestApp.start(dir);
    String userId = app.google.defaultUser().id();
    app.signIn(browser);
    String refreshToken = (String) app.grantRow(userId).get("refresh_token");
    // The person removed the app in their Google Account first: Google answers 400 invalid_token.
    app.google.revokeRefreshTokens();

    HttpResponse<String> page = browser.submitForm(app.url("/"), HOME_FORM);

    assertEquals(200, page.statusCode());
    assertTrue(page.body().contains("This app no longer has access to your Gmail"), page.body());
    assertNull(Jsoup.parse(page.body()).getElementById("google-connections"));
    assertEquals(1, app.google.requests("POST", "/revoke").size());
    assertEquals(refreshToken, app.google.requests("POST", "/revoke").get(0).formParam("token"));
    assertEquals(0, app.grantCount());
    assertEquals(302, browser.get(app.url("/messages")).statusCode(), "signed out");
    assertNoToken(page, List.of());
  }

  @Test
  void whenGoogleAnswersBadlyTheGrantIsStillDeletedAndThePagePointsToTheGoogleAccount()
      throws Exception {
    app = TestApp.start(dir);
    String userId = app.google.defaultUser().id();
    record BadAnswer(int status, String contentType, String body) {}
    List<BadAnswer> answers =
        List.of(
            new BadAnswer(503, "text/html", "<html><body>Service Unavailable</body></html>"),
            new BadAnswer(500, "application/json", "{\"error\": \"internal_failure\"}"),
            new BadAnswer(400, "application/json", "{\"error\": \"invalid_request\"}"),
            new BadAnswer(400, "text/html", "<html>not an OAuth answer</html>"),
            new BadAnswer(401, "application/json", "{\"error\": \"invalid_client\"}"));
    for (BadAnswer bad : answers) {
      Browser person = new Browser();
      app.signIn(person);
      String refreshToken = (String) app.grantRow(userId).get("refresh_token");
      String cookie = person.cookieHeader();
      int revokesBefore = app.google.requests("POST", "/revoke").size();
      app.google.answerNext(
          "POST",
          "/revoke",
          bad.status(),
          bad.contentType(),
          bad.body().getBytes(StandardCharsets.UTF_8),
          1);

      List<String> logs = new ArrayList<>();
      HttpResponse<String> page =
          withLogsCaptured(logs, () -> person.submitForm(app.url("/"), HOME_FORM));

      String what = bad.status() + " " + bad.body();
      assertTrue(
          logs.stream()
              .anyMatch(l -> l.contains("WARNING") && l.contains("answered " + bad.status())),
          what + ": operators see what Google answered: " + logs);
      assertTrue(
          logs.stream()
              .anyMatch(
                  l -> l.contains("could not revoke") && l.contains("answered " + bad.status())),
          what + ": operators see what Google answered: " + logs);
      assertEquals(200, page.statusCode(), what);
      // Google answered: the page says it refused, never that it could not be reached.
      assertDisconnectedHereOnly(
          page,
          what,
          bad.body().contains("invalid_client")
              ? "but Google did not accept this app's own credentials, so it could not revoke it"
              : "but Google answered with an error and did not revoke it");
      assertEquals(revokesBefore + 1, app.google.requests("POST", "/revoke").size(), what);
      assertEquals(0, app.grantCount(), what);
      assertEquals(302, withCookie(app.url("/messages"), cookie).statusCode(), what);
      assertFalse(
          page.body().contains("Service Unavailable") || page.body().contains("OAuth answer"),
          "Google's answer is not shown");
      // Google never revoked it: that is why the page sends the person to their Google Account.
      assertEquals(200, refreshAtGoogle(refreshToken).statusCode(), what);
      assertNoToken(page, logs);
    }
  }

  @Test
  void whenGoogleCannotBeReachedTheGrantIsStillDeletedAndThePagePointsToTheGoogleAccount()
      throws Exception {
    int closedPort;
    try (ServerSocket socket = new ServerSocket(0)) {
      closedPort = socket.getLocalPort();
    }
    app =
        TestApp.start(
            dir, Map.of(AppConfig.GOOGLE_REVOKE_URI, "http://127.0.0.1:" + closedPort + "/revoke"));
    app.signIn(browser);
    String cookie = browser.cookieHeader();

    List<String> logs = new ArrayList<>();
    HttpResponse<String> page =
        withLogsCaptured(logs, () -> browser.submitForm(app.url("/"), HOME_FORM));

    assertEquals(200, page.statusCode());
    assertDisconnectedHereOnly(
        page, "connection refused", "but Google could not be reached to revoke it");
    assertTrue(app.google.requests("POST", "/revoke").isEmpty());
    assertEquals(0, app.grantCount());
    assertEquals(302, withCookie(app.url("/messages"), cookie).statusCode(), "session ended");
    assertTrue(
        logs.stream().anyMatch(l -> l.contains("could not revoke")), "operators see the failure");
    assertNoToken(page, logs);
  }

  @Test
  void withoutTheFormTokenOrFromAnotherSiteNothingHappens() throws Exception {
    app = TestApp.start(dir);
    String userId = app.google.defaultUser().id();
    app.signIn(browser);
    Map<String, Object> before = app.grantRow(userId);
    String token =
        Jsoup.parse(browser.get(app.url("/")).body())
            .selectFirst(HOME_FORM + " input[name=csrf]")
            .val();
    String cookie = browser.cookieHeader();

    List<HttpResponse<String>> refused = new ArrayList<>();
    refused.add(browser.post(app.url("/disconnect"), Map.of()));
    refused.add(browser.post(app.url("/disconnect"), Map.of("csrf", "forged")));
    refused.add(browser.post(app.url("/disconnect"), Map.of("csrf", token + "x")));
    refused.add(
        send(
            HttpRequest.newBuilder(URI.create(app.url("/disconnect")))
                .header("Cookie", cookie)
                .header("Origin", "https://evil.example")
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString("csrf=" + token))
                .build()));
    refused.add(
        send(
            HttpRequest.newBuilder(URI.create(app.url("/disconnect")))
                .header("Cookie", cookie)
                .header("Sec-Fetch-Site", "cross-site")
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString("csrf=" + token))
                .build()));
    for (HttpResponse<String> answer : refused) {
      assertEquals(403, answer.statusCode());
      assertNoToken(answer, List.of());
    }

    assertTrue(app.google.requests("POST", "/revoke").isEmpty(), "Google was not asked");
    assertEquals(
        before.get("refresh_token"), app.grantRow(userId).get("refresh_token"), "grant kept");
    assertEquals(1, app.grantCount());
    HttpResponse<String> messages = browser.get(app.url("/messages"));
    assertEquals(200, messages.statusCode(), "still signed in");
    assertEquals(app.google.defaultUser().email(), SignedInPage.email(messages.body()));
  }

  @Test
  void getAndHeadAreRefusedAndChangeNothing() throws Exception {
    app = TestApp.start(dir);
    String userId = app.google.defaultUser().id();
    app.signIn(browser);
    String token =
        Jsoup.parse(browser.get(app.url("/")).body())
            .selectFirst(HOME_FORM + " input[name=csrf]")
            .val();

    HttpResponse<String> get = browser.get(app.url("/disconnect"));
    assertEquals(405, get.statusCode());
    assertEquals(
        405,
        browser
            .get(app.url("/disconnect?csrf=" + URLEncoder.encode(token, StandardCharsets.UTF_8)))
            .statusCode());
    HttpResponse<String> head =
        send(
            HttpRequest.newBuilder(URI.create(app.url("/disconnect")))
                .header("Cookie", browser.cookieHeader())
                .method("HEAD", HttpRequest.BodyPublishers.noBody())
                .build());
    assertEquals(405, head.statusCode());
    assertNoToken(get, List.of());

    assertTrue(app.google.requests("POST", "/revoke").isEmpty());
    assertTrue(app.google.requests("GET", "/revoke").isEmpty());
    assertEquals(1, app.grantCount());
    assertFalse(app.grantRow(userId).isEmpty());
    assertEquals(200, browser.get(app.url("/messages")).statusCode(), "still signed in");
  }

  @Test
  void withoutASignedInUserNothingIsRevoked() throws Exception {
    app = TestApp.start(dir);

    // A fresh browser has no session and so no form token: refused before the servlet.
    Browser stranger = new Browser();
    assertEquals(
        403, stranger.post(app.url("/disconnect"), Map.of("csrf", "anything")).statusCode());

    // A session that has a form token but no user any more: Google refused the tokens, and the
    // message list forgot who the session belonged to.
    app.signIn(browser);
    String token =
        Jsoup.parse(browser.get(app.url("/")).body())
            .selectFirst(HOME_FORM + " input[name=csrf]")
            .val();
    app.google.revokeAccessTokens();
    app.google.revokeRefreshTokens();
    assertEquals(302, browser.get(app.url("/messages")).statusCode());
    assertNull(SignedInPage.email(browser.get(app.url("/")).body()), "the session has no user now");
    int grants = app.grantCount();

    HttpResponse<String> answer = browser.post(app.url("/disconnect"), Map.of("csrf", token));
    assertEquals(302, answer.statusCode());
    assertEquals(app.url("/"), Browser.location(answer));
    assertTrue(app.google.requests("POST", "/revoke").isEmpty(), "Google was not asked");
    assertEquals(grants, app.grantCount(), "nothing deleted on behalf of nobody");
  }

  @Test
  void aGrantThatNoLongerDecryptsIsDeletedWithoutARevocationAndThePagePointsToTheGoogleAccount()
      throws Exception {
    app = TestApp.start(dir);
    String userId = app.google.defaultUser().id();
    app.signIn(browser);
    // One bit of the stored refresh token's tag flipped (a tampered row, or one under a lost key):
    // the app cannot know the token, so it cannot revoke it.
    String sealed = (String) app.rawGrantRow(userId).get("refresh_token");
    byte[] bytes = Base64.getDecoder().decode(sealed);
    bytes[bytes.length - 1] ^= 0x40;
    try (Connection c = DriverManager.getConnection(app.databaseUrl);
        PreparedStatement ps =
            c.prepareStatement("UPDATE google_grant SET refresh_token = ? WHERE user_id = ?")) {
      ps.setString(1, Base64.getEncoder().encodeToString(bytes));
      ps.setString(2, userId);
      assertEquals(1, ps.executeUpdate());
    }

    HttpResponse<String> page = browser.submitForm(app.url("/"), HOME_FORM);

    assertEquals(200, page.statusCode());
    assertTrue(page.body().contains("held no usable access"), page.body());
    Element link = Jsoup.parse(page.body()).getElementById("google-connections");
    assertNotNull(link, "Google still holds the grant: the person is sent there");
    assertEquals(Problems.GOOGLE_CONNECTIONS_URL, link.attr("href"));
    assertTrue(app.google.requests("POST", "/revoke").isEmpty());
    assertEquals(0, app.grantCount(), "the undecryptable row is deleted too");
    assertEquals(302, browser.get(app.url("/messages")).statusCode(), "signed out");
    assertNoToken(page, List.of());
  }

  // ---------------------------------------------------------------------------------------------

  /** The page for "deleted here, Google did not confirm": says so, links to the Google Account. */
  private void assertDisconnectedHereOnly(HttpResponse<String> page, String what, String why) {
    Document doc = Jsoup.parse(page.body());
    assertTrue(
        doc.text().contains("This app has deleted its access to your Gmail, " + why),
        what + ": " + page.body());
    Element link = doc.getElementById("google-connections");
    assertNotNull(link, what);
    assertEquals(Problems.GOOGLE_CONNECTIONS_URL, link.attr("href"), what);
    assertEquals("https://myaccount.google.com/connections", link.attr("href"));
    assertNull(SignedInPage.email(page.body()), what);
  }

  /** No token the stand-in ever issued is in the answer (body or headers) or in {@code logs}. */
  private void assertNoToken(HttpResponse<String> answer, List<String> logs) {
    List<String> tokens = new ArrayList<>(app.google.issuedRefreshTokens());
    tokens.addAll(app.google.issuedAccessTokens());
    assertFalse(tokens.isEmpty());
    String headers = answer.headers().map().toString();
    String log = String.join("\n", logs);
    for (String token : tokens) {
      assertFalse(answer.body().contains(token), "a token on the page");
      assertFalse(headers.contains(token), "a token in a header");
      assertFalse(log.contains(token), "a token in the log");
    }
  }

  interface Exchange {
    HttpResponse<String> run() throws Exception;
  }

  /**
   * Runs {@code exchange} with the app's and the Google libraries' loggers at ALL, collecting every
   * record (formatted, with its parameters) into {@code into}.
   */
  private static HttpResponse<String> withLogsCaptured(List<String> into, Exchange exchange)
      throws Exception {
    SimpleFormatter formatter = new SimpleFormatter();
    Handler handler =
        new Handler() {
          @Override
          public synchronized void publish(LogRecord record) {
            StringBuilder line = new StringBuilder(formatter.format(record));
            if (record.getParameters() != null) {
              for (Object p : record.getParameters()) {
                line.append(' ').append(p);
              }
            }
            into.add(line.toString());
          }

          @Override
          public void flush() {}

          @Override
          public void close() {}
        };
    handler.setLevel(Level.ALL);
    List<Logger> loggers = new ArrayList<>();
    List<Level> levels = new ArrayList<>();
    for (String name : List.of("io.github.gmailoauth", "com.google.api.client")) {
      Logger logger = Logger.getLogger(name);
      loggers.add(logger);
      levels.add(logger.getLevel());
      logger.setLevel(Level.ALL);
      logger.addHandler(handler);
    }
    try {
      return exchange.run();
    } finally {
      for (int i = 0; i < loggers.size(); i++) {
        loggers.get(i).removeHandler(handler);
        loggers.get(i).setLevel(levels.get(i));
      }
    }
  }

  /** grant_type=refresh_token straight at the stand-in, as the app would send it. */
  private HttpResponse<String> refreshAtGoogle(String refreshToken) throws Exception {
    String body =
        "grant_type=refresh_token"
            + "&client_id="
            + enc(app.google.clientId())
            + "&client_secret="
            + enc(app.google.clientSecret())
            + "&refresh_token="
            + enc(refreshToken);
    return send(
        HttpRequest.newBuilder(URI.create(app.google.tokenUri()))
            .header("Content-Type", "application/x-www-form-urlencoded")
            .POST(HttpRequest.BodyPublishers.ofString(body))
            .build());
  }

  private static HttpResponse<String> withCookie(String url, String cookie) throws Exception {
    return send(HttpRequest.newBuilder(URI.create(url)).header("Cookie", cookie).build());
  }

  private static HttpResponse<String> send(HttpRequest request) throws Exception {
    return HttpClient.newHttpClient().send(request, HttpResponse.BodyHandlers.ofString());
  }

  private static String enc(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8);
  }
}
