package io.github.gmailoauth;

import com.zaxxer.hikari.HikariDataSource;
import io.github.gmailoauth.web.SessionLoadFailures;
import java.io.IOException;
import java.lang.reflect.Method;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.eclipse.jetty.ee10.servlet.ErrorPageErrorHandler;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.server.CustomRequestLog;
import org.eclipse.jetty.server.ForwardedRequestCustomizer;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.RequestLog;
import org.eclipse.jetty.server.RequestLogWriter;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.handler.GracefulHandler;
import org.eclipse.jetty.util.component.LifeCycle;

/**
 * The embedded launcher for development: {@code mvn test-compile exec:java}.
 *
 * <p>Without {@code GOOGLE_CLIENT_SECRETS} it runs in demo mode against the stand-in Google from
 * the test sources, which is never packaged in the WAR; a deployed WAR therefore cannot enter demo
 * mode. With it, the same command runs against real Google.
 */
public final class Main {
  private static final String STAND_IN = "io.github.gmailoauth.standin.StandInGoogle";
  static final long DEFAULT_STOP_TIMEOUT_SECONDS = 10;

  /**
   * The access log's line: client address, time, method, path, protocol, status, bytes sent,
   * milliseconds taken and the request id ({@code X-Request-Id} as answered). {@code %U} is the
   * path <em>without</em> its query string: the callback's query carries the one-time {@code code}
   * and {@code state}, and a search's query what someone searched their mail for, so neither
   * {@code %r} nor {@code %q} may ever appear here. A stock Jetty uses the same string
   * (README, "Deploying the WAR to a stock Jetty 12").
   */
  public static final String ACCESS_LOG_FORMAT = "%{client}a - - %t \"%m %U %H\" %s %O %{ms}T %{X-Request-Id}o";

  private Main() {}

  /**
   * An access log writing one {@link #ACCESS_LOG_FORMAT} line per request, appended to {@code
   * file}, or to standard error when {@code file} is null.
   */
  public static RequestLog accessLog(String file) {
    RequestLogWriter writer = file == null ? new RequestLogWriter() : new RequestLogWriter(file);
    writer.setAppend(true);
    return new CustomRequestLog(writer, ACCESS_LOG_FORMAT);
  }

  /** The access log the {@code ACCESS_LOG} setting asks for (looked up like every setting, {@code settings} last). */
  public static RequestLog accessLog(Map<String, String> settings) {
    return accessLog(AppConfig.lookup(AppConfig.ACCESS_LOG, settings::get));
  }

  /** A configured, not yet started server; {@code settings} act as context init-parameters. */
  public static Server newServer(int port, Map<String, String> settings) throws Exception {
    return newServer(port, settings, Clock.systemUTC());
  }

  public static Server newServer(int port, Map<String, String> settings, Clock clock) throws Exception {
    boolean forwardedHeaders = booleanSetting(AppConfig.FORWARDED_HEADERS, settings, false);
    long stopTimeoutSeconds = stopTimeoutSeconds(settings);
    Server server = new Server();
    HttpConfiguration http = new HttpConfiguration();
    http.setSendServerVersion(false);
    http.setSendXPoweredBy(false);
    // Redirects within the app go out as sent ("/messages"), never made absolute from the
    // request's Host or X-Forwarded-Host (Jetty 12's default; stated because it matters here).
    http.setRelativeRedirectAllowed(true);
    if (forwardedHeaders) {
      // Behind a TLS proxy: take scheme, host and client address from Forwarded / X-Forwarded-*,
      // so that request.isSecure() is true for what browsers sent over https (Secure cookie, HSTS).
      // Only safe when the proxy overwrites these headers; the stock-Jetty equivalent is the
      // `forwarded` module. The redirect URI sent to Google never depends on them.
      http.addCustomizer(new ForwardedRequestCustomizer());
    }
    ServerConnector connector = new ServerConnector(server, new HttpConnectionFactory(http));
    connector.setPort(port);
    server.addConnector(connector);

    Map<String, String> initParams = new HashMap<>(settings);
    if (AppConfig.lookup(AppConfig.OAUTH_REDIRECT_URI, initParams::get) == null) {
      // Bind now so that port 0 is resolved before the app reads its redirect URI.
      connector.open();
      initParams.put(AppConfig.OAUTH_REDIRECT_URI,
          "http://localhost:" + connector.getLocalPort() + "/oauth2callback");
    }

    ServletContextHandler context = newContext(initParams, clock);
    server.setErrorHandler(new ErrorPagesOfTheServer());
    server.setRequestLog(accessLog(initParams));
    // Stopping lets requests in flight finish (new connections are refused, new requests on open
    // connections get 503) for at most the stop timeout; then connections are closed and the
    // threads still working are interrupted. The stock-Jetty equivalent is the `graceful` module
    // with jetty.server.stopTimeout.
    server.setHandler(new GracefulHandler(context));
    server.setStopTimeout(TimeUnit.SECONDS.toMillis(stopTimeoutSeconds));
    return server;
  }

