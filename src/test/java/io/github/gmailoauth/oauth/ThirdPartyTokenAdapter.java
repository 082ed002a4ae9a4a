package io.github.gmailoauth.oauth;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.github.gmailoauth.standin.StandInGoogle;
import io.github.gmailoauth.standin.StandInUser;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.BiFunction;

/**
 * The Gmail and userinfo APIs for access tokens another authorization server issued: the third
 * party speaks no Gmail, the stand-in Google speaks nothing else.
 *
 * <p>Each request's bearer token is checked at the authorization server that issued it ({@link
 * Introspection}, RFC 7662 or the like); when it is active, the request goes on to the stand-in
 * unchanged but for its {@code Authorization}, which now carries a stand-in token of the mailbox
 * user the token's subject maps to, with the scopes the third party granted. An inactive or unknown
 * token gets Google's 401. The app's batch carries its bearer token on the outer request only
 * (Google applies the outer headers to every part), so one swap serves the whole batch.
 */
final class ThirdPartyTokenAdapter implements AutoCloseable {

  /**
   * What the authorization server says of a token: its subject and scopes, or null when inactive.
   */
  interface Introspection {
    Active check(String token) throws IOException, InterruptedException;
  }

  record Active(String subject, List<String> scopes) {}

  /** Hop-by-hop and recomputed headers that are never forwarded (the JDK client refuses some). */
  private static final Set<String> NOT_FORWARDED =
      Set.of(
          "host",
          "connection",
          "content-length",
          "authorization",
          "expect",
          "upgrade",
          "transfer-encoding");

  private final HttpServer server;
  private final ExecutorService executor =
      Executors.newFixedThreadPool(
          16,
          r -> {
            Thread t = new Thread(r, "third-party-adapter");
            t.setDaemon(true);
            return t;
          });
  private final HttpClient http = HttpClient.newHttpClient();

  /** The stand-in the requests go on to; set once the app (which starts it) is up. */
  private volatile StandInGoogle google;

  private final Introspection introspection;
  private final BiFunction<StandInGoogle, String, StandInUser> mailboxOf;

  /** Stand-in tokens already issued, per user and scopes. */
  private final Map<String, String> standInTokens = new ConcurrentHashMap<>();

  /**
   * @param mailboxOf the stand-in mailbox of a subject the authorization server names, or null
   */
  ThirdPartyTokenAdapter(
      Introspection introspection, BiFunction<StandInGoogle, String, StandInUser> mailboxOf)
      throws IOException {
    this.introspection = introspection;
    this.mailboxOf = mailboxOf;
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 64);
    server.setExecutor(executor);
    server.createContext("/", this::handle);
    server.start();
  }

  /** From now on, requests go on to {@code google}. */
  void forwardTo(StandInGoogle google) {
    this.google = google;
    standInTokens.clear();
  }

  /** The root URL to give the app as {@code GOOGLE_API_ROOT_URL}. */
  String rootUrl() {
    return "http://127.0.0.1:" + server.getAddress().getPort() + "/";
  }

  private void handle(HttpExchange exchange) throws IOException {
    try (exchange) {
      byte[] body = exchange.getRequestBody().readAllBytes();
      String authorization = exchange.getRequestHeaders().getFirst("Authorization");
      Active active = null;
      if (authorization != null && authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
        active = introspection.check(authorization.substring(7).trim());
      }
      StandInGoogle google = this.google;
      StandInUser user = active == null ? null : mailboxOf.apply(google, active.subject());
      if (user == null) {
        byte[] error =
            ("{\"error\":{\"code\":401,\"message\":\"Request had invalid authentication credentials.\","
                    + "\"status\":\"UNAUTHENTICATED\"}}")
                .getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "application/json; charset=UTF-8");
        exchange.sendResponseHeaders(401, error.length);
        exchange.getResponseBody().write(error);
        return;
      }
      List<String> scopes = active.scopes();
      String token =
          standInTokens.computeIfAbsent(
              user.id() + " " + String.join(" ", scopes),
              k -> google.issueAccessToken(user, scopes));

      HttpRequest.Builder forward =
          HttpRequest.newBuilder(
                  URI.create(google.baseUrl())
                      .resolve(
                          exchange.getRequestURI().getRawPath().substring(1)
                              + (exchange.getRequestURI().getRawQuery() == null
                                  ? ""
                                  : "?" + exchange.getRequestURI().getRawQuery())))
              .method(
                  exchange.getRequestMethod(),
                  body.length == 0
                      ? HttpRequest.BodyPublishers.noBody()
                      : HttpRequest.BodyPublishers.ofByteArray(body))
              .header("Authorization", "Bearer " + token);
      exchange
          .getRequestHeaders()
          .forEach(
              (name, values) -> {
                if (!NOT_FORWARDED.contains(name.toLowerCase(java.util.Locale.ROOT))) {
                  values.forEach(v -> forward.header(name, v));
                }
              });
      HttpResponse<byte[]> answer =
          http.send(forward.build(), HttpResponse.BodyHandlers.ofByteArray());
      answer
          .headers()
          .map()
          .forEach(
              (name, values) -> {
                if (!NOT_FORWARDED.contains(name.toLowerCase(java.util.Locale.ROOT))
                    && !name.startsWith(":")) {
                  exchange.getResponseHeaders().put(name, values);
                }
              });
      byte[] out = answer.body();
      exchange.sendResponseHeaders(answer.statusCode(), out.length == 0 ? -1 : out.length);
      try (OutputStream stream = exchange.getResponseBody()) {
        stream.write(out);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @Override
  public void close() {
    server.stop(0);
    executor.shutdownNow();
  }
}
