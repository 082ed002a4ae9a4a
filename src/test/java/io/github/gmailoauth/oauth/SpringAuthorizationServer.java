package io.github.gmailoauth.oauth;

import jakarta.servlet.Filter;
import jakarta.servlet.http.HttpServletRequest;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Level;
import java.util.logging.Logger;
import java.util.stream.Collectors;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.context.WebServerApplicationContext;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;

/**
 * A real Spring Authorization Server (1.5.x under Spring Boot 3.5, test scope only), configured by
 * properties alone, with PKCE required and form login for its users: an authorization server this
 * project did not write, to check the app's OAuth client against.
 *
 * <p><b>In-process, on purpose.</b> Spring Boot 3.5 runs on its embedded Tomcat 10.1, which
 * implements Servlet 6.0 like the app's Jetty 12.1 ee10, so the servlet API classes on the shared
 * test classpath agree (Spring Boot 4 would bring Tomcat 11 and Servlet 6.1 beside
 * jakarta.servlet-api 6.0: a clash). What would clash is logging, and it is cut off at the root:
 * the pom leaves out {@code spring-boot-starter-logging} (logback would become a second SLF4J
 * provider beside Jetty's and capture the app's log lines in every test of the JVM), and {@link
 * #LOGGING_SYSTEM} is set to {@code none} before Spring Boot starts, so it never resets
 * java.util.logging, where the app and the tests that read its log lines live. Spring's own lines
 * go to java.util.logging through commons-logging; they are held at WARNING while it runs. A child
 * JVM would isolate more but would need its own classpath assembled by the build and a way to count
 * the server's requests across processes; in-process it starts in a few seconds from the jars Maven
 * already resolved for the tests, on a fresh machine as here.
 *
 * <p>Every request that reaches it is counted by path and grant type by a servlet filter inside the
 * server, before Spring Security sees it: what the server received, not what the app believes it
 * sent.
 */
final class SpringAuthorizationServer implements AutoCloseable {
  /** Spring Boot's switch for its logging system; {@code none} leaves java.util.logging alone. */
  static final String LOGGING_SYSTEM = "org.springframework.boot.logging.LoggingSystem";

  /** The person who signs in at the server; the adapter maps them to the stand-in's demo user. */
  static final String USER = "demo@example.com";

  static final String PASSWORD = "demo-password";

  /** A registered client: how it authenticates, whether it rotates refresh tokens, consent. */
  record Client(
      String id,
      String secret,
      String authenticationMethod,
      boolean reuseRefreshTokens,
      boolean consent) {}

  private static final List<String> QUIET =
      List.of(
          "org.springframework", "org.apache.catalina", "org.apache.coyote", "org.apache.tomcat");

  private final ConfigurableApplicationContext context;
  private final String baseUrl;
  private final Requests requests;

  /** The loggers held at WARNING while the server runs, and the level each had before. */
  private final Map<Logger, Level> quieted = new LinkedHashMap<>();

  private final HttpClient http = HttpClient.newHttpClient();

  /** What reached the server: per "METHOD path", and token requests per grant type. */
  static final class Requests {
    final Map<String, AtomicInteger> byPath = new ConcurrentHashMap<>();
    final Map<String, AtomicInteger> tokenByGrantType = new ConcurrentHashMap<>();

    void count(HttpServletRequest request) {
      byPath
          .computeIfAbsent(
              request.getMethod() + " " + request.getRequestURI(), k -> new AtomicInteger())
          .incrementAndGet();
      if ("POST".equals(request.getMethod()) && "/oauth2/token".equals(request.getRequestURI())) {
        String grantType = request.getParameter("grant_type");
        tokenByGrantType
            .computeIfAbsent(grantType == null ? "" : grantType, k -> new AtomicInteger())
            .incrementAndGet();
      }
    }
  }

  /** Spring Boot's auto-configuration only: no component scan of the tests' package. */
  @Configuration(proxyBeanMethods = false)
  @EnableAutoConfiguration
  static class Application {
    @Bean
    FilterRegistrationBean<Filter> requestCounter(Requests requests) {
      Filter filter =
          (request, response, chain) -> {
            requests.count((HttpServletRequest) request);
            chain.doFilter(request, response);
          };
      FilterRegistrationBean<Filter> registration = new FilterRegistrationBean<>(filter);
      registration.setOrder(Ordered.HIGHEST_PRECEDENCE); // before Spring Security's chain
      return registration;
    }
  }

  /** Starts the server on a free port of localhost with {@code clients} registered. */
  static SpringAuthorizationServer start(List<Client> clients, List<String> scopes) {
    return new SpringAuthorizationServer(clients, scopes);
  }

