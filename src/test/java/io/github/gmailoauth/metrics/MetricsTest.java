package io.github.gmailoauth.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.gmailoauth.AppConfig;
import io.github.gmailoauth.standin.RecordedRequest;
import io.github.gmailoauth.standin.RiscTransmitter;
import io.github.gmailoauth.standin.StandInUser;
import io.github.gmailoauth.testing.Browser;
import io.github.gmailoauth.testing.TestApp;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code GET /metrics} of a real app on Jetty against the stand-in Google (issue 16): the counts
 * move by exactly what happened, the scrape is only for the token's holder, creates no session, and
 * names nobody.
 */
class MetricsTest {
  static final String TOKEN = "test-metrics-token-0123456789abcdef0123456789";

  /** Where each upstream call goes on the stand-in: the truth the counts are held against. */
  private static final Map<String, String> CALL_PATHS =
      Map.of(
          "token", "POST /token",
          "userinfo", "GET /oauth2/v2/userinfo",
          "list", "GET /gmail/v1/users/me/messages",
          "batch", "POST /batch/gmail/v1",
          "history", "GET /gmail/v1/users/me/history",
          "profile", "GET /gmail/v1/users/me/profile");

  @TempDir Path dir;
  private final List<TestApp> apps = new ArrayList<>();

  private TestApp start(Map<String, String> settings) throws Exception {
    TestApp app = TestApp.start(dir.resolve("app" + apps.size()), settings);
    apps.add(app);
    return app;
  }

  @AfterEach
  void stop() throws Exception {
    for (TestApp app : apps) {
      app.close();
    }
  }

