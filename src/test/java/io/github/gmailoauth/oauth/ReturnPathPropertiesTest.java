package io.github.gmailoauth.oauth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.gmailoauth.Main;
import io.github.gmailoauth.testing.Browser;
import io.github.gmailoauth.testing.FileTrees;
import io.github.gmailoauth.testing.TestApp;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;
import net.jqwik.api.statistics.Statistics;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;

/**
 * Whatever {@code next} a sign-in starts with, the {@code Location} a real Jetty sends at its end
 * resolves, by java.net.URI (RFC 3986 §5.2, an implementation this project did not write), to the
 * app's own origin, and no step of the sign-in answers 5xx.
 *
 * <p>Two properties: full sign-ins against one running app and stand-in Google (100 tries), and
 * many more tries of the sanitiser's output through Jetty's real {@code sendRedirect} on a bare
 * servlet configured as {@link Main} configures the app's connector, where Jetty must also send
 * exactly the path that was checked.
 */
class ReturnPathPropertiesTest {
  private static Path dir;
  private static TestApp app;
  private static Browser browser;

  private static Server redirector;
  private static String redirectorUrl;
  private static final AtomicReference<String> NEXT = new AtomicReference<>();
  private static final HttpClient HTTP =
      HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).build();

  @BeforeContainer
  static void start() throws Exception {
    dir = Files.createTempDirectory("return-path-properties");
    app = TestApp.start(dir);
    browser = new Browser();

    redirector = new Server();
    HttpConfiguration http = new HttpConfiguration();
    http.setRelativeRedirectAllowed(true); // as Main sets it for the app
    ServerConnector connector = new ServerConnector(redirector, new HttpConnectionFactory(http));
    connector.setPort(0);
    redirector.addConnector(connector);
    ServletContextHandler context = new ServletContextHandler("/");
    context.addServlet(
        new ServletHolder(
            new HttpServlet() {
              @Override
              protected void doGet(HttpServletRequest request, HttpServletResponse response)
                  throws IOException {
                response.sendRedirect(request.getContextPath() + ReturnTo.sanitize(NEXT.get()));
              }
            }),
        "/back");
    redirector.setHandler(context);
    redirector.start();
    redirectorUrl = "http://localhost:" + connector.getLocalPort() + "/back";
  }

  @AfterContainer
  static void stop() throws Exception {
    try {
      redirector.stop();
      app.close();
    } finally {
      FileTrees.delete(dir);
    }
  }

  @Property(tries = 100)
  void aCompletedSignInAlwaysEndsOnTheAppsOrigin(@ForAll("nextValues") String next)
      throws Exception {
    HttpResponse<String> toGoogle =
        browser.get(app.url("/authorize?next=" + URLEncoder.encode(next, StandardCharsets.UTF_8)));
    assertEquals(302, toGoogle.statusCode(), "/authorize");
    HttpResponse<String> back = browser.answerConsent(Browser.location(toGoogle), true);
    HttpResponse<String> callback = browser.get(Browser.location(back));
    assertTrue(callback.statusCode() < 500, "the callback answered " + callback.statusCode());
    assertEquals(302, callback.statusCode());
    String location = callback.headers().firstValue("Location").orElseThrow();
    assertSameOrigin(URI.create(app.url("/")), callback.uri().resolve(location), location);
  }

  @Property(tries = 1000)
  void jettySendsExactlyTheCheckedPathAndItStaysOnTheOrigin(@ForAll("nextValues") String next)
      throws Exception {
    NEXT.set(next);
    HttpResponse<Void> answer =
        HTTP.send(
            HttpRequest.newBuilder(URI.create(redirectorUrl)).build(),
            HttpResponse.BodyHandlers.discarding());
    assertEquals(302, answer.statusCode());
    String location = answer.headers().firstValue("Location").orElseThrow();
    assertEquals(ReturnTo.sanitize(next), location, "Jetty changed the checked path");
    // Not only the fallback: a good share of the tries must be paths the sanitiser keeps.
    Statistics.label("kept").collect(!location.equals(ReturnTo.DEFAULT));
    Statistics.label("kept").coverage(c -> c.check(true).percentage(p -> p > 10));
    assertSameOrigin(URI.create(redirectorUrl), answer.uri().resolve(location), location);
  }

  private static void assertSameOrigin(URI origin, URI landed, String location) {
    assertEquals(origin.getScheme(), landed.getScheme(), "Location: " + location);
    assertEquals(origin.getRawAuthority(), landed.getRawAuthority(), "Location: " + location);
  }

  /**
   * Return paths built from the pieces that have fooled sanitisers: dot segments, slashes and
   * backslashes, percent-encodings (of those too, and malformed), '@', ':', ';', '?', '#', spaces,
   * control and bidi characters, non-ASCII; and some entirely arbitrary strings.
   */
  @Provide
  Arbitrary<String> nextValues() {
    Arbitrary<String> ordinary =
        Arbitraries.of(
            List.of(
                "/",
                ".",
                "..",
                "./",
                "../",
                "/./",
                "/../",
                "messages",
                "a",
                "?",
                "x=1",
                "&",
                "=",
                "~",
                "%41",
                "%e2%80%ae",
                "+"));
    Arbitrary<String> hostile =
        Arbitraries.of(
            List.of(
                "//",
                "\\",
                "/\\",
                "%2e",
                "%2E",
                "%2f",
                "%2F",
                "%5c",
                "%25",
                "%252f",
                "%00",
                "%",
                "%zz",
                "@",
                ":",
                ";",
                ";x",
                "#",
                "evil.example",
                "evil.example:443",
                "http:",
                "https://",
                "javascript:",
                " ",
                "\t",
                "\r\n",
                "\u0000",
                "\u007f",
                "\u202e",
                "\u00e9",
                "\uff0f",
                "\u2215",
                "[",
                "]",
                "|",
                "^",
                "`",
                "{",
                "\"",
                "<",
                ">"));
    Arbitrary<String> piece = Arbitraries.frequencyOf(Tuple.of(6, ordinary), Tuple.of(1, hostile));
    Arbitrary<String> built =
        piece.list().ofMinSize(1).ofMaxSize(8).map(pieces -> String.join("", pieces));
    Arbitrary<String> rooted = built.map(s -> "/" + s);
    Arbitrary<String> anything = Arbitraries.strings().all().ofMaxLength(40);
    return Arbitraries.frequencyOf(Tuple.of(5, rooted), Tuple.of(2, built), Tuple.of(1, anything));
  }
}
