package io.github.gmailoauth.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.gmailoauth.testing.AccessLogLine;
import io.github.gmailoauth.testing.Browser;
import io.github.gmailoauth.testing.Query;
import io.github.gmailoauth.testing.TestApp;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.logging.Handler;
import java.util.logging.LogManager;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.logging.SimpleFormatter;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The access log has one line per request, with its status, its path (never its query) and its
 * request id; that id is the response's X-Request-Id and prefixes the app's log lines for the same
 * request. Incoming request ids are kept only when harmless.
 */
class RequestLogsTest {
  private static final Pattern GENERATED_ID = Pattern.compile("[A-Za-z0-9_-]{22}");

  @TempDir Path dir;
  TestApp app;
  Browser browser;
  final StringBuffer appLog = new StringBuffer();
  final Handler capture =
      new Handler() {
        private final SimpleFormatter formatter = new SimpleFormatter();

        @Override
        public void publish(LogRecord record) {
          appLog.append(formatter.format(record));
        }

        @Override
        public void flush() {}

        @Override
        public void close() {}
      };
  final Logger root = LogManager.getLogManager().getLogger("");

  @BeforeEach
  void start() throws Exception {
    root.addHandler(capture);
    app = TestApp.start(dir);
    browser = new Browser();
  }

  @AfterEach
  void stop() throws Exception {
    try {
      app.close();
    } finally {
      root.removeHandler(capture);
    }
  }

  @Test
  void everyRequestHasOneAccessLogLineWithItsStatusPathAndRequestId() throws Exception {
    List<HttpResponse<String>> responses = new ArrayList<>();
    responses.add(browser.get(app.url("/")));
    HttpResponse<String> messages = browser.get(app.url("/messages"));
    responses.add(messages);
    HttpResponse<String> authorize = browser.get(Browser.location(messages));
    responses.add(authorize);
    String callback = Browser.location(browser.answerConsent(Browser.location(authorize), true));
    responses.add(browser.get(callback));
    responses.add(browser.get(app.url("/messages")));
    responses.add(browser.get(app.url("/static/app.css")));
    responses.add(browser.get(app.url("/no-such-page")));
    assertEquals(
        List.of(200, 302, 302, 302, 200, 200, 404),
        responses.stream().map(HttpResponse::statusCode).toList());

    List<AccessLogLine> lines = AccessLogLine.await(app.accessLog, responses.size());
    assertEquals(
        responses.size(), lines.size(), "one line per request, nothing else:\n" + raw(lines));
    Set<String> ids = new HashSet<>();
    for (HttpResponse<String> response : responses) {
      String id = response.headers().firstValue("X-Request-Id").orElse(null);
      assertTrue(
          id != null && GENERATED_ID.matcher(id).matches(),
          response.uri() + " answered X-Request-Id " + id);
      assertTrue(ids.add(id), "ids are unique: " + id);
      List<AccessLogLine> mine = lines.stream().filter(l -> l.requestId().equals(id)).toList();
      assertEquals(1, mine.size(), "one line with " + id + ":\n" + raw(lines));
      AccessLogLine line = mine.get(0);
      assertEquals("GET", line.method());
      assertEquals(response.uri().getRawPath(), line.path());
      assertEquals("HTTP/1.1", line.protocol());
      assertEquals(response.statusCode(), line.status());
    }
    assertTrue(
        lines.stream().noneMatch(l -> l.raw().contains("?")), "no query string:\n" + raw(lines));
  }

