package io.github.gmailoauth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.gmailoauth.testing.Browser;
import io.github.gmailoauth.testing.Query;
import io.github.gmailoauth.testing.SignedInPage;
import io.github.gmailoauth.testing.TestApp;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The app behind a TLS-terminating proxy: the proxy speaks plain http to the app and says in {@code
 * X-Forwarded-Proto} / {@code Forwarded} that the browser used https. With {@code
 * FORWARDED_HEADERS=true} the app believes it (Secure cookie, HSTS); without it, it ignores it.
 * Either way the forwarded host never reaches the redirect URI or any redirect.
 */
class BehindTlsProxyTest {
  /**
   * What a TLS proxy in front of the app adds to each request (a hostile one here: a foreign host).
   */
  static final Map<String, String> FORWARDED_HTTPS =
      Map.of(
          "X-Forwarded-Proto", "https",
          "X-Forwarded-Host", "forged-host.invalid",
          "X-Forwarded-Port", "443",
          "X-Forwarded-For", "203.0.113.7");

  @TempDir Path dir;
  TestApp app;

  @AfterEach
  void stop() throws Exception {
    if (app != null) {
      app.close();
    }
  }

  @Test
  void
      withForwardedHeadersOnARequestForwardedAsHttpsGetsASecureCookieAndHstsAndTheConfiguredRedirectUri()
          throws Exception {
    app = TestApp.start(dir, Map.of(AppConfig.FORWARDED_HEADERS, "true"));
    Proxied browser = new Proxied(FORWARDED_HTTPS);

    HttpResponse<String> authorize = browser.get("/authorize");
    assertEquals(302, authorize.statusCode());
    List<String> cookie = attributes(setCookie(authorize));
    assertTrue(
        cookie.get(0).startsWith("pending-signin="),
        cookie.toString()); // no session before sign-in
    assertTrue(
        cookie.contains("secure") && cookie.contains("httponly") && cookie.contains("samesite=lax"),
        cookie.toString());
    assertEquals(HSTS, hsts(authorize));
    String consent = Browser.location(authorize);
    assertEquals(app.url("/oauth2callback"), Query.param(consent, "redirect_uri"));
    assertFalse(consent.contains("forged-host.invalid"), consent);

    // The rest of the sign-in through the same proxy: the redirects back into the app stay in it.
    String back = Browser.location(new Browser().answerConsent(consent, true));
    assertTrue(back.startsWith(app.url("/oauth2callback?")), back);
    HttpResponse<String> callback = browser.get(back.substring(app.url("").length()));
    assertEquals(302, callback.statusCode(), callback.body());
    List<String> callbackCookies = callback.headers().allValues("Set-Cookie");
    assertTrue(
        callbackCookies.stream().anyMatch(c -> c.startsWith("JSESSIONID=")),
        callbackCookies.toString());
    for (String setCookie : callbackCookies) {
      assertTrue(
          attributes(setCookie).contains("secure"), "the new session's cookies too: " + setCookie);
    }
    assertEquals(HSTS, hsts(callback));
    String next = callback.headers().firstValue("Location").orElseThrow();
    assertEquals("/messages", next, "relative: never built from the forwarded host");
    HttpResponse<String> messages = browser.get("/messages");
    assertEquals(200, messages.statusCode());
    assertEquals(app.google.defaultUser().email(), SignedInPage.email(messages.body()));
    assertFalse(messages.body().contains("forged-host.invalid"));
  }

  @Test
  void theStandardForwardedHeaderWorksTooAndARequestForwardedAsHttpGetsNeither() throws Exception {
    app = TestApp.start(dir, Map.of(AppConfig.FORWARDED_HEADERS, "true"));

    HttpResponse<String> rfc7239 =
        new Proxied(Map.of("Forwarded", "for=203.0.113.7;proto=https;host=forged-host.invalid"))
            .get("/authorize");
    assertTrue(attributes(setCookie(rfc7239)).contains("secure"), setCookie(rfc7239));
    assertEquals(HSTS, hsts(rfc7239));
    assertEquals(
        app.url("/oauth2callback"), Query.param(Browser.location(rfc7239), "redirect_uri"));

    HttpResponse<String> plain =
        new Proxied(Map.of("X-Forwarded-Proto", "http", "X-Forwarded-Host", "forged-host.invalid"))
            .get("/authorize");
    assertFalse(attributes(setCookie(plain)).contains("secure"), setCookie(plain));
    assertEquals(null, hsts(plain));
    assertEquals(app.url("/oauth2callback"), Query.param(Browser.location(plain), "redirect_uri"));
  }

