package io.github.gmailoauth.web;

import static io.github.gmailoauth.testing.PageInternals.INTERNALS;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.gmailoauth.testing.AppWithGoogle;
import io.github.gmailoauth.testing.Browser;
import io.github.gmailoauth.testing.TestApp;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.DriverManager;
import org.junit.jupiter.api.Test;

/** Error answers say what happened in plain words and never anything about the inside. */
@AppWithGoogle
class ErrorPagesTest {
  TestApp app;
  Browser browser;

  private static HttpResponse<String> send(HttpRequest request) throws Exception {
    return HttpClient.newHttpClient().send(request, HttpResponse.BodyHandlers.ofString());
  }

  private static void assertGeneric(HttpResponse<String> answer, int status) {
    assertEquals(status, answer.statusCode(), answer.body());
    for (String leak : INTERNALS) {
      assertFalse(
          answer.body().contains(leak), "error page shows '" + leak + "': " + answer.body());
    }
    assertTrue(answer.headers().firstValue("Server").isEmpty());
  }

  @Test
  void notFoundAndMethodNotAllowedArePlainPages() throws Exception {
    HttpResponse<String> notFound = browser.get(app.url("/no/such/page"));
    assertGeneric(notFound, 404);
    assertTrue(notFound.body().contains("Page not found"));
    assertGeneric(browser.get(app.url("/error")), 404);
    HttpResponse<String> wrongMethod = browser.get(app.url("/logout"));
    assertGeneric(wrongMethod, 405);
    assertTrue(wrongMethod.body().contains("Method not allowed"));
    // A state-changing method without the session's form token is refused before any servlet.
    assertGeneric(
        send(
            HttpRequest.newBuilder(URI.create(app.url("/authorize")))
                .method("DELETE", HttpRequest.BodyPublishers.noBody())
                .build()),
        403);
  }

  @Test
  void traceIsRefusedAndEchoesNothing() throws Exception {
    HttpResponse<String> trace =
        send(
            HttpRequest.newBuilder(URI.create(app.url("/")))
                .method("TRACE", HttpRequest.BodyPublishers.noBody())
                .header("Cookie", "JSESSIONID=secret-cookie-value")
                .build());
    assertEquals(405, trace.statusCode());
    assertFalse(trace.body().contains("secret-cookie-value"));
  }

  @Test
  void oversizedUrlsAndHeadersGet4xxWithoutInternals() throws Exception {
    HttpResponse<String> longUrl = browser.get(app.url("/messages?q=" + "x".repeat(20_000)));
    assertTrue(
        longUrl.statusCode() == 414 || longUrl.statusCode() == 431,
        "status " + longUrl.statusCode());
    assertGeneric(longUrl, longUrl.statusCode());
    HttpResponse<String> bigHeader =
        send(
            HttpRequest.newBuilder(URI.create(app.url("/")))
                .header("X-Filler", "y".repeat(20_000))
                .build());
    assertEquals(431, bigHeader.statusCode());
    assertGeneric(bigHeader, 431);
  }

  @Test
  void aBrokenDatabaseGivesA503PageWithoutSql() throws Exception {
    app.signIn(browser);
    try (Connection c = DriverManager.getConnection(app.databaseUrl)) {
      c.createStatement().execute("DROP TABLE google_grant");
    }
    HttpResponse<String> page = browser.get(app.url("/messages"));
    assertGeneric(page, 503);
    assertTrue(page.body().contains("Temporarily unavailable"));
  }
}
