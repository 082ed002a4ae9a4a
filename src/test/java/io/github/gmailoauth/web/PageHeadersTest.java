package io.github.gmailoauth.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.gmailoauth.testing.AppWithGoogle;
import io.github.gmailoauth.testing.Browser;
import io.github.gmailoauth.testing.TestApp;
import java.net.URI;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.Test;

/** Headers every answer carries, the stylesheet, and what unknown paths give. */
@AppWithGoogle
class PageHeadersTest {
  TestApp app;
  Browser browser;

  @Test
  void everyPageForbidsScriptsFramingAndReferrersAndIsNeverCached() throws Exception {
    URI google = URI.create(app.google.authUri());
    for (String path :
        new String[] {"/", "/authorize", "/messages", "/oauth2callback?state=x&code=y"}) {
      HttpResponse<String> answer = browser.get(app.url(path));
      String csp = answer.headers().firstValue("Content-Security-Policy").orElse("");
      assertTrue(
          csp.startsWith("default-src 'none'; style-src 'self'; img-src 'self';"),
          path + ": " + csp);
      assertTrue(
          csp.contains(
              "form-action 'self' " + google.getScheme() + "://" + google.getRawAuthority()),
          csp);
      assertTrue(csp.contains("frame-ancestors 'none'") && csp.contains("base-uri 'none'"), csp);
      assertEquals(
          "nosniff", answer.headers().firstValue("X-Content-Type-Options").orElse(null), path);
      assertEquals(
          "no-referrer", answer.headers().firstValue("Referrer-Policy").orElse(null), path);
      assertEquals("no-store", answer.headers().firstValue("Cache-Control").orElse(null), path);
      assertTrue(answer.headers().firstValue("Server").isEmpty(), "no Server header");
    }
  }

  @Test
  void theStylesheetIsServedFromTheAppAndNothingElseUnderStatic() throws Exception {
    HttpResponse<String> css = browser.get(app.url("/static/app.css"));
    assertEquals(200, css.statusCode());
    assertTrue(css.headers().firstValue("Content-Type").orElse("").startsWith("text/css"));
    assertTrue(css.body().contains(".messages"));
    assertEquals(404, browser.get(app.url("/static/../WEB-INF/web.xml")).statusCode());
    assertEquals(
        404, browser.get(app.url("/static/db/migration/V1__google_grant.sql")).statusCode());
  }

  @Test
  void unknownPathsGive404WithoutInternals() throws Exception {
    HttpResponse<String> answer = browser.get(app.url("/no-such-page"));
    assertEquals(404, answer.statusCode());
    assertFalse(answer.body().contains("jetty") || answer.body().contains("Jetty"), answer.body());
    assertFalse(answer.body().contains("Exception"));
  }
}
