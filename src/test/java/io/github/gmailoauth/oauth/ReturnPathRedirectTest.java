package io.github.gmailoauth.oauth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.gmailoauth.testing.Browser;
import io.github.gmailoauth.testing.Query;
import io.github.gmailoauth.testing.TestApp;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.jsoup.Jsoup;
import org.jsoup.nodes.Element;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Where a sign-in really ends: the {@code Location} a real Jetty sends from the callback, resolved
 * as a browser would (java.net.URI against the request's URL), must be on the app's own origin,
 * whatever {@code next} the sign-in started with. The sanitiser alone is not the oracle: Jetty's
 * {@code sendRedirect} normalises the path again (RFC 3986 §5.2.4), and that is what browsers get.
 */
class ReturnPathRedirectTest {
  @TempDir static Path dir;
  static TestApp app;

  @BeforeAll
  static void start() throws Exception {
    app = TestApp.start(dir);
  }

  @AfterAll
  static void stop() throws Exception {
    app.close();
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "/.//evil.example",
        "/././/evil.example",
        "/.//evil.example/path?x=1",
        "/..?x",
        "/..#x",
        "/././/evil.example",
        "/a/..//evil.example",
        "/.;x//evil.example",
        "/..;//evil.example",
        "/messages/..//evil.example",
        "/.\t//evil.example",
        "/%2e//evil.example",
        "/.%2F/evil.example"
      })
  void aSignInThatStartedWithAnyNextEndsOnTheApp(String next) throws Exception {
    Browser browser = new Browser();
    HttpResponse<String> toGoogle =
        browser.get(app.url("/authorize?next=" + URLEncoder.encode(next, StandardCharsets.UTF_8)));
    assertEquals(302, toGoogle.statusCode());
    HttpResponse<String> callback =
        browser.get(Browser.location(browser.answerConsent(Browser.location(toGoogle), true)));
    assertEquals(
        302, callback.statusCode(), "a completed sign-in answers a redirect, never an error");
    assertOnTheApp(callback);
  }

  @ParameterizedTest
  @ValueSource(strings = {"/.//evil.example", "/././/evil.example", "/.//evil.example/path?x=1"})
  void theTryAgainLinkAfterACancelledSignInLeadsBackToTheApp(String next) throws Exception {
    Browser browser = new Browser();
    HttpResponse<String> toGoogle =
        browser.get(app.url("/authorize?next=" + URLEncoder.encode(next, StandardCharsets.UTF_8)));
    HttpResponse<String> cancelled =
        browser.get(Browser.location(browser.answerConsent(Browser.location(toGoogle), false)));
    assertEquals(200, cancelled.statusCode());
    Element tryAgain =
        Jsoup.parse(cancelled.body(), cancelled.uri().toString())
            .selectFirst("a.button.primary[href^=/authorize]");
    assertNotNull(tryAgain, cancelled.body());
    String nextInTheLink = Query.param(tryAgain.absUrl("href"), "next");
    URI target = URI.create(app.url("/")).resolve(nextInTheLink);
    assertEquals(
        URI.create(app.url("/")).getAuthority(),
        target.getAuthority(),
        "the link's next: " + nextInTheLink);

    // And following the link as a person would ends the sign-in on the app.
    HttpResponse<String> again = browser.get(tryAgain.absUrl("href"));
    HttpResponse<String> callback =
        browser.get(Browser.location(browser.answerConsent(Browser.location(again), true)));
    assertEquals(302, callback.statusCode());
    assertOnTheApp(callback);
  }

  /**
   * The callback's Location, as a browser resolves it against the callback's URL, is on the app's
   * origin.
   */
  static void assertOnTheApp(HttpResponse<String> callback) {
    String location = callback.headers().firstValue("Location").orElseThrow();
    URI landed = callback.uri().resolve(location);
    URI origin = URI.create(app.url("/"));
    assertEquals(origin.getScheme(), landed.getScheme(), "Location: " + location);
    assertEquals(origin.getAuthority(), landed.getAuthority(), "Location: " + location);
    assertTrue(
        landed.getRawPath().startsWith("/") && !landed.getRawPath().startsWith("//"),
        "Location: " + location);
  }
}
