package io.github.gmailoauth.testing;

import io.github.gmailoauth.AppConfig;
import io.github.gmailoauth.Main;
import io.github.gmailoauth.oauth.TokenCipher;
import io.github.gmailoauth.standin.StandInGoogle;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;

/**
 * The app on a real Jetty (port 0) against the stand-in Google (127.0.0.1:0), with its H2 file in a
 * test's temporary folder, or a fresh database on the tests' PostgreSQL ({@link TestDatabase}).
 */
public final class TestApp implements AutoCloseable {
  /** The token encryption key every test app starts with (base64 of 32 bytes). */
  public static final String TOKEN_KEY = "4xgBwH1aYsslpsvkbWWj7ozXzOi1yl3SDr1KhRUv2xo=";

  /** A second key, for rotation. */
  public static final String OTHER_TOKEN_KEY = "FVXOi55QGce6ZrwIa78KrLIZUayUaWU3H/gV3HaNjTM=";

  /**
   * The address browsers and Google know when several nodes stand behind one load balancer; the
   * test plays the balancer and picks the node (nothing listens there).
   */
  public static final String BALANCER = "http://localhost:1";

  /** Knows both test keys, whichever of them the app currently uses. */
  public static final TokenCipher TEST_KEYS =
      TokenCipher.fromBase64Keys(TOKEN_KEY + "," + OTHER_TOKEN_KEY);

  public final StandInGoogle google;
  public final MutableClock clock = new MutableClock();
  public final String databaseUrl;

  /** The access log of this node (a file, to keep test output quiet). */
  public final Path accessLog;

  /** The database of this app (and of its second nodes): URL, user and password. */
  public final TestDatabase.Connect database;

  private final Map<String, String> settings = new HashMap<>();
  private Server server;
  private String baseUrl;

  /** Where the app listens: port 0 on localhost, unless {@link #startOnLoopback} chose. */
  private int port;

  private String host = "localhost";

  /** False for a second node, which shares the first node's stand-in Google and database. */
  private final boolean ownsGoogle;