  private SpringAuthorizationServer(List<Client> clients, List<String> scopes) {
    System.setProperty(LOGGING_SYSTEM, "none");
    for (String name : QUIET) {
      Logger logger = Logger.getLogger(name);
      quieted.put(logger, logger.getLevel()); // held: java.util.logging keeps loggers only weakly
      logger.setLevel(Level.WARNING);
    }
    Map<String, String> properties = new LinkedHashMap<>();
    properties.put("server.port", "0");
    // Its own cookie name: the browser also holds the app's JSESSIONID.
    properties.put("server.servlet.session.cookie.name", "AS_SESSION");
    properties.put("spring.main.banner-mode", "off");
    properties.put("spring.main.log-startup-info", "false");
    properties.put("spring.main.register-shutdown-hook", "false");
    properties.put("spring.jmx.enabled", "false");
    properties.put("spring.security.user.name", USER);
    properties.put("spring.security.user.password", "{noop}" + PASSWORD);
    String prefix = "spring.security.oauth2.authorizationserver.client.";
    for (Client c : clients) {
      String p = prefix + c.id() + ".";
      properties.put(p + "registration.client-id", c.id());
      properties.put(p + "registration.client-secret", "{noop}" + c.secret());
      properties.put(p + "registration.client-authentication-methods", c.authenticationMethod());
      properties.put(
          p + "registration.authorization-grant-types", "authorization_code,refresh_token");
      // A loopback redirect URI: RFC 8252 §7.3, any port at the time of the request.
      properties.put(p + "registration.redirect-uris", "http://127.0.0.1/oauth2callback");
      properties.put(p + "registration.scopes", String.join(",", scopes));
      properties.put(p + "require-proof-key", "true");
      properties.put(p + "require-authorization-consent", Boolean.toString(c.consent()));
      properties.put(p + "token.reuse-refresh-tokens", Boolean.toString(c.reuseRefreshTokens()));
    }
    requests = new Requests();
    // As command-line arguments, which outrank environment variables and system properties (a
    // SERVER_PORT in a CI environment must not move the server); .properties(...) would be the
    // lowest-ranked defaults.
    String[] arguments =
        properties.entrySet().stream()
            .map(e -> "--" + e.getKey() + "=" + e.getValue())
            .toArray(String[]::new);
    context =
        new SpringApplicationBuilder(Application.class)
            .web(WebApplicationType.SERVLET)
            .initializers(ctx -> ctx.getBeanFactory().registerSingleton("requests", requests))
            .run(arguments);
    int port = ((WebServerApplicationContext) context).getWebServer().getPort();
    // localhost, not 127.0.0.1, for the browser: cookies are per host, not per port, and the app
    // runs on 127.0.0.1.
    baseUrl = "http://localhost:" + port;
  }

  String url(String path) {
    return baseUrl + path;
  }

  String authorizationUri() {
    return url("/oauth2/authorize");
  }

  String tokenUri() {
    return url("/oauth2/token");
  }

  String revocationUri() {
    return url("/oauth2/revoke");
  }

  /** How many requests reached {@code method path}. */
  int requests(String method, String path) {
    AtomicInteger n = requests.byPath.get(method + " " + path);
    return n == null ? 0 : n.get();
  }

  /** How many token requests with this grant type reached the server. */
  int tokenRequests(String grantType) {
    AtomicInteger n = requests.tokenByGrantType.get(grantType);
    return n == null ? 0 : n.get();
  }

  /**
   * Asks the server directly for a new access token with {@code refreshToken}
   * (client_secret_basic).
   */
  HttpResponse<String> refreshDirectly(Client client, String refreshToken)
      throws IOException, InterruptedException {
    return postAuthenticated(
        client,
        "/oauth2/token",
        Map.of("grant_type", "refresh_token", "refresh_token", refreshToken));
  }

  /** RFC 7662 introspection of {@code token}, asked by {@code client}. */
  HttpResponse<String> introspect(Client client, String token)
      throws IOException, InterruptedException {
    return postAuthenticated(client, "/oauth2/introspect", Map.of("token", token));
  }

  /** RFC 7009 revocation of a refresh token, asked by {@code client}. */
  HttpResponse<String> revoke(Client client, String refreshToken)
      throws IOException, InterruptedException {
    return postAuthenticated(
        client,
        "/oauth2/revoke",
        Map.of("token", refreshToken, "token_type_hint", "refresh_token"));
  }

  private HttpResponse<String> postAuthenticated(
      Client client, String path, Map<String, String> form)
      throws IOException, InterruptedException {
    String body =
        form.entrySet().stream()
            .map(e -> enc(e.getKey()) + "=" + enc(e.getValue()))
            .collect(Collectors.joining("&"));
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create(url(path)))
            .header("Content-Type", "application/x-www-form-urlencoded");
    if (client.authenticationMethod().equals("client_secret_post")) {
      body += "&client_id=" + enc(client.id()) + "&client_secret=" + enc(client.secret());
    } else {
      request.header(
          "Authorization",
          "Basic "
              + Base64.getEncoder()
                  .encodeToString(
                      (enc(client.id()) + ":" + enc(client.secret()))
                          .getBytes(StandardCharsets.UTF_8)));
    }
    return http.send(
        request.POST(HttpRequest.BodyPublishers.ofString(body)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private static String enc(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8);
  }

  @Override
  public void close() {
    try {
      context.close();
    } finally {
      quieted.forEach(Logger::setLevel);
    }
  }
}
