package io.github.gmailoauth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.gmailoauth.testing.Browser;
import io.github.gmailoauth.testing.TestApp;
import io.github.gmailoauth.testing.TestDatabase;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Issue 11, A2: sessions in the database ({@code SESSION_STORE=jdbc}, H2 and PostgreSQL) as someone
 * who got a copy of the database, or write access to it, would use them. A session id from the
 * table is not enough to read anyone's mail, and a signed-in user planted in the table is not
 * signed in.
 */
@ParameterizedClass
@EnumSource(TestDatabase.class)
class SessionsAtRestTest {
  static final Map<String, String> JDBC_SESSIONS = Map.of(AppConfig.SESSION_STORE, "jdbc");

  @Parameter TestDatabase kind;

  @TempDir Path dir;

  @Test
  void aSessionIdCopiedFromTheDatabaseDoesNotReadTheMail() throws Exception {
    try (TestApp app = TestApp.start(dir, kind, JDBC_SESSIONS)) {
      Browser victim = new Browser();
      app.signIn(victim);
      String email = app.google.defaultUser().email();
      HttpResponse<String> own = victim.get(app.url("/messages"));
      assertEquals(200, own.statusCode());
      assertTrue(own.body().contains(email), "the victim's own browser reads the mail");

      // The attacker has the table, not the browser: every stored id, tried as the cookie.
      List<String> ids = storedSessionIds(app);
      assertFalse(ids.isEmpty(), "the victim's session is in the table");
      for (String id : ids) {
        for (String cookie : List.of(id, id + ".node0")) {
          HttpResponse<String> stolen = send(app, "/messages", "JSESSIONID=" + cookie);
          assertFalse(stolen.body().contains(email), "a copied session id read the victim's mail");
          assertEquals(302, stolen.statusCode());
          assertTrue(Browser.location(stolen).contains("/authorize"), Browser.location(stolen));
        }
      }
      assertEquals(
          200, victim.get(app.url("/messages")).statusCode(), "the victim is still signed in");
    }
  }

  @Test
  void aSignedInUserPlantedInTheTableIsNotSignedIn() throws Exception {
    try (TestApp app = TestApp.start(dir, kind, JDBC_SESSIONS)) {
      // The victim has a grant; the attacker signs in as themselves, with ids of the same length.
      String victimId = app.google.defaultUser().id();
      String victimEmail = app.google.defaultUser().email();
      String attackerId = "117999999999999999999";
      String attackerEmail = "evil@example.com";
      assertEquals(victimId.length(), attackerId.length());
      assertEquals(victimEmail.length(), attackerEmail.length());
      app.google.addUser(attackerId, attackerEmail, "Attacker");
      app.signIn(new Browser());

      Browser attacker = new Browser();
      HttpResponse<String> toGoogle =
          attacker.get(app.url("/authorize?login_hint=" + attackerEmail));
      attacker.get(Browser.location(attacker.answerConsent(Browser.location(toGoogle), true)));
      HttpResponse<String> own = attacker.get(app.url("/messages"));
      assertEquals(200, own.statusCode());
      assertTrue(own.body().contains(attackerEmail));

      // With write access to the table, the attacker puts the victim's id and address into their
      // own stored session, wherever the app keeps them.
      int changed = 0;
      try (Connection c = app.database.open();
          PreparedStatement read = c.prepareStatement("SELECT sessionId, map FROM JettySessions");
          ResultSet rows = read.executeQuery()) {
        while (rows.next()) {
          byte[] map = rows.getBytes("map");
          byte[] planted = replace(replace(map, attackerId, victimId), attackerEmail, victimEmail);
          if (!java.util.Arrays.equals(map, planted)) {
            try (PreparedStatement write =
                c.prepareStatement("UPDATE JettySessions SET map = ? WHERE sessionId = ?")) {
              write.setBytes(1, planted);
              write.setString(2, rows.getString("sessionId"));
              changed += write.executeUpdate();
            }
          }
        }
      }
      assertEquals(1, changed, "the attacker's session row was rewritten");

      HttpResponse<String> page = attacker.get(app.url("/messages"));
      assertFalse(page.body().contains(victimEmail), "the planted user read the victim's mail");
      assertEquals(302, page.statusCode());
    }
  }

  private static List<String> storedSessionIds(TestApp app) throws Exception {
    List<String> ids = new ArrayList<>();
    try (Connection c = app.database.open();
        ResultSet rs = c.createStatement().executeQuery("SELECT sessionId FROM JettySessions")) {
      while (rs.next()) {
        ids.add(rs.getString(1));
      }
    }
    return ids;
  }

  private static HttpResponse<String> send(TestApp app, String path, String cookie)
      throws Exception {
    return HttpClient.newHttpClient()
        .send(
            HttpRequest.newBuilder(URI.create(app.url(path))).header("Cookie", cookie).build(),
            HttpResponse.BodyHandlers.ofString());
  }

  /** {@code bytes} with every occurrence of {@code from} replaced by {@code to} (same length). */
  static byte[] replace(byte[] bytes, String from, String to) {
    byte[] f = from.getBytes(StandardCharsets.UTF_8);
    byte[] t = to.getBytes(StandardCharsets.UTF_8);
    byte[] out = bytes.clone();
    for (int i = 0; i + f.length <= out.length; i++) {
      if (java.util.Arrays.equals(out, i, i + f.length, f, 0, f.length)) {
        System.arraycopy(t, 0, out, i, t.length);
      }
    }
    return out;
  }
}
