package io.github.gmailoauth.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.gmailoauth.AppConfig;
import io.github.gmailoauth.testing.Browser;
import io.github.gmailoauth.testing.TestApp;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 11, A2: a sign-in lasts at most {@code SESSION_MAX_AGE} (12 hours by default) however busy
 * the session stays; the app's clock is moved by hand, the session is used all along.
 */
class SessionMaxAgeTest {
  @TempDir Path dir;

  @Test
  void aSessionInUseEndsTwelveHoursAfterSignInByDefault() throws Exception {
    try (TestApp app = TestApp.start(dir)) {
      Browser browser = new Browser();
      app.signIn(browser);
      for (int hour = 1; hour < 12; hour++) {
        app.clock.advance(Duration.ofHours(1));
        assertEquals(200, browser.get(app.url("/messages")).statusCode(), "after " + hour + " h");
      }
      app.clock.advance(Duration.ofMinutes(59));
      assertEquals(200, browser.get(app.url("/messages")).statusCode(), "at 11 h 59 min");
      app.clock.advance(Duration.ofMinutes(1));
      assertSignedOut(browser.get(app.url("/messages")));
      assertSignedOut(browser.get(app.url("/messages")));
      // Signing in again starts a new lifetime.
      app.signIn(browser);
      assertEquals(200, browser.get(app.url("/messages")).statusCode());
    }
  }

  @Test
  void theSettingShortensTheLifetime() throws Exception {
    try (TestApp app = TestApp.start(dir, Map.of(AppConfig.SESSION_MAX_AGE, "PT45M"))) {
      Browser browser = new Browser();
      app.signIn(browser);
      app.clock.advance(Duration.ofMinutes(44));
      assertEquals(200, browser.get(app.url("/messages")).statusCode());
      app.clock.advance(Duration.ofMinutes(1));
      assertSignedOut(browser.get(app.url("/messages")));
    }
  }

  @Test
  void theSettingIsAnIsoDurationAndABadOneIsReportedWithTheOtherProblems() throws Exception {
    Path secrets =
        java.nio.file.Files.writeString(
            dir.resolve("client_secrets.json"),
            "{\"web\":{\"client_id\":\"id\",\"client_secret\":\"s\"}}");
    Map<String, String> base =
        Map.of(
            AppConfig.GOOGLE_CLIENT_SECRETS,
            secrets.toString(),
            AppConfig.TOKEN_ENCRYPTION_KEY,
            TestApp.TOKEN_KEY);
    assertEquals(Duration.ofHours(12), AppConfig.load(base::get).sessionMaxAge(), "the default");
    for (Map.Entry<String, Duration> good :
        Map.of(
                "PT30M",
                Duration.ofMinutes(30),
                "pt8h",
                Duration.ofHours(8),
                "P1D",
                Duration.ofDays(1),
                "PT1M",
                Duration.ofMinutes(1),
                "P30D",
                Duration.ofDays(30))
            .entrySet()) {
      Map<String, String> settings = new java.util.HashMap<>(base);
      settings.put(AppConfig.SESSION_MAX_AGE, good.getKey());
      assertEquals(good.getValue(), AppConfig.load(settings::get).sessionMaxAge(), good.getKey());
    }
    for (String bad :
        java.util.List.of("12", "12h", "PT0S", "-PT1H", "PT59S", "P31D", "P1M", "forever")) {
      Map<String, String> settings = new java.util.HashMap<>(base);
      settings.put(AppConfig.SESSION_MAX_AGE, bad);
      settings.put(AppConfig.OAUTH_REDIRECT_URI, "not a url");
      AppConfig.ConfigException refused =
          org.junit.jupiter.api.Assertions.assertThrows(
              AppConfig.ConfigException.class, () -> AppConfig.load(settings::get));
      assertTrue(
          refused
              .getMessage()
              .contains("SESSION_MAX_AGE (an ISO-8601 duration from PT1M to P30D, e.g. PT12H)"),
          bad + ": " + refused.getMessage());
      assertTrue(
          refused.getMessage().contains("OAUTH_REDIRECT_URI"),
          "reported together: " + refused.getMessage());
    }
  }

  private static void assertSignedOut(HttpResponse<String> page) {
    assertEquals(302, page.statusCode());
    assertTrue(Browser.location(page).contains("/authorize"), Browser.location(page));
  }
}