  private static boolean booleanSetting(String name, Map<String, String> settings, boolean fallback) {
    String value = AppConfig.lookup(name, settings::get);
    if (value == null) {
      return fallback;
    }
    if (!value.equalsIgnoreCase("true") && !value.equalsIgnoreCase("false")) {
      throw new IllegalArgumentException(name + " must be true or false");
    }
    return Boolean.parseBoolean(value);
  }

  private static long stopTimeoutSeconds(Map<String, String> settings) {
    String value = AppConfig.lookup(AppConfig.STOP_TIMEOUT_SECONDS, settings::get);
    if (value == null) {
      return DEFAULT_STOP_TIMEOUT_SECONDS;
    }
    try {
      long seconds = Long.parseLong(value);
      if (seconds >= 0 && seconds <= 3600) {
        return seconds;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    throw new IllegalArgumentException(AppConfig.STOP_TIMEOUT_SECONDS + " must be a whole number of seconds, 0 to 3600");
  }

  /**
   * The app's servlet context at "/", not yet started, with {@code settings} as its
   * init-parameters (they must name {@code OAUTH_REDIRECT_URI} unless its default fits). {@link
   * #newServer} mounts it as the server's only handler; the benchmarks mount it beside their
   * baseline servlets on one server.
   *
   * <p>With {@code SESSION_STORE=jdbc} the settings are read and the node's connection pool is
   * opened (and the schema migrated) here already, because the session handler needs it before
   * the context starts; the pool closes when the context stops.
   */
  public static ServletContextHandler newContext(Map<String, String> settings, Clock clock) {
    ServletContextHandler context = new ServletContextHandler(ServletContextHandler.SESSIONS);
    context.setContextPath("/");
    settings.forEach(context::setInitParameter);
    String sessionStore = AppConfig.lookup(AppConfig.SESSION_STORE, settings::get);
    if (sessionStore == null || sessionStore.equalsIgnoreCase("memory")) {
      context.addEventListener(new GmailApp(clock));
    } else if (sessionStore.equalsIgnoreCase("jdbc")) {
      // Sessions in the app's database, on the app's pool: the pool must exist (and the schema be
      // migrated) before the context starts its session handler, so it is opened here, once per node.
      AppConfig config = AppConfig.load(settings::get);
      HikariDataSource pool = Database.open(config);
      SessionLoadFailures loadFailures = new SessionLoadFailures();
      context.setSessionHandler(SharedSessions.handler(pool, loadFailures));
      context.addEventListener(new GmailApp(clock, config, pool, loadFailures));
      context.addEventListener(new LifeCycle.Listener() {
        @Override
        public void lifeCycleStopped(LifeCycle event) {
          pool.close();
        }
      });
    } else {
      throw new AppConfig.ConfigException(
          "gmail-oauth-webapp cannot start; invalid setting: " + AppConfig.SESSION_STORE + " (must be memory or jdbc)");
    }
    // Every error status and uncaught exception inside the app: its own generic page (the WAR
    // gets the same from web.xml's <error-page>).
    ErrorPageErrorHandler errorPages = new ErrorPageErrorHandler();
    errorPages.addErrorPage(ErrorPageErrorHandler.GLOBAL_ERROR_PAGE, "/error");
    context.setErrorHandler(errorPages);
    return context;
  }

  public static void main(String[] args) throws Exception {
    String portSetting = AppConfig.lookup(AppConfig.PORT, null);
    int port = portSetting == null ? 8080 : Integer.parseInt(portSetting);
    Map<String, String> settings = new HashMap<>();
    boolean demo = AppConfig.lookup(AppConfig.GOOGLE_CLIENT_SECRETS, null) == null;
    if (demo) {
      startStandInGoogle(settings);
    }
    Server server = newServer(port, settings);
    server.setStopAtShutdown(true);
    server.start();
    int actualPort = ((ServerConnector) server.getConnectors()[0]).getLocalPort();
    System.out.println();
    System.out.println(demo
        ? "Demo mode: no GOOGLE_CLIENT_SECRETS, so a stand-in Google with a sample mailbox answers."
        : "Using the Google client from " + AppConfig.lookup(AppConfig.GOOGLE_CLIENT_SECRETS, null));
    System.out.println("Open http://localhost:" + actualPort + "/ in your browser. Ctrl+C stops.");
    System.out.println();
    server.join();
  }

  private static void startStandInGoogle(Map<String, String> settings) throws Exception {
    Class<?> standIn;
    try {
      standIn = Class.forName(STAND_IN);
    } catch (ClassNotFoundException e) {
      System.err.println("GOOGLE_CLIENT_SECRETS is not set, and the stand-in Google for demo mode is not on"
          + " the classpath. Run `mvn test-compile exec:java`, or set GOOGLE_CLIENT_SECRETS.");
      System.exit(2);
      return;
    }
    Object google = standIn.getMethod("start").invoke(null);
    Method writeClientSecrets = standIn.getMethod("writeClientSecrets", Path.class);
    Path secrets = (Path) writeClientSecrets.invoke(google, Files.createTempDirectory("gmail-oauth-demo"));
    settings.put(AppConfig.GOOGLE_CLIENT_SECRETS, secrets.toString());
    settings.put(AppConfig.GOOGLE_API_ROOT_URL, (String) standIn.getMethod("apiRootUrl").invoke(google));
    settings.put(AppConfig.GOOGLE_REVOKE_URI, (String) standIn.getMethod("revokeUri").invoke(google));
    // Its own database: grants issued by a stand-in are worthless anywhere else.
    settings.put(AppConfig.DATABASE_URL, "jdbc:h2:file:./data/demo");
    if (AppConfig.lookup(AppConfig.TOKEN_ENCRYPTION_KEY, null) == null
        && AppConfig.lookup(AppConfig.TOKEN_ENCRYPTION_KEY_FILE, null) == null) {
      // A key kept next to the demo database, so that its tokens still decrypt on the next run.
      Path key = demoTokenKey(Path.of("data", "demo-token.key"));
      settings.put(AppConfig.TOKEN_ENCRYPTION_KEY_FILE, key.toString());
    }
  }

  /**
   * Creates {@code file} with a fresh random key unless it exists, readable by its owner only
   * where the file system allows it. The demo's database is only as private as this file.
   */
  static Path demoTokenKey(Path file) throws IOException {
    Path folder = file.toAbsolutePath().getParent();
    if (!Files.isDirectory(folder)) {
      try {
        // The demo's folder holds its database too: private to this account (see Database).
        Files.createDirectories(folder, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
      } catch (UnsupportedOperationException notPosix) {
        Files.createDirectories(folder);
      }
    }
    if (Files.exists(file)) {
      try {
        // A key written by an older build, or copied in: narrowed to its owner.
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
      } catch (UnsupportedOperationException notPosix) {
        // left as it is
      }
      return file;
    }
    byte[] key = new byte[32];
    new SecureRandom().nextBytes(key);
    try {
      // Created with rw------- rather than restricted afterwards: the key is never readable by others.
      Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
    } catch (UnsupportedOperationException notPosix) {
      Files.createFile(file);
      file.toFile().setReadable(false, false);
      file.toFile().setReadable(true, true);
      file.toFile().setWritable(false, false);
      file.toFile().setWritable(true, true);
    }
    Files.writeString(file, Base64.getEncoder().encodeToString(key) + "\n", StandardCharsets.US_ASCII);
    System.out.println("Demo mode: created a token encryption key in " + file.toAbsolutePath());
    return file;
  }
}
