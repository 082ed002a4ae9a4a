package io.github.gmailoauth.oauth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.github.gmailoauth.AppConfig;
import io.github.gmailoauth.standin.RecordedRequest;
import io.github.gmailoauth.testing.Browser;
import io.github.gmailoauth.testing.TestApp;
import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.jsoup.Jsoup;
import org.jsoup.nodes.Document;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * How the app authenticates as the client at the token and revocation endpoints (RFC 6749 §2.3.1,
 * RFC 7009 §2.1), and what happens when the server refuses the client ({@code invalid_client}): a
 * configuration error, not something a person can fix by trying again. The real third-party oracle
 * for the same is {@link SpringAuthorizationServerTest}.
 */
class ClientAuthenticationTest {
  /** A secret with every character Basic authentication gets wrong without form-encoding first. */
  static final String AWKWARD_SECRET = "s3cr:t+with spaces%and/ü=&";

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
  void byDefaultTheExchangeTheRefreshAndTheRevocationUseBasicWithFormEncodedCredentials()
      throws Exception {
    app = startWithSecret(AWKWARD_SECRET, Map.of());
    String clientId = app.google.clientId();
    String expected =
        "Basic "
            + Base64.getEncoder()
                .encodeToString(
                    (form(clientId) + ":" + form(AWKWARD_SECRET)).getBytes(StandardCharsets.UTF_8));

    HttpResponse<String> callback = app.signIn(browser);
    assertEquals(app.url("/messages"), Browser.location(callback), callback.body());
    app.clock.advance(Duration.ofHours(2)); // the access token has expired: the list refreshes it
    assertEquals(200, browser.get(app.url("/messages")).statusCode());
    assertEquals(200, browser.submitForm(app.url("/"), "form#disconnect").statusCode());
    assertEquals(1, app.google.revokedTokens().size(), "revoked");

    List<RecordedRequest> calls = new ArrayList<>(app.google.requests("POST", "/token"));
    calls.addAll(app.google.requests("POST", "/revoke"));
    assertEquals(3, calls.size());
    for (RecordedRequest call : calls) {
      assertEquals(expected, call.header("authorization"), call.path());
      assertNull(call.formParam("client_secret"), "the secret travels once, in the header");
      assertNull(
          call.formParam("client_id"), "RFC 6749 §4.1.3: client_id only when not authenticating");
    }
  }

  @Test
  void withClientSecretPostTheCredentialsTravelInTheFormBody() throws Exception {
    app =
        startWithSecret(
            AWKWARD_SECRET, Map.of(AppConfig.TOKEN_ENDPOINT_AUTH_METHOD, "client_secret_post"));

    app.signIn(browser);
    app.clock.advance(Duration.ofHours(2));
    assertEquals(200, browser.get(app.url("/messages")).statusCode());
    assertEquals(200, browser.submitForm(app.url("/"), "form#disconnect").statusCode());
    assertEquals(1, app.google.revokedTokens().size(), "revoked");

    List<RecordedRequest> calls = new ArrayList<>(app.google.requests("POST", "/token"));
    calls.addAll(app.google.requests("POST", "/revoke"));
    assertEquals(3, calls.size());
    for (RecordedRequest call : calls) {
      assertNull(call.header("authorization"), call.path());
      assertEquals(app.google.clientId(), call.formParam("client_id"), call.path());
      assertEquals(AWKWARD_SECRET, call.formParam("client_secret"), call.path());
    }
  }

  @Test
  void aClientRefusedAtSignInIsAConfigurationErrorThatDoesNotAskToRetryAndIsLoggedOnce()
      throws Exception {
    app = TestApp.start(dir);
    // The secret was rotated at the server, and the app still has the old one.
    app.google.setAcceptedClientSecret("rotated-at-the-server");

    List<LogRecord> logs = new ArrayList<>();
    List<HttpResponse<String>> answers = new ArrayList<>();
    withLogsCaptured(
        logs,
        () -> {
          answers.add(app.signIn(browser));
          answers.add(app.signIn(new Browser()));
        });

    for (HttpResponse<String> answer : answers) {
      assertConfigurationErrorPage(answer);
    }
    assertEquals(2, app.google.tokenCalls("authorization_code"));
    assertEquals(0, app.grantCount());
    assertEquals(
        1,
        warningsAbout(logs, "invalid_client"),
        "once per cause, not per request: " + messages(logs));
  }