  private HttpResponse<String> get(String url, String authorization, String accept)
      throws Exception {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url)).GET();
    if (authorization != null) {
      request.header("Authorization", authorization);
    }
    if (accept != null) {
      request.header("Accept", accept);
    }
    // A connection of its own per request: Jetty's HTTP/1.1 parser keeps a per-connection cache of
    // header fields and matches it case-insensitively, so on one connection a header that differs
    // from an earlier one only in case can arrive spelled as the earlier one. Only what the same
    // client sent before comes back, so it grants nothing, but it would blur what each variant
    // below is answered.
    return HttpClient.newHttpClient().send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  private Scrape scrape(TestApp app) throws Exception {
    HttpResponse<String> answer = get(app.url("/metrics"), "Bearer " + TOKEN, null);
    assertEquals(200, answer.statusCode(), answer.body());
    return Scrape.parse(answer.body());
  }

  private static double delta(
      Scrape before, Scrape after, String name, Map<String, String> labels) {
    return after.sum(name, labels) - before.sum(name, labels);
  }

  private static void assertMoved(
      Scrape before, Scrape after, String name, String label, String value, double by) {
    assertEquals(by, delta(before, after, name, Map.of(label, value)), name + " " + value);
  }

  private static final String SIGNINS = "gmailoauth_signins_total";
  private static final String REFRESHES = "gmailoauth_token_refreshes_total";
  private static final String UPSTREAM = "gmailoauth_upstream_seconds_count";

  /** Only {@code outcome} of {@code name} moved, by one; every other outcome stayed. */
  private static void onlyOutcomeMoved(
      Scrape before, Scrape after, String name, String outcome, List<String> outcomes) {
    for (String other : outcomes) {
      assertMoved(before, after, name, "outcome", other, other.equals(outcome) ? 1 : 0);
    }
  }

  private static final List<String> SIGNIN_OUTCOMES =
      List.of(
          "completed",
          "denied",
          "state_refused",
          "error_at_google",
          "exchange_failed",
          "no_refresh_token",
          "not_saved");
  private static final List<String> REFRESH_OUTCOMES =
      List.of("refreshed", "reused", "invalid_grant", "unavailable", "deferred");

  private static Map<String, String> upstream(String call, String status) {
    return Map.of("call", call, "status", status);
  }

  @Test
  void theCountsMoveByExactlyWhatHappened() throws Exception {
    TestApp app = start(Map.of(AppConfig.METRICS_TOKEN, TOKEN));
    Browser browser = new Browser();
    app.google.clearRequests();
    Scrape start = scrape(app);

    // A sign-in: one completed, one code exchange, one userinfo.
    assertEquals(302, app.signIn(browser).statusCode());
    Scrape signedIn = scrape(app);
    onlyOutcomeMoved(start, signedIn, SIGNINS, "completed", SIGNIN_OUTCOMES);
    assertEquals(1, delta(start, signedIn, UPSTREAM, upstream("token", "2xx")));
    assertEquals(1, delta(start, signedIn, UPSTREAM, upstream("userinfo", "2xx")));
    assertEquals(0, delta(start, signedIn, UPSTREAM, Map.of("call", "list")));

    // A first page: the list, the profile beside it, one batch of 25; no refresh.
    assertEquals(200, browser.get(app.url("/messages")).statusCode());
    Scrape page = scrape(app);
    assertEquals(1, delta(signedIn, page, UPSTREAM, upstream("list", "2xx")));
    assertEquals(1, delta(signedIn, page, UPSTREAM, upstream("profile", "2xx")));
    assertEquals(1, delta(signedIn, page, UPSTREAM, upstream("batch", "2xx")));
    assertEquals(0, delta(signedIn, page, REFRESHES, Map.of()));
    assertMoved(signedIn, page, "gmailoauth_page_seconds_count", "page", "messages", 1);
    assertMoved(signedIn, page, "gmailoauth_page_render_seconds_count", "page", "messages", 1);
    assertTrue(page.sum("gmailoauth_page_seconds_sum", Map.of("page", "messages")) > 0);

    // Past the access token's lifetime: the next page refreshes it once.
    app.clock.advance(Duration.ofHours(2));
    assertEquals(200, browser.get(app.url("/messages")).statusCode());
    Scrape refreshed = scrape(app);
    onlyOutcomeMoved(page, refreshed, REFRESHES, "refreshed", REFRESH_OUTCOMES);
    assertEquals(1, delta(page, refreshed, UPSTREAM, upstream("token", "2xx")));
    assertEquals(0, delta(page, refreshed, SIGNINS, Map.of()));

    // Gmail answers 503 once: the list is sent again after a back-off, and the page is served.
    app.google.failGmail(503, 1);
    assertEquals(200, browser.get(app.url("/messages")).statusCode());
    Scrape busy = scrape(app);
    assertEquals(1, delta(refreshed, busy, UPSTREAM, upstream("list", "5xx")));
    assertEquals(1, delta(refreshed, busy, UPSTREAM, upstream("list", "2xx")));
    assertEquals(1, delta(refreshed, busy, "gmailoauth_gmail_retries_total", Map.of()));
    double waited = delta(refreshed, busy, "gmailoauth_gmail_backoff_seconds_total", Map.of());
    assertTrue(waited > 0 && waited <= 3, "back-off seconds " + waited);
    assertEquals(0, delta(refreshed, busy, "gmailoauth_gmail_busy_total", Map.of()));
    assertEquals(0, delta(refreshed, busy, REFRESHES, Map.of()));

    // Every call counted is a call the stand-in received, and the other way round.
    List<RecordedRequest> received = app.google.requests();
    for (Map.Entry<String, String> call : CALL_PATHS.entrySet()) {
      long sent =
          received.stream()
              .filter(r -> !r.batchPart())
              .filter(r -> call.getValue().equals(r.method() + " " + r.path()))
              .count();
      assertEquals(
          sent, delta(start, busy, UPSTREAM, Map.of("call", call.getKey())), call.getKey());
    }

    // The pool, the JVM and the sessions in memory, from their own binders.
    assertTrue(busy.has("hikaricp_connections_active"), "HikariCP's tracker");
    assertTrue(busy.sum("hikaricp_connections_max") > 0);
    assertTrue(busy.has("jvm_memory_used_bytes"));
    assertTrue(busy.has("jvm_threads_live_threads"));
    assertTrue(busy.has("jetty_threads_busy"), "Jetty's thread pool, the launcher's");
    assertTrue(
        busy.has("jvm_gc_memory_allocated_bytes_total") || busy.has("jvm_gc_pause_seconds_count"));
    assertEquals(1, busy.sum("gmailoauth_sessions"), "one browser signed in");
  }

  @Test
  void consentAgainAndADeniedOrForgedSignInAreCounted() throws Exception {
    TestApp app = start(Map.of(AppConfig.METRICS_TOKEN, TOKEN));
    Browser browser = new Browser();
    app.signIn(browser);
    Scrape before = scrape(app);

    // Cancel at Google.
    HttpResponse<String> authorize = browser.get(app.url("/authorize"));
    HttpResponse<String> back = browser.answerConsent(Browser.location(authorize), false);
    browser.get(Browser.location(back));
    // A callback with a state nobody issued.
    browser.get(app.url("/oauth2callback?state=forged-state&code=c"));
    Scrape refused = scrape(app);
    assertMoved(before, refused, SIGNINS, "outcome", "denied", 1);
    assertMoved(before, refused, SIGNINS, "outcome", "state_refused", 1);
    assertMoved(before, refused, SIGNINS, "outcome", "completed", 0);

    // The refresh token revoked at Google: the refresh says invalid_grant, consent again.
    app.google.revokeRefreshTokens();
    app.clock.advance(Duration.ofHours(2));
    HttpResponse<String> page = browser.get(app.url("/messages"));
    assertEquals(302, page.statusCode());
    Scrape again = scrape(app);
    onlyOutcomeMoved(refused, again, REFRESHES, "invalid_grant", REFRESH_OUTCOMES);
    assertEquals(1, delta(refused, again, "gmailoauth_consent_again_total", Map.of()));
    assertEquals(1, delta(refused, again, UPSTREAM, upstream("token", "4xx")));
  }

  @Test
  void onlyTheTokenScrapesAndNoAnswerCreatesASessionOrIsCached() throws Exception {
    TestApp app = start(Map.of(AppConfig.METRICS_TOKEN, TOKEN));
    int sessions = app.sessionsCreated();
    String url = app.url("/metrics");
    List<String> refused =
        new ArrayList<>(
            List.of(
                "Bearer " + TOKEN.substring(0, TOKEN.length() - 1) + "X",
                "Bearer " + TOKEN.substring(0, TOKEN.length() - 1),
                "Bearer " + TOKEN + "0",
                "Bearer " + TOKEN.toUpperCase(java.util.Locale.ROOT),
                "Bearer",
                "Bearer ",
                "Basic " + TOKEN,
                TOKEN,
                "Bearer " + "a".repeat(2000)));
    refused.add(null);
    for (String authorization : refused) {
      HttpResponse<String> answer = get(url, authorization, null);
      assertEquals(401, answer.statusCode(), String.valueOf(authorization));
      assertEquals("Bearer", answer.headers().firstValue("WWW-Authenticate").orElse(null));
      assertEquals("no-store", answer.headers().firstValue("Cache-Control").orElse(null));
      assertFalse(answer.body().contains("gmailoauth_"), "nothing of the metrics");
      assertTrue(answer.headers().allValues("Set-Cookie").isEmpty(), String.valueOf(authorization));
    }

    HttpResponse<String> text = get(url, "Bearer " + TOKEN, null);
    assertEquals(200, text.statusCode());
    assertTrue(
        text.headers()
            .firstValue("Content-Type")
            .orElse("")
            .startsWith("text/plain; version=0.0.4"));
    assertEquals("no-store", text.headers().firstValue("Cache-Control").orElse(null));
    assertTrue(text.headers().allValues("Set-Cookie").isEmpty());
    assertTrue(
        text.body().contains("gmailoauth_signins_total{outcome=\"completed\"} 0"), text.body());

    // RFC 6750's scheme name is case-insensitive; a scraper asking for OpenMetrics gets it.
    HttpResponse<String> open =
        get(url, "bearer " + TOKEN, "application/openmetrics-text;version=1.0.0,text/plain;q=0.5");
    assertEquals(200, open.statusCode());
    assertTrue(
        open.headers()
            .firstValue("Content-Type")
            .orElse("")
            .startsWith("application/openmetrics-text"));
    assertTrue(open.body().strip().endsWith("# EOF"), "OpenMetrics ends with # EOF");

    assertEquals(sessions, app.sessionsCreated(), "no scrape or refusal created a session");
  }

  @Test
  void withoutTheTokenThePathDoesNotExist() throws Exception {
    TestApp app = start(Map.of());
    for (String authorization : new String[] {null, "Bearer " + TOKEN}) {
      HttpResponse<String> answer = get(app.url("/metrics"), authorization, null);
      assertEquals(404, answer.statusCode());
      assertFalse(answer.body().contains("gmailoauth_"));
    }
  }

  @Test
  void aMetricsPortServesMetricsAndNothingElseAndTheAppsPortNoMetrics() throws Exception {
    TestApp app = start(Map.of(AppConfig.METRICS_TOKEN, TOKEN, AppConfig.METRICS_PORT, "0"));
    String metrics = "http://localhost:" + app.connectorPort("metrics");
    assertEquals(404, get(app.url("/metrics"), "Bearer " + TOKEN, null).statusCode());
    assertEquals(200, get(app.url("/healthz"), null, null).statusCode());
    assertEquals(401, get(metrics + "/metrics", null, null).statusCode());
    HttpResponse<String> scraped = get(metrics + "/metrics", "Bearer " + TOKEN, null);
    assertEquals(200, scraped.statusCode());
    assertTrue(scraped.body().contains("gmailoauth_signins_total"));
    assertEquals(404, get(metrics + "/healthz", null, null).statusCode());
    assertEquals(404, get(metrics + "/", null, null).statusCode());

    // Counted by the app on its own port, shown on the other.
    Browser browser = new Browser();
    app.signIn(browser);
    Scrape after = Scrape.parse(get(metrics + "/metrics", "Bearer " + TOKEN, null).body());
    assertEquals(1, after.sum(SIGNINS, Map.of("outcome", "completed")));
  }

  @Test
  void noLabelOrValueNamesTheUserOrCarriesAToken() throws Exception {
    TestApp app = start(Map.of(AppConfig.METRICS_TOKEN, TOKEN));
    Browser browser = new Browser();
    app.signIn(browser);
    browser.get(app.url("/messages?q=from%3Asecret-search-term"));
    app.clock.advance(Duration.ofHours(2));
    HttpResponse<String> page = browser.get(app.url("/messages"));
    assertEquals(200, page.statusCode());
    String someId = app.google.defaultUser().messages().get(0).id();
    assertEquals(200, browser.get(app.url("/messages/" + someId)).statusCode());
    Scrape scrape = scrape(app);

    StandInUser user = app.google.defaultUser();
    List<String> personal = new ArrayList<>(List.of(user.id(), user.email(), "secret-search-term"));
    personal.add(someId);
    personal.addAll(app.google.issuedAccessTokens());
    personal.addAll(app.google.issuedRefreshTokens());
    assertTrue(app.google.issuedRefreshTokens().size() >= 1);
    assertTrue(app.google.issuedAccessTokens().size() >= 2, "signed in and refreshed");
    for (String secret : personal) {
      assertFalse(scrape.text().contains(secret), "the scrape shows " + secret);
    }
    for (Scrape.Sample sample : scrape.samples()) {
      for (String value : sample.labels().values()) {
        for (String secret : personal) {
          assertFalse(value.contains(secret), sample.toString());
        }
      }
    }
    assertTrue(scrape.sum(UPSTREAM, Map.of("call", "get")) >= 1, "the reader's get was counted");
  }

  private static final String SECURITY_EVENTS = "gmailoauth_security_events_total";

  private static int deliver(TestApp app, String token) throws Exception {
    HttpRequest request =
        HttpRequest.newBuilder(URI.create(app.url("/risc")))
            .header("Content-Type", "application/secevent+jwt")
            .POST(HttpRequest.BodyPublishers.ofString(token))
            .build();
    return HttpClient.newHttpClient()
        .send(request, HttpResponse.BodyHandlers.discarding())
        .statusCode();
  }

  @Test
  void securityEventsAreCountedByTypeAndRefusalsByWhy() throws Exception {
    TestApp app = start(Map.of(AppConfig.METRICS_TOKEN, TOKEN));
    Browser browser = new Browser();
    app.signIn(browser);
    String event =
        app.google
            .securityEvent(RiscTransmitter.SESSIONS_REVOKED, app.google.defaultUser().id())
            .compact();
    Scrape before = scrape(app);

    assertEquals(202, deliver(app, event));
    assertEquals(400, deliver(app, event), "the same jti again");
    Scrape after = scrape(app);

    assertEquals(
        1,
        delta(
            before,
            after,
            SECURITY_EVENTS,
            Map.of("type", "sessions_revoked", "outcome", "handled")));
    assertEquals(
        1, delta(before, after, SECURITY_EVENTS, Map.of("type", "refused", "outcome", "replayed")));
    assertEquals(2, delta(before, after, SECURITY_EVENTS, Map.of()), "nothing else counted");
  }
}
