package io.github.gmailoauth.bench;

import io.github.gmailoauth.standin.ConsentForm;
import java.io.IOException;
import java.net.HttpCookie;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * A browser for the benchmarks: its own cookie jar for the app's origin, on an {@link HttpClient}
 * that many browsers share (a client per browser would bring a selector thread and a connection
 * pool each, which would swamp the heap-per-session figure). Redirects are walked by hand.
 */
final class BenchBrowser {
  /** One client for every browser of a benchmark; it holds no cookies itself. */
  static HttpClient sharedClient() {
    return HttpClient.newBuilder()
        .version(HttpClient.Version.HTTP_1_1)
        .followRedirects(HttpClient.Redirect.NEVER)
        .connectTimeout(Duration.ofSeconds(10))
        .build();
  }

  private final HttpClient http;
  private final String appOrigin;
  private final Map<String, String> cookies = new LinkedHashMap<>();

  /**
   * @param appOrigin e.g. {@code http://localhost:8080}: cookies are kept and sent for it only
   */
  BenchBrowser(HttpClient http, String appOrigin) {
    this.http = http;
    this.appOrigin = appOrigin;
  }

  HttpResponse<String> get(String url) throws IOException, InterruptedException {
    return send(HttpRequest.newBuilder(URI.create(url)).GET());
  }

  HttpResponse<String> post(String url, Map<String, String> form)
      throws IOException, InterruptedException {
    String body =
        form.entrySet().stream()
            .map(e -> enc(e.getKey()) + "=" + enc(e.getValue()))
            .collect(Collectors.joining("&"));
    return send(
        HttpRequest.newBuilder(URI.create(url))
            .header("Content-Type", "application/x-www-form-urlencoded")
            .POST(HttpRequest.BodyPublishers.ofString(body)));
  }

  private HttpResponse<String> send(HttpRequest.Builder builder)
      throws IOException, InterruptedException {
    HttpRequest probe = builder.copy().build();
    boolean ours = probe.uri().toString().startsWith(appOrigin + "/");
    if (ours && !cookies.isEmpty()) {
      builder.header("Cookie", cookieHeader());
    }
    HttpResponse<String> response =
        http.send(
            builder.timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
    if (ours) {
      for (String header : response.headers().allValues("Set-Cookie")) {
        for (HttpCookie cookie : HttpCookie.parse(header)) {
          if (cookie.getMaxAge() == 0) {
            cookies.remove(cookie.getName());
          } else {
            cookies.put(cookie.getName(), cookie.getValue());
          }
        }
      }
    }
    return response;
  }

  /** What this browser sends as its Cookie header to the app ({@code name=value;name=value}). */
  String cookieHeader() {
    return cookies.entrySet().stream()
        .map(e -> e.getKey() + "=" + e.getValue())
        .collect(Collectors.joining(";"));
  }

  /** The URL a 30x answer points at, resolved against the request's URL. */
  static String location(HttpResponse<?> response) {
    String location =
        response
            .headers()
            .firstValue("Location")
            .orElseThrow(
                () ->
                    new IllegalStateException(
                        "no Location in a " + response.statusCode() + " answer"));
    return response.uri().resolve(location).toString();
  }

  /**
   * Signs in through {@code /authorize}, the stand-in's consent page (Allow, for the account {@code
   * loginHint} or the stand-in's default one when null) and the callback; returns the callback's
   * answer (a redirect to where the sign-in started).
   */
  HttpResponse<String> signIn(String appBase, String loginHint)
      throws IOException, InterruptedException {
    String authorize =
        appBase + "/authorize" + (loginHint == null ? "" : "?login_hint=" + enc(loginHint));
    HttpResponse<String> toGoogle = expect(get(authorize), 302, authorize);
    String consentUrl = location(toGoogle);
    HttpResponse<String> page = expect(get(consentUrl), 200, "the consent page");
    ConsentForm form = ConsentForm.read(page.body(), consentUrl);
    HttpResponse<String> back =
        expect(post(form.action(), form.pressing(true)), 302, "the consent form");
    return expect(get(location(back)), 302, "the callback");
  }

  static HttpResponse<String> expect(HttpResponse<String> response, int status, String what) {
    if (response.statusCode() != status) {
      String body = response.body() == null ? "" : response.body();
      throw new IllegalStateException(
          what
              + " answered "
              + response.statusCode()
              + " instead of "
              + status
              + ": "
              + body.substring(0, Math.min(500, body.length())));
    }
    return response;
  }

  private static String enc(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8);
  }
}
