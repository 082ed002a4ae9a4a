package io.github.gmailoauth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.zaxxer.hikari.HikariDataSource;
import io.github.gmailoauth.testing.Browser;
import io.github.gmailoauth.testing.TestApp;
import io.github.gmailoauth.testing.TestDatabase;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.io.Serializable;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.server.Server;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Sessions in the database ({@code SESSION_STORE=jdbc}, PostgreSQL): what a stored session weighs,
 * and that a stored session is only ever read back as the app's own small values.
 */
class DatabaseSessionsTest {
  static final Map<String, String> JDBC_SESSIONS = Map.of(AppConfig.SESSION_STORE, "jdbc");

  /** Ceiling for a session's serialised attributes: small enough to read on every request. */
  static final int MAX_SESSION_BYTES = 2048;

  @TempDir Path dir;

  @Test
  void aSessionStaysSmallWhenSignedIn() throws Exception {
    try (TestApp app = TestApp.start(dir, TestDatabase.POSTGRESQL, JDBC_SESSIONS)) {
      Browser person = signedIn(app);
      assertEquals(200, person.get(app.url("/messages")).statusCode()); // with its form token
      int signedIn = sessionBytes(app, person);

      Browser tabs = new Browser();
      HttpResponse<String> toGoogle = null;
      for (int i = 0; i < 8; i++) { // more than the five the browser's cookie keeps
        toGoogle = tabs.get(app.url("/authorize?next=%2Fmessages%3Fq%3Dinvoice"));
      }
      assertEquals(null, tabs.cookie("JSESSIONID"), "pending sign-ins make no session");
      tabs.get(Browser.location(tabs.answerConsent(Browser.location(toGoogle), true)));
      assertEquals(200, tabs.get(app.url("/messages")).statusCode());
      int signedInWithPending = sessionBytes(app, tabs);
      System.out.printf(
          "stored session attributes: %d bytes signed in, %d bytes signed in with four other"
              + " sign-ins still pending (in the browser's cookie)%n",
          signedIn, signedInWithPending);
      for (int bytes : new int[] {signedIn, signedInWithPending}) {
        assertTrue(bytes <= MAX_SESSION_BYTES, bytes + " bytes");
      }
    }
  }

  /** A class the app never keeps in a session; reading it back would run its readObject. */
  static final class Planted implements Serializable {
    private static final long serialVersionUID = 1L;
    static final AtomicBoolean READ = new AtomicBoolean();

    private void readObject(ObjectInputStream in) throws IOException, ClassNotFoundException {
      READ.set(true);
      in.defaultReadObject();
    }
  }

  @Test
  void aStoredSessionHoldingAnythingButTheAppsOwnSmallValuesIsRefusedAndDeleted() throws Exception {
    try (TestApp app = TestApp.start(dir, TestDatabase.POSTGRESQL, JDBC_SESSIONS)) {
      // The control: a row written the way Jetty writes it, with the app's own values read back
      // from the row itself, is read back.
      Browser control = signedIn(app);
      overwriteSession(app, control, storedAttributes(app, control));
      assertEquals(
          200,
          control.get(app.url("/messages")).statusCode(),
          "the hand-written row is well formed");

      List<Object> nested = new ArrayList<>();
      List<Object> deepest = nested;
      for (int i = 0; i < 20; i++) {
        List<Object> next = new ArrayList<>();
        deepest.add(next);
        deepest = next;
      }
      List<Object> long65 = new ArrayList<>(java.util.Collections.nCopies(65, "x"));
      Map<String, Map<String, Object>> refused = new LinkedHashMap<>();
      refused.put("a class the app never stores", Map.of("signedIn", new Planted()));
      refused.put("a string over 64 KiB", Map.of("csrf", "a".repeat(70_000)));
      refused.put("nesting 20 deep", Map.of("oauth.pending", nested));
      refused.put("an array of 65", Map.of("oauth.pending", long65));
      refused.put(
          "a JDK collection the app never stores",
          Map.of("signedIn", new java.util.HashMap<>(Map.of("id", "x"))));
      for (Map.Entry<String, Map<String, Object>> attack : refused.entrySet()) {
        Browser browser = signedIn(app);
        String id = overwriteSession(app, browser, attack.getValue());
        HttpResponse<String> page = browser.get(app.url("/messages"));
        assertEquals(302, page.statusCode(), attack.getKey());
        assertTrue(
            Browser.location(page).contains("/authorize"), attack.getKey() + ": not signed in");
        assertFalse(rowExists(app, id), attack.getKey() + ": the unreadable row is deleted");
      }
      assertFalse(Planted.READ.get(), "the planted class was never deserialised");
    }
  }