  @Test
  void aClientRefusedAtRefreshShowsTheConfigurationErrorKeepsTheGrantAndIsLoggedOnce()
      throws Exception {
    app = TestApp.start(dir);
    String userId = app.google.defaultUser().id();
    app.signIn(browser);
    String refreshToken = (String) app.grantRow(userId).get("refresh_token");
    app.google.setAcceptedClientSecret("rotated-at-the-server");
    app.clock.advance(Duration.ofHours(2));

    List<LogRecord> logs = new ArrayList<>();
    List<HttpResponse<String>> answers = new ArrayList<>();
    withLogsCaptured(
        logs,
        () -> {
          answers.add(browser.get(app.url("/messages")));
          answers.add(browser.get(app.url("/messages")));
        });

    for (HttpResponse<String> answer : answers) {
      assertConfigurationErrorPage(answer);
      assertTrue(answer.headers().firstValue("Retry-After").isEmpty(), "no invitation to retry");
    }
    assertEquals(2, app.google.tokenCalls("refresh_token"));
    assertEquals(
        1,
        warningsAbout(logs, "invalid_client"),
        "once per cause, not per request: " + messages(logs));
    assertEquals(
        refreshToken,
        app.grantRow(userId).get("refresh_token"),
        "the grant is not the problem: kept");

    // Once the operator fixes the secret, the same session lists mail again.
    app.google.setAcceptedClientSecret(app.google.clientSecret());
    assertEquals(200, browser.get(app.url("/messages")).statusCode());
  }

  // ---------------------------------------------------------------------------------------------

  /**
   * The app, restarted with a client_secrets.json whose secret is {@code secret}, which the
   * stand-in accepts.
   */
  private TestApp startWithSecret(String secret, Map<String, String> settings) throws Exception {
    TestApp started = TestApp.start(dir, settings);
    Path original =
        started.google.writeClientSecrets(Files.createDirectories(dir.resolve("original")));
    JsonObject file = JsonParser.parseString(Files.readString(original)).getAsJsonObject();
    file.getAsJsonObject("web").addProperty("client_secret", secret);
    Path secrets = Files.writeString(dir.resolve("awkward_client_secrets.json"), file.toString());
    started.restart(Map.of(AppConfig.GOOGLE_CLIENT_SECRETS, secrets.toString()));
    started.google.setAcceptedClientSecret(secret);
    return started;
  }

  private static String form(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8);
  }

  /** A page that says the app itself is misconfigured, and offers no way to try again. */
  static void assertConfigurationErrorPage(HttpResponse<String> answer) {
    assertEquals(500, answer.statusCode(), answer.body());
    Document page = Jsoup.parse(answer.body());
    String text = page.text();
    assertTrue(text.contains("did not accept this app"), text);
    assertTrue(text.contains("trying again will not help"), text);
    assertNull(page.selectFirst("main a.button"), "no button to try again: " + answer.body());
    assertFalse(text.toLowerCase(java.util.Locale.ROOT).contains("please try again"), text);
    assertNotNull(page.selectFirst("h1"));
  }

  private static long warningsAbout(List<LogRecord> logs, String what) {
    return logs.stream()
        .filter(r -> r.getLevel().intValue() >= Level.WARNING.intValue())
        .filter(r -> message(r).contains(what))
        .count();
  }

  private static List<String> messages(List<LogRecord> logs) {
    return logs.stream().map(r -> r.getLevel() + " " + message(r)).toList();
  }

  private static String message(LogRecord r) {
    String text = r.getMessage();
    if (r.getParameters() != null) {
      text = java.text.MessageFormat.format(text, r.getParameters());
    }
    return text;
  }

  interface Work {
    void run() throws Exception;
  }

  /** Runs {@code work} collecting every record of the app's loggers into {@code into}. */
  static void withLogsCaptured(List<LogRecord> into, Work work) throws Exception {
    Handler handler =
        new Handler() {
          @Override
          public synchronized void publish(LogRecord record) {
            into.add(record);
          }

          @Override
          public void flush() {}

          @Override
          public void close() {}
        };
    handler.setLevel(Level.ALL);
    Logger logger = Logger.getLogger("io.github.gmailoauth");
    Level before = logger.getLevel();
    logger.setLevel(Level.ALL);
    logger.addHandler(handler);
    try {
      work.run();
    } finally {
      logger.removeHandler(handler);
      logger.setLevel(before);
    }
  }
}
