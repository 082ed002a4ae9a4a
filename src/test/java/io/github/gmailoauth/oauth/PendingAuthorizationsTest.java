package io.github.gmailoauth.oauth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

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
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@link PendingAuthorizations} on its own, in a real Jetty: two servlets begin and consume
 * sign-ins, and this test plays the browser, holding the cookie by hand so that it can also send an
 * old copy back, as a replaying attacker would.
 */
class PendingAuthorizationsTest {
  private static final TokenCipher KEYS =
      TokenCipher.fromBase64Keys("4xgBwH1aYsslpsvkbWWj7ozXzOi1yl3SDr1KhRUv2xo=");

  private volatile Instant now = Instant.parse("2026-01-01T00:00:00Z");
  private final Clock clock =
      new Clock() {
        @Override
        public Instant instant() {
          return now;
        }

        @Override
        public ZoneId getZone() {
          return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
          throw new UnsupportedOperationException();
        }
      };
  private final PendingAuthorizations pending = new PendingAuthorizations(KEYS, false, clock);
  private final HttpClient http = HttpClient.newHttpClient();
  private Server server;
  private String base;

  /** The browser's pending-sign-in cookie ({@code name=value}), or null. */
  private String cookie;

  @BeforeEach
  void start() throws Exception {
    server = new Server(0);
    ServletContextHandler context = new ServletContextHandler("/");
    context.addServlet(
        new ServletHolder(
            new HttpServlet() {
              @Override
              protected void doGet(HttpServletRequest request, HttpServletResponse response)
                  throws IOException {
                PendingAuthorization p =
                    pending.begin(request, response, request.getParameter("returnTo"), false);
                response.getWriter().write(p.state() + " " + p.verifier());
              }
            }),
        "/begin");
    context.addServlet(
        new ServletHolder(
            new HttpServlet() {
              @Override
              protected void doGet(HttpServletRequest request, HttpServletResponse response)
                  throws IOException {
                PendingAuthorization p =
                    pending.consume(request, response, request.getParameter("state"));
                response.getWriter().write(p == null ? "none" : p.verifier() + " " + p.returnTo());
              }
            }),
        "/consume");
    server.setHandler(context);
    server.start();
    base = "http://localhost:" + port();
  }

  @AfterEach
  void stop() throws Exception {
    server.stop();
  }

  private int port() {
    return ((ServerConnector) server.getConnectors()[0]).getLocalPort();
  }

  private String get(String pathAndQuery) throws IOException, InterruptedException {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base + pathAndQuery));
    if (cookie != null) {
      request.header("Cookie", cookie);
    }
    HttpResponse<String> answer = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    assertEquals(200, answer.statusCode(), answer.body());
    for (String set : answer.headers().allValues("Set-Cookie")) {
      String pair = set.split(";", 2)[0];
      assertTrue(pair.startsWith(PendingAuthorizations.COOKIE + "="), set);
      assertTrue(set.contains("HttpOnly") && set.contains("SameSite=Lax"), set);
      cookie = pair.endsWith("=") ? null : pair;
    }
    return answer.body();
  }

  /** Begins a sign-in; its state and verifier. */
  private String[] begin(String returnTo) throws Exception {
    return get("/begin?returnTo=" + URLEncoder.encode(returnTo, StandardCharsets.UTF_8)).split(" ");
  }

  private String consume(String state) throws Exception {
    return get("/consume?state=" + URLEncoder.encode(state, StandardCharsets.UTF_8));
  }

  @Test
  void aSignInIsConsumedOnceWithItsVerifierAndReturnPath() throws Exception {
    String[] begun = begin("/messages?q=x");
    assertEquals(43, begun[0].length());
    assertNotEquals(begun[0], begun[1]);
    assertEquals(begun[1] + " /messages?q=x", consume(begun[0]));
    assertEquals("none", consume(begun[0]));
  }

  @Test
  void anOldCopyOfTheCookieReplayedAfterTheCallbackGetsNothing() throws Exception {
    String[] begun = begin("/messages");
    String copy = cookie;
    assertEquals(begun[1] + " /messages", consume(begun[0]));
    cookie = copy;
    assertEquals("none", consume(begun[0]));
  }

  @Test
  void twoTabsEachFinishTheirOwnSignIn() throws Exception {
    String[] first = begin("/one");
    String[] second = begin("/two");
    assertEquals(second[1] + " /two", consume(second[0]));
    assertEquals(first[1] + " /one", consume(first[0]));
  }

  @Test
  void aSignInExpiresAfterTenMinutes() throws Exception {
    String[] kept = begin("/kept");
    String[] late = begin("/late");
    now = now.plus(PendingAuthorizations.LIFETIME).minusMillis(1);
    assertEquals(kept[1] + " /kept", consume(kept[0]));
    now = now.plusMillis(1);
    assertEquals("none", consume(late[0]));
  }

  @Test
  void beyondFivePendingTheOldestIsDropped() throws Exception {
    List<String[]> begun = new ArrayList<>();
    for (int i = 0; i <= PendingAuthorizations.MAX_PENDING; i++) {
      begun.add(begin("/" + i));
    }
    assertEquals("none", consume(begun.get(0)[0]));
    for (int i = 1; i <= PendingAuthorizations.MAX_PENDING; i++) {
      assertEquals(begun.get(i)[1] + " /" + i, consume(begun.get(i)[0]));
    }
  }

  @Test
  void anUnknownStateOrAForgedCookieIsNothing() throws Exception {
    String[] begun = begin("/messages");
    assertEquals("none", consume(begun[1])); // the verifier is not a state
    cookie = PendingAuthorizations.COOKIE + "=" + "A".repeat(200);
    assertEquals("none", consume(begun[0]));
  }

  @Test
  void anOverlongReturnPathIsReplacedByTheDefault() throws Exception {
    String[] begun = begin("/" + "x".repeat(3000));
    assertEquals(begun[1] + " " + ReturnTo.DEFAULT, consume(begun[0]));
  }

  @Test
  void overHttpsTheCookieHasTheHostPrefixAndIsSecure() throws Exception {
    PendingAuthorizations https = new PendingAuthorizations(KEYS, true, clock);
    server.stop();
    ServletContextHandler context = new ServletContextHandler("/");
    List<String> setCookies = new ArrayList<>();
    context.addServlet(
        new ServletHolder(
            new HttpServlet() {
              @Override
              protected void doGet(HttpServletRequest request, HttpServletResponse response) {
                https.begin(request, response, "/", false);
              }
            }),
        "/begin");
    server.setHandler(context);
    server.start();
    HttpResponse<Void> answer =
        http.send(
            HttpRequest.newBuilder(URI.create("http://localhost:" + port() + "/begin")).build(),
            HttpResponse.BodyHandlers.discarding());
    setCookies.addAll(answer.headers().allValues("Set-Cookie"));
    assertEquals(1, setCookies.size(), setCookies.toString());
    String set = setCookies.get(0);
    assertTrue(set.startsWith(PendingAuthorizations.HOST_COOKIE + "="), set);
    assertTrue(set.contains("Secure") && set.contains("Path=/"), set);
  }
}
