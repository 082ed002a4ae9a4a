package io.github.gmailoauth.bench;

import io.github.gmailoauth.AppConfig;
import io.github.gmailoauth.Main;
import java.time.Clock;
import java.util.HashMap;
import java.util.Map;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.handler.ContextHandlerCollection;

/**
 * One Jetty server, configured as {@link Main#newServer} configures it, holding the app's context
 * at "/" ({@link Main#newContext}) and the baseline servlets at "/bench": the app and its baselines
 * share the server, its thread pool and its connector.
 */
final class BenchServer implements AutoCloseable {
  final Server server;
  final String base;
  final ServletContextHandler app;
  final BaselineServlets.Baseline baseline = new BaselineServlets.Baseline();

  private BenchServer(Server server, String base, ServletContextHandler app) {
    this.server = server;
    this.base = base;
    this.app = app;
  }

  static BenchServer start(Map<String, String> settings) throws Exception {
    Server server = new Server();
    HttpConfiguration http = new HttpConfiguration();
    http.setSendServerVersion(false);
    http.setSendXPoweredBy(false);
    ServerConnector connector = new ServerConnector(server, new HttpConnectionFactory(http));
    connector.setPort(0);
    server.addConnector(connector);
    connector.open();
    String base = "http://localhost:" + connector.getLocalPort();
    Map<String, String> initParams = new HashMap<>(settings);
    initParams.put(AppConfig.OAUTH_REDIRECT_URI, base + "/oauth2callback");

    AppConfig.Launcher config = AppConfig.loadLauncher(initParams::get);
    ServletContextHandler app = Main.newContext(config, Clock.systemUTC());
    ServletContextHandler bench = new ServletContextHandler();
    bench.setContextPath("/bench");
    BenchServer created = new BenchServer(server, base, app);
    bench.addServlet(new ServletHolder(new BaselineServlets.Hello()), "/hello");
    bench.addServlet(new ServletHolder(created.baseline), "/baseline");
    server.setHandler(new ContextHandlerCollection(app, bench));
    // As Main.newServer does: the access log costs the app what it costs in production.
    server.setRequestLog(Main.accessLog(config.accessLog()));
    server.setStopTimeout(5_000);
    server.start();
    return created;
  }

  String url(String path) {
    return base + path;
  }

  /** Sessions the app's session manager has created so far. */
  int sessionsCreated() {
    return app.getSessionHandler().getSessionsCreated();
  }

  @Override
  public void close() throws Exception {
    server.stop();
  }
}