  @Test
  void withoutTheSettingForwardedHeadersAreIgnored() throws Exception {
    app = TestApp.start(dir);
    for (Map<String, String> headers :
        List.of(FORWARDED_HTTPS, Map.of("Forwarded", "proto=https;host=forged-host.invalid"))) {
      HttpResponse<String> authorize = new Proxied(headers).get("/authorize");
      List<String> cookie = attributes(setCookie(authorize));
      assertTrue(cookie.get(0).startsWith("pending-signin="), cookie.toString());
      assertFalse(cookie.contains("secure"), cookie.toString());
      assertEquals(null, hsts(authorize), "no HSTS over plain http");
      String consent = Browser.location(authorize);
      assertEquals(app.url("/oauth2callback"), Query.param(consent, "redirect_uri"));
      assertFalse(consent.contains("forged-host.invalid"), consent);
    }
  }

  @Test
  void withHttpsAndForwardedHeadersTheCookieKeepsTheHostPrefixAndNoDomain() throws Exception {
    app = TestApp.start(dir, Map.of(AppConfig.FORWARDED_HEADERS, "true", AppConfig.HTTPS, "true"));
    HttpResponse<String> authorize = new Proxied(FORWARDED_HTTPS).get("/authorize");
    List<String> cookie = attributes(setCookie(authorize));
    assertTrue(cookie.get(0).startsWith("__host-pending-signin="), cookie.toString());
    assertTrue(cookie.contains("secure") && cookie.contains("path=/"), cookie.toString());
    assertFalse(cookie.stream().anyMatch(a -> a.startsWith("domain=")), "host-only: " + cookie);
    assertEquals(HSTS, hsts(authorize));
    assertEquals(
        app.url("/oauth2callback"), Query.param(Browser.location(authorize), "redirect_uri"));
  }

  private static final String HSTS = "max-age=31536000; includeSubDomains";

  private static String hsts(HttpResponse<?> answer) {
    return answer.headers().firstValue("Strict-Transport-Security").orElse(null);
  }

  private static String setCookie(HttpResponse<?> answer) {
    return answer
        .headers()
        .firstValue("Set-Cookie")
        .orElseThrow(
            () -> new AssertionError("no Set-Cookie in a " + answer.statusCode() + " answer"));
  }

  /** A Set-Cookie header's parts, trimmed and lower-cased: "name=value", "secure", "path=/", ... */
  private static List<String> attributes(String setCookie) {
    return Arrays.stream(setCookie.split(";"))
        .map(s -> s.trim().toLowerCase(java.util.Locale.ROOT))
        .toList();
  }

  /**
   * A browser behind the proxy: every request carries the proxy's headers. Cookies are kept by
   * hand, because a Secure cookie would never be sent over this test's plain http otherwise.
   */
  private final class Proxied {
    private final HttpClient http =
        HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).build();
    private final Map<String, String> forwarded;
    private final Map<String, String> cookies = new LinkedHashMap<>();

    Proxied(Map<String, String> forwarded) {
      this.forwarded = forwarded;
    }

    HttpResponse<String> get(String path) throws Exception {
      HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(app.url(path)));
      forwarded.forEach(request::header);
      if (!cookies.isEmpty()) {
        request.header(
            "Cookie",
            String.join(
                "; ",
                cookies.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue()).toList()));
      }
      HttpResponse<String> answer =
          http.send(request.build(), HttpResponse.BodyHandlers.ofString());
      for (String setCookie : answer.headers().allValues("Set-Cookie")) {
        String[] pair = setCookie.split(";", 2)[0].split("=", 2);
        assertNotNull(pair[1]);
        cookies.put(pair[0], pair[1]);
      }
      return answer;
    }
  }
}
