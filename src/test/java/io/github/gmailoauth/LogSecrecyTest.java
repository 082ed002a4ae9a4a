package io.github.gmailoauth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.gmailoauth.standin.RecordedRequest;
import io.github.gmailoauth.testing.AccessLogLine;
import io.github.gmailoauth.testing.Browser;
import io.github.gmailoauth.testing.Query;
import io.github.gmailoauth.testing.TestApp;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogManager;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.logging.SimpleFormatter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * With every java.util.logging logger at ALL (the app's, and the Google HTTP and OAuth libraries',
 * which log request bodies and Authorization headers at that level), a whole sign-in, refresh,
 * list, re-consent and sign-out leaves no token, code, state, verifier or secret in the output, nor
 * in the access log.
 */
class LogSecrecyTest {
  @TempDir Path dir;

  @Test
  void noSecretReachesAnyLogAtAnyLevel() throws Exception {
    StringBuilder captured = new StringBuilder();
    StringBuilder jdkHttpClientTrace = new StringBuilder();
    SimpleFormatter formatter = new SimpleFormatter();
    Handler handler =
        new Handler() {
          @Override
          public synchronized void publish(LogRecord record) {
            // The JDK's HttpClient and HttpServer trace every request line at FINE. The test's
            // browser is such a client and the stand-in Google such a server, and a browser's URLs
            // carry state and code by design (Google's redirect): that trace is kept apart and
            // checked for everything but those two.
            String name = record.getLoggerName() == null ? "" : record.getLoggerName();
            StringBuilder into =
                name.startsWith("jdk.internal.httpclient")
                        || name.startsWith("com.sun.net.httpserver")
                    ? jdkHttpClientTrace
                    : captured;
            into.append(formatter.format(record));
            if (record.getParameters() != null) {
              for (Object p : record.getParameters()) {
                into.append(' ').append(p);
              }
            }
          }

          @Override
          public void flush() {}

          @Override
          public void close() {}
        };
    handler.setLevel(Level.ALL);
    Logger root = LogManager.getLogManager().getLogger("");
    Level rootLevel = root.getLevel();
    List<Logger> turnedUp = new ArrayList<>();
    for (String name :
        List.of(
            "",
            "com.google",
            "com.google.api.client.http.HttpTransport",
            "com.google.api.client.http",
            "com.google.api.client.auth",
            "com.google.api.client.googleapis",
            "io.github.gmailoauth",
            "org.flywaydb",
            "com.zaxxer")) {
      Logger logger = Logger.getLogger(name);
      logger.setLevel(Level.ALL);
      turnedUp.add(logger); // strong references, so the levels stay set during the test
    }
    root.addHandler(handler);
    PrintStream out = System.out;
    PrintStream err = System.err;
    ByteArrayOutputStream console = new ByteArrayOutputStream();
    PrintStream tee = new PrintStream(console, true, StandardCharsets.UTF_8);
    System.setOut(tee);
    System.setErr(tee);

    List<String> secrets = new ArrayList<>();
    List<String> inBrowserUrls = new ArrayList<>();
    Path accessLog;
    try (TestApp app = TestApp.start(dir)) {
      accessLog = app.accessLog;
      Browser browser = new Browser();
      HttpResponse<String> toGoogle = browser.get(app.url("/authorize"));
      String consent = Browser.location(toGoogle);
      String back = Browser.location(browser.answerConsent(consent, true));
      assertEquals(302, browser.get(back).statusCode());
      assertEquals(200, browser.get(app.url("/messages")).statusCode());
      app.clock.advance(Duration.ofHours(2));
      assertEquals(200, browser.get(app.url("/messages")).statusCode());
      app.google.revokeAccessTokens();
      assertEquals(
          200, browser.get(app.url("/messages")).statusCode(), "a forced refresh after the 401");
      app.google.revokeRefreshTokens();
      app.google.revokeAccessTokens();
      assertEquals(
          302, browser.get(app.url("/messages")).statusCode(), "invalid_grant: consent again");
      app.signIn(browser);
      browser.signOut(app.url("/"));

      secrets.add(app.google.clientSecret());
      inBrowserUrls.add(Query.param(consent, "state"));
      for (RecordedRequest r : app.google.requests("POST", "/token")) {
        if (r.formParam("code_verifier") != null) {
          secrets.add(r.formParam("code_verifier"));
        }
        if (r.formParam("code") != null) {
          inBrowserUrls.add(r.formParam("code"));
        }
      }
      secrets.addAll(app.google.issuedAccessTokens());
      secrets.addAll(app.google.issuedRefreshTokens());
      secrets.add(TestApp.TOKEN_KEY);
    } finally {
      System.setOut(out);
      System.setErr(err);
      root.removeHandler(handler);
      root.setLevel(rootLevel);
      for (Logger logger : turnedUp) {
        logger.setLevel(null);
      }
      root.setLevel(rootLevel);
    }
    String log = captured + "\n" + console.toString(StandardCharsets.UTF_8);
    String everything = log + "\n" + jdkHttpClientTrace;
    assertTrue(log.contains("signed in"), "the capture works: the app's own INFO line is there");
    assertTrue(everything.length() > 100_000, "loggers really were at ALL: " + everything.length());
    assertTrue(
        secrets.size() >= 6 && inBrowserUrls.size() >= 3,
        secrets.size() + " " + inBrowserUrls.size());
    for (String secret : secrets) {
      assertAbsent(secret, everything);
    }
    for (String secret : inBrowserUrls) {
      assertAbsent(secret, log);
    }

    // The access log, whose lines carry the callback's path but never its query.
    List<String> accessLines = AccessLogLine.lines(accessLog);
    assertTrue(
        accessLines.stream().anyMatch(l -> l.contains(" /oauth2callback ")),
        String.join("\n", accessLines));
    String access = String.join("\n", accessLines);
    for (String secret : secrets) {
      assertAbsent(secret, access);
    }
    for (String secret : inBrowserUrls) {
      assertAbsent(secret, access);
    }
  }

  private static void assertAbsent(String secret, String log) {
    assertTrue(secret != null && secret.length() >= 8, "a real secret: " + secret);
    int at = log.indexOf(secret);
    assertFalse(
        at >= 0,
        "a secret reached the log: "
            + secret.substring(0, 4)
            + "… after: "
            + (at < 0 ? "" : log.substring(Math.max(0, at - 300), at)));
  }
}
