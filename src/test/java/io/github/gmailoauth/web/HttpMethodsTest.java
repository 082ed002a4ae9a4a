package io.github.gmailoauth.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.gmailoauth.testing.TestApp;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * OPTIONS answers, for each page, the methods it really serves, never TRACE; and TRACE itself is
 * refused with 405, so nothing ever echoes a request's headers (cookies included) back to it (RFC
 * 9110 §9.3.7, §9.3.8, §15.5.6).
 */
class HttpMethodsTest {
  @TempDir static Path dir;
  static TestApp app;
  static final HttpClient HTTP =
      HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).build();

  @BeforeAll
  static void start() throws Exception {
    app = TestApp.start(dir);
  }

  @AfterAll
  static void stop() throws Exception {
    app.close();
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "/|GET HEAD OPTIONS", "/messages|GET HEAD OPTIONS", "/authorize|GET HEAD OPTIONS",
        "/oauth2callback|GET HEAD OPTIONS", "/logout|OPTIONS POST", "/disconnect|OPTIONS POST",
        "/healthz|GET HEAD OPTIONS", "/readyz|GET HEAD OPTIONS", "/static/app.css|GET HEAD OPTIONS"
      })
  void optionsAnswersTheMethodsEachPageServesAndNeverTrace(String path, String methods)
      throws Exception {
    HttpResponse<String> answer = send("OPTIONS", path);
    assertEquals(200, answer.statusCode(), path);
    assertEquals(Set.of(methods.split(" ")), allow(answer), path);
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "/|GET HEAD OPTIONS",
        "/messages|GET HEAD OPTIONS",
        "/logout|OPTIONS POST",
        "/healthz|GET HEAD OPTIONS",
        "/static/app.css|GET HEAD OPTIONS"
      })
  void traceIsRefusedWith405AndEchoesNothing(String path, String methods) throws Exception {
    HttpResponse<String> answer = send("TRACE", path);
    assertEquals(405, answer.statusCode(), path);
    assertEquals(Set.of(methods.split(" ")), allow(answer), path);
    assertFalse(answer.body().contains("secret-cookie-value"), answer.body());
    assertFalse(answer.body().contains("X-Probe"), answer.body());
  }

  private static Set<String> allow(HttpResponse<String> answer) {
    String allow = answer.headers().allValues("Allow").stream().collect(Collectors.joining(","));
    assertFalse(allow.isBlank(), "an Allow header");
    Set<String> methods =
        Arrays.stream(allow.split(","))
            .map(String::strip)
            .filter(m -> !m.isEmpty())
            .collect(Collectors.toCollection(TreeSet::new));
    assertTrue(!methods.contains("TRACE"), "Allow: " + allow);
    return methods;
  }

  private static HttpResponse<String> send(String method, String path) throws Exception {
    return HTTP.send(
        HttpRequest.newBuilder(URI.create(app.url(path)))
            .method(method, HttpRequest.BodyPublishers.noBody())
            .header("Cookie", "JSESSIONID=secret-cookie-value")
            .header("X-Probe", "probe")
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }
}
