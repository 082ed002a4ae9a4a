package io.github.gmailoauth;

import com.zaxxer.hikari.HikariDataSource;
import io.github.gmailoauth.metrics.AppMetrics;
import io.github.gmailoauth.metrics.MetricsServlet;
import io.github.gmailoauth.web.SessionLoadFailures;
import io.micrometer.core.instrument.binder.jetty.JettyServerThreadPoolMetrics;
import java.io.IOException;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.eclipse.jetty.ee10.servlet.ErrorPageErrorHandler;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.server.CustomRequestLog;
import org.eclipse.jetty.server.ForwardedRequestCustomizer;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.RequestLog;
import org.eclipse.jetty.server.RequestLogWriter;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.handler.ContextHandlerCollection;
import org.eclipse.jetty.server.handler.GracefulHandler;
import org.eclipse.jetty.session.DefaultSessionCache;
import org.eclipse.jetty.util.component.LifeCycle;

/**
 * The embedded launcher: builds the app's Jetty server from the settings ({@link #newServer}) and,
 * as {@link #main}, runs it against the Google client named by {@code GOOGLE_CLIENT_SECRETS}.
 *
 * <p>Demo mode (a stand-in Google, no credentials) is not here: it is the test-scope {@code
 * DemoLauncher} that {@code mvn test-compile exec:java} runs, which starts the stand-in and then
 * this server. Neither is ever packaged in the WAR.
 */
public final class Main {
  /**
   * The access log's line: client address, time, method, path, protocol, status, bytes sent,
   * milliseconds taken and the request id ({@code X-Request-Id} as answered). {@code %U} is the
   * path <em>without</em> its query string: the callback's query carries the one-time {@code code}
   * and {@code state}, and a search's query what someone searched their mail for, so neither {@code
   * %r} nor {@code %q} may ever appear here. A stock Jetty uses the same string (README, "Deploying
   * the WAR to a stock Jetty 12").
   */
  public static final String ACCESS_LOG_FORMAT =
      "%{client}a - - %t \"%m %U %H\" %s %O %{ms}T %{X-Request-Id}o";

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

  /**
   * A configured, not yet started server on {@code port} (0: any free one); {@code settings} are
   * read as context init-parameters would be, after system properties and environment variables.
   *
   * @throws AppConfig.ConfigException naming every missing or unusable setting
   */
  public static Server newServer(int port, Map<String, String> settings) throws IOException {
    return newServer(port, settings, Clock.systemUTC());
  }

  public static Server newServer(int port, Map<String, String> settings, Clock clock)
      throws IOException {
    return newServer(AppConfig.loadLauncher(settings::get).onPort(port), clock);
  }

  /** A configured, not yet started server on the settings' port. */
  public static Server newServer(AppConfig.Launcher config, Clock clock) throws IOException {
    Server server = new Server();
    HttpConfiguration http = new HttpConfiguration();
    http.setSendServerVersion(false);
    http.setSendXPoweredBy(false);
    // Redirects within the app go out as sent ("/messages"), never made absolute from the
    // request's Host or X-Forwarded-Host (Jetty 12's default; stated because it matters here).
    http.setRelativeRedirectAllowed(true);
    if (config.forwardedHeaders()) {
      // Behind a TLS proxy: take scheme, host and client address from Forwarded / X-Forwarded-*,
      // so that request.isSecure() is true for what browsers sent over https (Secure cookie, HSTS).
      // Only safe when the proxy overwrites these headers; the stock-Jetty equivalent is the
      // `forwarded` module. The redirect URI sent to Google never depends on them.
      http.addCustomizer(new ForwardedRequestCustomizer());
    }
    ServerConnector connector = new ServerConnector(server, new HttpConnectionFactory(http));
    connector.setPort(config.port());
    server.addConnector(connector);

    if (config.redirectUriFollowsPort()) {
      // Bind now so that port 0 is resolved before the app gets its redirect URI.
      connector.open();
      config = config.onPort(connector.getLocalPort());
    }

    AppMetrics metrics = metricsFor(config);
    // Jetty's request threads, by Micrometer's Jetty 12 binder (jetty_threads_...).
    metrics.watch(new JettyServerThreadPoolMetrics(server.getThreadPool(), List.of()));
    ServletContextHandler context = newContext(config, clock, metrics);
    server.setErrorHandler(new ErrorPagesOfTheServer());
    server.setRequestLog(accessLog(config.accessLog()));
    // Stopping lets requests in flight finish (new connections are refused, new requests on open
    // connections get 503) for at most the stop timeout; then connections are closed and the
    // threads still working are interrupted. The stock-Jetty equivalent is the `graceful` module
    // with jetty.server.stopTimeout.
    server.setHandler(new GracefulHandler(withMetricsPort(server, config, context, metrics)));
    server.setStopTimeout(config.stopTimeout().toMillis());
    return server;
  }

  /**
   * The app's servlet context at "/", not yet started. {@link #newServer} mounts it as the server's
   * only handler; the benchmarks mount it beside their baseline servlets on one server.
   *
   * <p>The node's connection pool is opened (and the schema migrated) here already, because with
   * {@code SESSION_STORE=jdbc} the session handler needs it before the context starts; the app uses
   * the same pool, which closes when the context stops.
   */
  public static ServletContextHandler newContext(AppConfig.Launcher config, Clock clock) {
    return newContext(config, clock, metricsFor(config));
  }

