package io.github.gmailoauth;

import java.lang.reflect.Method;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.HashMap;
import java.util.Map;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;

/**
 * The embedded launcher for development: {@code mvn test-compile exec:java}.
 *
 * <p>Without {@code GOOGLE_CLIENT_SECRETS} it runs in demo mode against the stand-in Google from
 * the test sources, which is never packaged in the WAR; a deployed WAR therefore cannot enter demo
 * mode. With it, the same command runs against real Google.
 */
public final class Main {
  private static final String STAND_IN = "io.github.gmailoauth.standin.StandInGoogle";

  private Main() {}

  /** A configured, not yet started server; {@code settings} act as context init-parameters. */
  public static Server newServer(int port, Map<String, String> settings) throws Exception {
    return newServer(port, settings, Clock.systemUTC());
  }

  public static Server newServer(int port, Map<String, String> settings, Clock clock) throws Exception {
    Server server = new Server();
    HttpConfiguration http = new HttpConfiguration();
    http.setSendServerVersion(false);
    http.setSendXPoweredBy(false);
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

    ServletContextHandler context = new ServletContextHandler(ServletContextHandler.SESSIONS);
    context.setContextPath("/");
    initParams.forEach(context::setInitParameter);
    context.addEventListener(new GmailApp(clock));
    server.setHandler(context);
    server.setStopTimeout(5_000);
    return server;
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
  }
}
