package io.github.gmailoauth.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.gmailoauth.AppConfig;
import io.github.gmailoauth.testing.Browser;
import io.github.gmailoauth.testing.TestApp;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.yaml.snakeyaml.Yaml;

/**
 * The Grafana dashboard and the Prometheus alert rules in {@code ops/} (issue 16) parse, and every
 * metric their expressions name is in a real {@code /metrics} answer, taken after a sign-in, a page
 * and a refresh so that those series exist: a renamed meter breaks this test, not an operator's
 * alert at night.
 */
class OpsFilesTest {
  static final Path DASHBOARD = Path.of("ops/grafana-dashboard.json");
  static final Path ALERTS = Path.of("ops/prometheus-alerts.yml");

  /** A metric name in PromQL: ours, the pool's and the JVM's prefixes. */
  private static final Pattern METRIC = Pattern.compile("\\b((?:gmailoauth|hikaricp|jvm)_\\w+)");

  @TempDir static Path dir;
  private static TestApp app;
  private static Scrape scrape;

  @BeforeAll
  static void scrapeAfterASignInAPageAndARefresh() throws Exception {
    app = TestApp.start(dir, Map.of(AppConfig.METRICS_TOKEN, MetricsTest.TOKEN));
    Browser browser = new Browser();
    app.signIn(browser);
    assertEquals(200, browser.get(app.url("/messages")).statusCode());
    app.clock.advance(Duration.ofHours(2));
    assertEquals(200, browser.get(app.url("/messages")).statusCode());
    HttpResponse<String> answer =
        HttpClient.newHttpClient()
            .send(
                HttpRequest.newBuilder(URI.create(app.url("/metrics")))
                    .header("Authorization", "Bearer " + MetricsTest.TOKEN)
                    .build(),
                HttpResponse.BodyHandlers.ofString());
    assertEquals(200, answer.statusCode());
    scrape = Scrape.parse(answer.body());
    assertEquals(1, scrape.sum("gmailoauth_token_refreshes_total", Map.of("outcome", "refreshed")));
  }

  @AfterAll
  static void stop() throws Exception {
    app.close();
  }

  private static Set<String> metricsIn(List<String> expressions) {
    Set<String> names = new TreeSet<>();
    for (String expression : expressions) {
      Matcher m = METRIC.matcher(expression);
      while (m.find()) {
        names.add(m.group(1));
      }
    }
    return names;
  }

  private static void assertAllScraped(Set<String> names, Path file) {
    List<String> missing = names.stream().filter(n -> !scrape.has(n)).toList();
    assertTrue(missing.isEmpty(), file + " names metrics no scrape has: " + missing);
  }

  @Test
  void everyMetricOfTheDashboardIsInARealScrape() throws Exception {
    JsonNode dashboard = new ObjectMapper().readTree(Files.readString(DASHBOARD));
    List<String> expressions = new ArrayList<>();
    assertTrue(dashboard.path("panels").size() > 0);
    for (JsonNode panel : dashboard.path("panels")) {
      assertFalse(panel.path("title").asText().isEmpty());
      for (JsonNode target : panel.path("targets")) {
        expressions.add(target.path("expr").asText());
      }
    }
    Set<String> names = metricsIn(expressions);
    assertTrue(
        names.containsAll(
            Set.of(
                "gmailoauth_signins_total",
                "gmailoauth_token_refreshes_total",
                "gmailoauth_upstream_seconds_bucket",
                "gmailoauth_page_seconds_bucket",
                "hikaricp_connections_active",
                "jvm_memory_used_bytes")),
        names.toString());
    assertAllScraped(names, DASHBOARD);
  }

  @Test
  void everyMetricOfTheAlertRulesIsInARealScrape() throws Exception {
    Map<String, Object> rules = new Yaml().load(Files.readString(ALERTS));
    List<String> expressions = new ArrayList<>();
    List<String> alerts = new ArrayList<>();
    for (Object group : (List<?>) rules.get("groups")) {
      for (Object rule : (List<?>) ((Map<?, ?>) group).get("rules")) {
        Map<?, ?> r = (Map<?, ?>) rule;
        alerts.add((String) r.get("alert"));
        expressions.add((String) r.get("expr"));
      }
    }
    assertTrue(alerts.stream().allMatch(a -> a != null && !a.isBlank()), alerts.toString());
    Set<String> names = metricsIn(expressions);
    // Refresh failures, Google's 5xx ratio, p95 page time, pool exhaustion.
    assertTrue(
        names.containsAll(
            Set.of(
                "gmailoauth_token_refreshes_total",
                "gmailoauth_upstream_seconds_count",
                "gmailoauth_page_seconds_bucket",
                "hikaricp_connections_pending")),
        names.toString());
    assertAllScraped(names, ALERTS);
  }
}
