package io.github.gmailoauth;

import io.github.gmailoauth.standin.StandInGoogle;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;

/**
 * The app on a real Jetty (port 0) against the stand-in Google (127.0.0.1:0), with its H2 file in
 * a test's temporary folder.
 */
final class TestApp implements AutoCloseable {
  final StandInGoogle google;
  final MutableClock clock = new MutableClock();
  final String databaseUrl;
  private final Map<String, String> settings = new HashMap<>();
  private Server server;
  private String baseUrl;

  private TestApp(Path dir) throws Exception {
    google = StandInGoogle.start();
    databaseUrl = "jdbc:h2:file:" + dir.resolve("db").toAbsolutePath();
    settings.put(AppConfig.GOOGLE_CLIENT_SECRETS, google.writeClientSecrets(dir).toString());
    settings.put(AppConfig.GOOGLE_API_ROOT_URL, google.apiRootUrl());
    settings.put(AppConfig.GOOGLE_REVOKE_URI, google.revokeUri());
    settings.put(AppConfig.DATABASE_URL, databaseUrl);
  }

  static TestApp start(Path dir) throws Exception {
    TestApp app = new TestApp(dir);
    app.startServer();
    return app;
  }

  private void startServer() throws Exception {
    server = Main.newServer(0, settings, clock);
    server.start();
    baseUrl = "http://localhost:" + ((ServerConnector) server.getConnectors()[0]).getLocalPort();
  }

  /** Stops the app and starts a new one on the same database file (and a new port). */
  void restart() throws Exception {
    server.stop();
    startServer();
  }

  String url(String path) {
    return baseUrl + path;
  }

  /** Signs {@code browser} in from the home page's link, allowing consent; answers the callback's response. */
  HttpResponse<String> signIn(Browser browser) throws IOException, InterruptedException {
    HttpResponse<String> authorize = browser.get(url("/authorize"));
    HttpResponse<String> back = browser.answerConsent(Browser.location(authorize), true);
    return browser.get(Browser.location(back));
  }

  /** The stored grant row, column name to value; empty when there is none. */
  Map<String, Object> grantRow(String userId) throws SQLException {
    try (Connection c = DriverManager.getConnection(databaseUrl);
        PreparedStatement ps = c.prepareStatement("SELECT * FROM google_grant WHERE user_id = ?")) {
      ps.setString(1, userId);
      try (ResultSet rs = ps.executeQuery()) {
        Map<String, Object> row = new LinkedHashMap<>();
        if (rs.next()) {
          for (int i = 1; i <= rs.getMetaData().getColumnCount(); i++) {
            row.put(rs.getMetaData().getColumnLabel(i).toLowerCase(), rs.getObject(i));
          }
        }
        return row;
      }
    }
  }

  int grantCount() throws SQLException {
    try (Connection c = DriverManager.getConnection(databaseUrl);
        ResultSet rs = c.createStatement().executeQuery("SELECT COUNT(*) FROM google_grant")) {
      rs.next();
      return rs.getInt(1);
    }
  }

  @Override
  public void close() throws Exception {
    try {
      server.stop();
    } finally {
      google.close();
    }
  }
}
