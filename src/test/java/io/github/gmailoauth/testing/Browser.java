package io.github.gmailoauth.testing;

import io.github.gmailoauth.standin.ConsentForm;
import java.io.IOException;
import java.net.CookieManager;
import java.net.CookiePolicy;
import java.net.HttpCookie;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Collectors;
import org.jsoup.Jsoup;
import org.jsoup.nodes.Element;

/**
 * A browser as far as the flow is concerned: one cookie jar, and redirects walked by hand so that
 * every hop can be asserted.
 */
public final class Browser {
  private final CookieManager cookies = new CookieManager(null, CookiePolicy.ACCEPT_ALL);
  private final HttpClient http =
      HttpClient.newBuilder()
          .cookieHandler(cookies)
          .followRedirects(HttpClient.Redirect.NEVER)
          .build();

  /**
   * What Chromium sends as {@code Accept} when it navigates: servers that answer an API client and
   * a browser differently (Spring Security sends only a browser to its login page) see a browser.
   */
  public static final String NAVIGATION_ACCEPT =
      "text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,*/*;q=0.8";

  public HttpResponse<String> get(String url) throws IOException, InterruptedException {
    return http.send(
        HttpRequest.newBuilder(URI.create(url)).header("Accept", NAVIGATION_ACCEPT).GET().build(),
        HttpResponse.BodyHandlers.ofString());
  }

  public HttpResponse<String> post(String url, Map<String, String> form)
      throws IOException, InterruptedException {
    String body =
        form.entrySet().stream()
            .map(e -> enc(e.getKey()) + "=" + enc(e.getValue()))
            .collect(Collectors.joining("&"));
    HttpRequest request =
        HttpRequest.newBuilder(URI.create(url))
            .header("Accept", NAVIGATION_ACCEPT)
            .header("Content-Type", "application/x-www-form-urlencoded")
            .POST(HttpRequest.BodyPublishers.ofString(body))
            .build();
    return http.send(request, HttpResponse.BodyHandlers.ofString());
  }

  /** The URL a 30x answer points at, resolved against the request's URL. */
  public static String location(HttpResponse<?> response) {
    String location =
        response
            .headers()
            .firstValue("Location")
            .orElseThrow(
                () -> new AssertionError("no Location in a " + response.statusCode() + " answer"));
    return response.uri().resolve(location).toString();
  }

  /**
   * On the stand-in's consent page at {@code consentUrl}, presses Allow (or Cancel) and returns the
   * stand-in's redirect back to the app.
   */
  public HttpResponse<String> answerConsent(String consentUrl, boolean allow)
      throws IOException, InterruptedException {
    HttpResponse<String> page = get(consentUrl);
    if (page.statusCode() != 200) {
      throw new AssertionError("consent page answered " + page.statusCode() + ": " + page.body());
    }
    ConsentForm form = ConsentForm.read(page.body(), consentUrl);
    return post(form.action(), form.pressing(allow));
  }

  /**
   * Presses "Sign out" on the page at {@code pageUrl}, as a person would: the form with its token.
   */
  public HttpResponse<String> signOut(String pageUrl) throws IOException, InterruptedException {
    HttpResponse<String> page = get(pageUrl);
    Element form = Jsoup.parse(page.body(), pageUrl).selectFirst("form[action$=/logout]");
    if (form == null) {
      throw new AssertionError("no sign-out form on " + pageUrl);
    }
    Map<String, String> fields = new LinkedHashMap<>();
    for (Element input : form.select("input[type=hidden]")) {
      fields.put(input.attr("name"), input.attr("value"));
    }
    return post(form.absUrl("action"), fields);
  }

  /**
   * Submits the POST form matching {@code formSelector} on the page at {@code pageUrl}, as a person
   * pressing its button would: its hidden fields (the form token among them), to its action.
   */
  public HttpResponse<String> submitForm(String pageUrl, String formSelector)
      throws IOException, InterruptedException {
    HttpResponse<String> page = get(pageUrl);
    Element form = Jsoup.parse(page.body(), pageUrl).selectFirst(formSelector);
    if (form == null || !form.attr("method").equalsIgnoreCase("post")) {
      throw new AssertionError("no POST form " + formSelector + " on " + pageUrl);
    }
    Map<String, String> fields = new LinkedHashMap<>();
    for (Element input : form.select("input[type=hidden]")) {
      fields.put(input.attr("name"), input.attr("value"));
    }
    return post(form.absUrl("action"), fields);
  }

  public String cookie(String name) {
    return cookies.getCookieStore().getCookies().stream()
        .filter(c -> c.getName().equals(name))
        .map(HttpCookie::getValue)
        .findFirst()
        .orElse(null);
  }

  /** Every cookie this browser holds, as it would send them in its Cookie header. */
  public String cookieHeader() {
    return cookies.getCookieStore().getCookies().stream()
        .map(c -> c.getName() + "=" + c.getValue())
        .collect(Collectors.joining("; "));
  }

  private static String enc(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8);
  }
}
