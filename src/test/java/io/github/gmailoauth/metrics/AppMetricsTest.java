package io.github.gmailoauth.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.api.client.http.HttpHeaders;
import com.google.api.client.http.HttpResponseException;
import java.io.IOException;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The parts of {@link AppMetrics} no page reaches yet: the label guard of {@link
 * AppMetrics#securityEvent} (for issue 16's RISC events), the status classes, and {@link
 * AppMetrics#OFF}.
 */
class AppMetricsTest {

  @Test
  void securityEventsAreCountedUnderFixedNamesAndAnythingElseIsOther() {
    try (AppMetrics metrics = AppMetrics.collecting()) {
      metrics.securityEvent("tokens_revoked", "grant_deleted");
      metrics.securityEvent("tokens_revoked", "grant_deleted");
      metrics.securityEvent("https://schemas.openid.net/secevent/risc/event-type/x", "done");
      metrics.securityEvent("117000000000000000001@example.com", null);
      Scrape scrape = Scrape.parse(metrics.scrape(AppMetrics.TEXT));
      String name = "gmailoauth_security_events_total";
      assertEquals(2, scrape.sum(name, Map.of("type", "tokens_revoked")));
      assertEquals(2, scrape.sum(name, Map.of("type", "other")));
      assertEquals(1, scrape.sum(name, Map.of("type", "other", "outcome", "other")));
      assertFalse(scrape.text().contains("example.com"));
      assertFalse(scrape.text().contains("schemas.openid.net"));
    }
  }

  @Test
  void everyStatusIsOneOfFiveClasses() throws Exception {
    assertEquals("2xx", AppMetrics.statusClass(200));
    assertEquals("3xx", AppMetrics.statusClass(302));
    assertEquals("4xx", AppMetrics.statusClass(429));
    assertEquals("5xx", AppMetrics.statusClass(503));
    for (int odd : new int[] {-1, 0, 99, 600, 999, Integer.MAX_VALUE}) {
      assertEquals("io_error", AppMetrics.statusClass(odd));
    }
    try (AppMetrics metrics = AppMetrics.collecting()) {
      assertThrows(
          HttpResponseException.class,
          () ->
              metrics.upstream(
                  "list",
                  () -> {
                    throw new HttpResponseException.Builder(503, null, new HttpHeaders()).build();
                  }));
      assertThrows(
          IOException.class,
          () ->
              metrics.upstream(
                  "list",
                  () -> {
                    throw new IOException("reset");
                  }));
      assertEquals("x", metrics.upstream("get", () -> "x"));
      assertThrows(IllegalArgumentException.class, () -> metrics.upstreamCall("/users/me", 200, 1));
      Scrape scrape = Scrape.parse(metrics.scrape(AppMetrics.TEXT));
      String count = "gmailoauth_upstream_seconds_count";
      assertEquals(1, scrape.sum(count, Map.of("call", "list", "status", "5xx")));
      assertEquals(1, scrape.sum(count, Map.of("call", "list", "status", "io_error")));
      assertEquals(1, scrape.sum(count, Map.of("call", "get", "status", "2xx")));
    }
  }

  @Test
  void offCollectsNothingAndHasNothingToScrape() throws Exception {
    AppMetrics off = AppMetrics.OFF;
    assertFalse(off.isOn());
    off.signIn(AppMetrics.SignIn.COMPLETED);
    off.refresh(AppMetrics.Refresh.REFRESHED);
    off.upstreamCall("not even a call's name", 200, 1);
    assertEquals("y", off.upstream("list", () -> "y"));
    assertThrows(IllegalStateException.class, () -> off.scrape(AppMetrics.TEXT));
    try (AppMetrics on = AppMetrics.collecting()) {
      assertTrue(on.isOn());
    }
  }
}