  private TestApp(TestApp first) {
    google = first.google;
    databaseUrl = first.databaseUrl;
    database = first.database;
    settings.putAll(first.settings);
    try {
      accessLog =
          java.nio.file.Files.createTempFile(first.accessLog.getParent(), "access-node-", ".log");
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
    settings.put(AppConfig.ACCESS_LOG, accessLog.toString());
    ownsGoogle = false;
  }

  /**
   * A second app instance (node) on the same database and the same Google, with its own server,
   * sessions and clock: what several Jetty nodes behind a load balancer look like.
   */
  public TestApp secondNode() throws Exception {
    TestApp node = new TestApp(this);
    node.clock.advance(Duration.between(node.clock.instant(), clock.instant()));
    node.startServer();
    return node;
  }

  private TestApp(Path dir, TestDatabase.Connect database) throws Exception {
    ownsGoogle = true;
    google = StandInGoogle.start();
    this.database = database;
    databaseUrl = database.url();
    settings.put(AppConfig.GOOGLE_CLIENT_SECRETS, google.writeClientSecrets(dir).toString());
    settings.put(AppConfig.GOOGLE_API_ROOT_URL, google.apiRootUrl());
    settings.put(AppConfig.GOOGLE_REVOKE_URI, google.revokeUri());
    settings.put(AppConfig.RISC_JWKS_URI, google.riscJwksUri());
    settings.putAll(database.settings());
    settings.put(AppConfig.TOKEN_ENCRYPTION_KEY, TOKEN_KEY);
    accessLog = dir.resolve("access.log");
    settings.put(AppConfig.ACCESS_LOG, accessLog.toString());
  }

  /** The H2 database a test app in {@code dir} uses (before it starts, too). */
  public static String databaseUrl(Path dir) {
    return "jdbc:h2:file:" + dir.resolve("db").toAbsolutePath();
  }

  /** The id of the key {@code base64Key} (the first of its setting) as stored in key_id. */
  public static String keyId(String base64Key) {
    return TokenCipher.fromBase64Keys(base64Key).currentKeyId();
  }

  public static TestApp start(Path dir) throws Exception {
    return start(dir, Map.of());
  }

  /** Starts with {@code extraSettings} added to (or replacing) the test settings. */
  public static TestApp start(Path dir, Map<String, String> extraSettings) throws Exception {
    return start(dir, TestDatabase.H2, extraSettings);
  }

  /** Starts on a new database of {@code database}'s kind, with {@code extraSettings} added. */
  public static TestApp start(Path dir, TestDatabase database, Map<String, String> extraSettings)
      throws Exception {
    return start(dir, database.create(dir), extraSettings);
  }

  /** Starts on {@code database} as it is, with {@code extraSettings} added. */
  public static TestApp start(
      Path dir, TestDatabase.Connect database, Map<String, String> extraSettings) throws Exception {
    TestApp app = new TestApp(dir, database);
    app.settings.putAll(extraSettings);
    app.startServer();
    return app;
  }

  /**
   * Starts on a free port of 127.0.0.1, with the redirect URI {@code
   * http://127.0.0.1:PORT/oauth2callback} and {@code extraSettings} added: for authorization
   * servers that accept a loopback redirect URI on any port (RFC 8252 §7.3) but refuse {@code
   * localhost} (Spring Authorization Server). The port is known before the app reads its settings,
   * so it is picked first (a free one, closed again; tried anew if another process took it
   * meanwhile).
   */
  public static TestApp startOnLoopback(Path dir, Map<String, String> extraSettings)
      throws Exception {
    TestApp app = new TestApp(dir, TestDatabase.H2.create(dir));
    app.settings.putAll(extraSettings);
    app.host = "127.0.0.1";
    for (int attempt = 1; ; attempt++) {
      try (java.net.ServerSocket probe =
          new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
        app.port = probe.getLocalPort();
      }
      app.settings.put(
          AppConfig.OAUTH_REDIRECT_URI, "http://127.0.0.1:" + app.port + "/oauth2callback");
      try {
        app.startServer();
        return app;
      } catch (IOException e) {
        if (attempt == 3) {
          app.google.close();
          throw e;
        }
      }
    }
  }

  private void startServer() throws Exception {
    server = Main.newServer(port, settings, clock);
    server.start();
    baseUrl = "http://" + host + ":" + ((ServerConnector) server.getConnectors()[0]).getLocalPort();
  }

  /** Stops the app and starts a new one on the same database file (and a new port). */
  public void restart() throws Exception {
    restart(Map.of(), null);
  }

  /** Restarts with {@code changes} applied to the settings (a null value removes the setting). */
  public void restart(Map<String, String> changes) throws Exception {
    restart(changes, null);
  }

  /**
   * Restarts with {@code changes} applied to the settings, running {@code whileStopped} (if any) on
   * the database while no app has it open.
   */
  public void restart(Map<String, String> changes, DatabaseWork whileStopped) throws Exception {
    server.stop();
    if (whileStopped != null) {
      whileStopped.run(databaseUrl);
    }
    changes.forEach(
        (name, value) -> {
          if (value == null) {
            settings.remove(name);
          } else {
            settings.put(name, value);
          }
        });
    startServer();
  }

  public interface DatabaseWork {
    void run(String databaseUrl) throws Exception;
  }

  /** Stops the app (not the stand-in Google), e.g. to read its closed database file. */
  public void stop() throws Exception {
    server.stop();
  }

  public String url(String path) {
    return baseUrl + path;
  }

  /** The port the app listens on (stays known after a stop, to check that it no longer accepts). */
  public int port() {
    return java.net.URI.create(baseUrl).getPort();
  }

  /**
   * Signs {@code browser} in from the home page's link, allowing consent; answers the callback's
   * response.
   */
  public HttpResponse<String> signIn(Browser browser) throws IOException, InterruptedException {
    HttpResponse<String> authorize = browser.get(url("/authorize"));
    HttpResponse<String> back = browser.answerConsent(Browser.location(authorize), true);
    return browser.get(Browser.location(back));
  }

  /**
   * The stored grant row, column name to value, with the token columns decrypted by the test keys
   * (a row without key_id is shown as stored); empty when there is none.
   */
  public Map<String, Object> grantRow(String userId) throws SQLException {
    Map<String, Object> row = rawGrantRow(userId);
    if (!row.isEmpty() && row.get("key_id") != null) {
      String keyId = (String) row.get("key_id");
      try {
        row.put(
            "refresh_token",
            TEST_KEYS.decrypt(
                keyId,
                (String) row.get("refresh_token"),
                TokenCipher.Column.REFRESH_TOKEN,
                userId));
        row.put(
            "access_token",
            TEST_KEYS.decrypt(
                keyId, (String) row.get("access_token"), TokenCipher.Column.ACCESS_TOKEN, userId));
      } catch (TokenCipher.UndecryptableException e) {
        throw new IllegalStateException(
            "the row of " + userId + " does not decrypt: " + e.failure());
      }
    }
    return row;
  }

  /**
   * The stored grant row exactly as in the table, column name to value; empty when there is none.
   */
  public Map<String, Object> rawGrantRow(String userId) throws SQLException {
    return userRow("google_grant", userId);
  }

  /**
   * The row of {@code userId} in {@code table} (a table keyed by {@code user_id}) exactly as
   * stored, column name (lower case) to value; empty when there is none.
   */
  public Map<String, Object> userRow(String table, String userId) throws SQLException {
    try (Connection c = database.open();
        PreparedStatement ps =
            c.prepareStatement("SELECT * FROM " + table + " WHERE user_id = ?")) {
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

  /** The port of the connector named {@code name} (the launcher's "metrics" one, issue 16). */
  public int connectorPort(String name) {
    for (org.eclipse.jetty.server.Connector connector : server.getConnectors()) {
      if (name.equals(connector.getName())) {
        return ((ServerConnector) connector).getLocalPort();
      }
    }
    throw new IllegalStateException("no connector named " + name);
  }

  /** Sessions this node's session handler has created since it started. */
  public int sessionsCreated() {
    return server
        .getDescendant(org.eclipse.jetty.ee10.servlet.ServletContextHandler.class)
        .getSessionHandler()
        .getSessionsCreated();
  }

  /** Rows in Jetty's session table (SESSION_STORE=jdbc, which creates it at start). */
  public int sessionRows() throws SQLException {
    try (Connection c = database.open();
        ResultSet rs = c.createStatement().executeQuery("SELECT COUNT(*) FROM JettySessions")) {
      rs.next();
      return rs.getInt(1);
    }
  }

  public int grantCount() throws SQLException {
    try (Connection c = database.open();
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
      if (ownsGoogle) {
        google.close();
      }
    }
  }
}