  // Issue 16, metrics.
  /** Collecting when a metrics setting asks for it, else {@link AppMetrics#OFF}. */
  private static AppMetrics metricsFor(AppConfig.Launcher config) {
    return config.metricsOn() ? AppMetrics.collecting() : AppMetrics.OFF;
  }

  /**
   * {@code context} alone, or with {@code METRICS_PORT} a second connector that serves {@code
   * /metrics} and nothing else beside it: the app's context answers on the app's connector only, a
   * bare context with the metrics servlet on the other (neither sees the other's requests).
   */
  private static org.eclipse.jetty.server.Handler withMetricsPort(
      Server server, AppConfig.Launcher config, ServletContextHandler context, AppMetrics metrics) {
    if (config.metricsPort() == null) {
      return context;
    }
    ((ServerConnector) server.getConnectors()[0]).setName("app");
    context.setVirtualHosts(List.of("@app"));
    HttpConfiguration http = new HttpConfiguration();
    http.setSendServerVersion(false);
    http.setSendXPoweredBy(false);
    ServerConnector connector = new ServerConnector(server, new HttpConnectionFactory(http));
    connector.setName("metrics");
    connector.setPort(config.metricsPort());
    server.addConnector(connector);
    ServletContextHandler scrape = new ServletContextHandler(ServletContextHandler.NO_SESSIONS);
    scrape.setContextPath("/");
    scrape.setVirtualHosts(List.of("@metrics"));
    scrape.addServlet(
        new ServletHolder(new MetricsServlet(metrics, config.app().metricsToken())),
        MetricsServlet.PATH);
    return new ContextHandlerCollection(context, scrape);
  }

  /** The app's context whose metrics are {@code metrics}, closed when the context stops. */
  private static ServletContextHandler newContext(
      AppConfig.Launcher config, Clock clock, AppMetrics metrics) {
    ServletContextHandler context = new ServletContextHandler(ServletContextHandler.SESSIONS);
    context.setContextPath("/");
    HikariDataSource pool = Database.open(config.app());
    SessionLoadFailures loadFailures = SessionLoadFailures.NONE;
    if (config.sessionStore() == AppConfig.SessionStore.JDBC) {
      // Sessions in the app's database, on the app's pool, shared by every node.
      loadFailures = new SessionLoadFailures();
      context.setSessionHandler(SharedSessions.handler(pool, loadFailures));
    }
    context.addEventListener(new GmailApp(config.app(), pool, loadFailures, clock, metrics));
    context.addEventListener(
        new LifeCycle.Listener() {
          @Override
          public void lifeCycleStopped(LifeCycle event) {
            pool.close();
            metrics.close();
          }
        });
    if (config.app().metricsToken() != null && config.metricsPort() == null) {
      // On the app's port, behind the token.
      context.addServlet(
          new ServletHolder(new MetricsServlet(metrics, config.app().metricsToken())),
          MetricsServlet.PATH);
    }
    if (config.sessionStore() == AppConfig.SessionStore.MEMORY) {
      // Only sessions in memory can be counted here; the cache exists once the context started.
      metrics.watchSessions(
          () ->
              context.getSessionHandler().getSessionCache() instanceof DefaultSessionCache cache
                  ? cache.getSessionsCurrent()
                  : Double.NaN);
    }
    // Every error status and uncaught exception inside the app: its own generic page (the WAR
    // gets the same from web.xml's <error-page>).
    ErrorPageErrorHandler errorPages = new ErrorPageErrorHandler();
    errorPages.addErrorPage(ErrorPageErrorHandler.GLOBAL_ERROR_PAGE, "/error");
    context.setErrorHandler(errorPages);
    return context;
  }

  /**
   * Runs the app against the Google client named by {@code GOOGLE_CLIENT_SECRETS}, until Ctrl+C.
   */
  public static void main(String[] args) throws Exception {
    run(
        Map.of(),
        app -> "Using the Google client " + app.clientId() + ", consent at " + app.authOrigin());
  }

  /**
   * Reads every setting ({@code settings} last), starts the server on {@code PORT}, prints the
   * {@code banner} of the app's settings and where to open the app, and serves until the JVM stops.
   * Settings that are missing or unusable are printed, all of them, and the JVM exits with status
   * 2.
   */
  public static void run(Map<String, String> settings, Function<AppConfig, String> banner)
      throws Exception {
    AppConfig.Launcher config;
    try {
      config = AppConfig.loadLauncher(settings::get);
    } catch (AppConfig.ConfigException e) {
      System.err.println(e.getMessage());
      System.exit(2);
      return;
    }
    Server server = newServer(config, Clock.systemUTC());
    server.setStopAtShutdown(true);
    server.start();
    int actualPort = ((ServerConnector) server.getConnectors()[0]).getLocalPort();
    System.out.println();
    System.out.println(banner.apply(config.app()));
    System.out.println("Open http://localhost:" + actualPort + "/ in your browser. Ctrl+C stops.");
    System.out.println();
    server.join();
  }
}