  @Test
  void appLogLinesCarryTheRequestIdOfTheirRequest() throws Exception {
    HttpResponse<String> authorize = browser.get(app.url("/authorize"));
    String callback = Browser.location(browser.answerConsent(Browser.location(authorize), true));
    HttpResponse<String> signedIn = browser.get(callback);
    assertEquals(302, signedIn.statusCode());
    String id = signedIn.headers().firstValue("X-Request-Id").orElseThrow();

    String userId = app.google.defaultUser().id();
    assertTrue(
        appLog.toString().contains("[request_id=" + id + "] user " + userId + " signed in"),
        "the callback's log line carries its id " + id + ":\n" + appLog);
    AccessLogLine line =
        AccessLogLine.await(app.accessLog, 2).stream()
            .filter(l -> l.path().equals("/oauth2callback"))
            .findFirst()
            .orElseThrow();
    assertEquals(id, line.requestId(), "the access log names the same id");
    // Outside a request (start-up) there is no id, rather than a stale one.
    String startLine =
        appLog
            .toString()
            .lines()
            .filter(l -> l.contains("starting with AppConfig"))
            .findFirst()
            .orElseThrow(() -> new AssertionError("no start-up line in:\n" + appLog));
    assertFalse(startLine.contains("request_id"), startLine);
  }

  @Test
  void aHarmlessIncomingRequestIdIsKeptEverywhere() throws Exception {
    String fromProxy = "lb-7f3a.09_Z";
    HttpResponse<String> home = send("/", fromProxy);
    assertEquals(200, home.statusCode());
    assertEquals(fromProxy, home.headers().firstValue("X-Request-Id").orElse(null));
    AccessLogLine line = AccessLogLine.await(app.accessLog, 1).get(0);
    assertEquals(fromProxy, line.requestId());
    assertEquals("/", line.path());
  }

  @Test
  void hostileIncomingRequestIdsAreReplacedByFreshOnes() throws Exception {
    List<String> hostile =
        List.of(
            "two words",
            "\"quoted\" 200 0 0 forged",
            "a{0}b",
            "x".repeat(65),
            "semi;colon",
            "<script>",
            "../etc/passwd",
            "[request_id=forged]",
            "tab\there",
            "%0d%0aX");
    List<String> answered = new ArrayList<>();
    for (String value : hostile) {
      HttpResponse<String> response = send("/", value);
      assertEquals(200, response.statusCode());
      String id = response.headers().firstValue("X-Request-Id").orElse("");
      assertNotEquals(value, id);
      assertTrue(GENERATED_ID.matcher(id).matches(), "a fresh id instead of " + value + ": " + id);
      answered.add(id);
    }
    List<AccessLogLine> lines = AccessLogLine.await(app.accessLog, hostile.size());
    assertEquals(answered, lines.stream().map(AccessLogLine::requestId).toList());
    String log = raw(lines);
    for (String value : hostile) {
      assertFalse(log.contains(value), value + " reached the access log:\n" + log);
    }
  }

  @Test
  void queryStringsNeverReachTheAccessLog() throws Exception {
    HttpResponse<String> authorize =
        browser.get(app.url("/authorize?next=%2Fmessages%3Fq%3Dsecret-project"));
    String consent = Browser.location(authorize);
    String callback = Browser.location(browser.answerConsent(consent, true));
    browser.get(callback);
    assertEquals(
        200,
        browser
            .get(app.url("/messages?q=from%3Aalice+secret-project&labelIds=INBOX"))
            .statusCode());

    List<AccessLogLine> lines = AccessLogLine.await(app.accessLog, 3);
    String log = raw(lines);
    assertTrue(lines.stream().anyMatch(l -> l.path().equals("/oauth2callback")), log);
    for (String absent :
        List.of(
            "?",
            "secret-project",
            "code=",
            "state=",
            Query.param(callback, "code"),
            Query.param(callback, "state"),
            Query.param(consent, "state"))) {
      assertFalse(log.contains(absent), absent + " in the access log:\n" + log);
    }
  }

  private HttpResponse<String> send(String path, String requestId) throws Exception {
    HttpRequest request =
        HttpRequest.newBuilder(URI.create(app.url(path))).header("X-Request-Id", requestId).build();
    return HttpClient.newHttpClient().send(request, HttpResponse.BodyHandlers.ofString());
  }

  private static String raw(List<AccessLogLine> lines) {
    return String.join("\n", lines.stream().map(AccessLogLine::raw).toList());
  }
}