  @Test
  void theMigrationsRunWhenJettysSessionTableCameFirst() throws Exception {
    // On a stock Jetty the session store may create its table before the app's first migration.
    TestDatabase.Connect database = TestDatabase.POSTGRESQL.create(dir);
    try (HikariDataSource pool = new HikariDataSource()) {
      pool.setJdbcUrl(database.url());
      pool.setUsername(database.user());
      pool.setPassword(database.password());
      Server jetty = new Server();
      ServletContextHandler context = new ServletContextHandler(ServletContextHandler.SESSIONS);
      context.setSessionHandler(SharedSessions.handler(pool));
      jetty.setHandler(context);
      jetty.start();
      jetty.stop();
    }
    try (Connection c = database.open();
        ResultSet tables = c.getMetaData().getTables(null, "public", "%", new String[] {"TABLE"})) {
      assertTrue(tables.next(), "Jetty created its table");
      assertEquals("jettysessions", tables.getString("TABLE_NAME"));
      assertFalse(tables.next(), "and nothing else");
    }
    try (TestApp app = TestApp.start(dir, database, JDBC_SESSIONS)) {
      app.signIn(new Browser());
      assertEquals(1, app.grantCount());
    }
  }

  private static Browser signedIn(TestApp app) throws Exception {
    Browser browser = new Browser();
    assertEquals(302, app.signIn(browser).statusCode());
    return browser;
  }

  /** The session id as stored: the cookie's value without Jetty's ".node0" worker suffix. */
  private static String storedId(Browser browser) {
    String cookie = browser.cookie("JSESSIONID");
    return cookie.substring(0, cookie.lastIndexOf('.'));
  }

  private static int sessionBytes(TestApp app, Browser browser) throws SQLException {
    try (Connection c = app.database.open();
        PreparedStatement ps =
            c.prepareStatement("SELECT octet_length(map) FROM JettySessions WHERE sessionId = ?")) {
      ps.setString(1, storedId(browser));
      try (ResultSet rs = ps.executeQuery()) {
        assertTrue(rs.next(), "a stored session");
        return rs.getInt(1);
      }
    }
  }

  private static boolean rowExists(TestApp app, String id) throws SQLException {
    try (Connection c = app.database.open();
        PreparedStatement ps =
            c.prepareStatement("SELECT 1 FROM JettySessions WHERE sessionId = ?")) {
      ps.setString(1, id);
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next();
      }
    }
  }

  /** The browser's stored session attributes, read back as Jetty wrote them. */
  private static Map<String, Object> storedAttributes(TestApp app, Browser browser)
      throws Exception {
    try (Connection c = app.database.open();
        PreparedStatement ps =
            c.prepareStatement("SELECT map FROM JettySessions WHERE sessionId = ?")) {
      ps.setString(1, storedId(browser));
      try (ResultSet rs = ps.executeQuery()) {
        assertTrue(rs.next(), "a stored session");
        try (ObjectInputStream in =
            new ObjectInputStream(new java.io.ByteArrayInputStream(rs.getBytes(1)))) {
          Map<String, Object> attributes = new LinkedHashMap<>();
          int count = (Integer) in.readObject();
          for (int i = 0; i < count; i++) {
            String name = in.readUTF();
            in.readBoolean();
            attributes.put(name, in.readObject());
          }
          return attributes;
        }
      }
    }
  }

  /**
   * Replaces the browser's stored session attributes with {@code attributes}, written as Jetty
   * writes them (count, then name, loader flag and value for each): what someone with write access
   * to the table, or a node running other code, could leave there.
   */
  private static String overwriteSession(
      TestApp app, Browser browser, Map<String, Object> attributes) throws Exception {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
      out.writeObject(attributes.size());
      for (Map.Entry<String, Object> attribute : attributes.entrySet()) {
        out.writeUTF(attribute.getKey());
        out.writeBoolean(false); // the webapp's class loader
        out.writeObject(attribute.getValue());
      }
    }
    String id = storedId(browser);
    try (Connection c = app.database.open();
        PreparedStatement ps =
            c.prepareStatement("UPDATE JettySessions SET map = ? WHERE sessionId = ?")) {
      ps.setBytes(1, bytes.toByteArray());
      ps.setString(2, id);
      assertEquals(1, ps.executeUpdate());
    }
    return id;
  }
}
