package io.github.gmailoauth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The database going away gives 503 pages without internals, and the app recovers by itself when
 * it returns: the H2 database is shut down and its file moved away (IFEXISTS stops H2 from
 * creating an empty one), then moved back.
 */
class DatabaseOutageTest {
  @TempDir Path dir;

  @Test
  void aDatabaseOutageGives503AndTheAppRecoversByItself() throws Exception {
    String url = TestApp.databaseUrl(dir);
    try (Connection create = DriverManager.getConnection(url)) {
      create.isValid(1); // creates the empty database file
    }
    try (TestApp app = TestApp.start(dir, Map.of(AppConfig.DATABASE_URL, url + ";IFEXISTS=TRUE"))) {
      Browser browser = new Browser();
      app.signIn(browser);
      assertEquals(200, browser.get(app.url("/messages")).statusCode());

      Path file = dir.resolve("db.mv.db");
      Path away = dir.resolve("db.mv.db.away");
      try (Connection c = DriverManager.getConnection(url + ";IFEXISTS=TRUE")) {
        c.createStatement().execute("SHUTDOWN");
      }
      Files.move(file, away);

      HttpResponse<String> down = browser.get(app.url("/messages"));
      assertEquals(503, down.statusCode());
      assertTrue(down.body().contains("Temporarily unavailable"));
      for (String leak : ErrorPagesTest.INTERNALS) {
        assertFalse(down.body().contains(leak), leak);
      }
      assertEquals(200, browser.get(app.url("/")).statusCode(), "pages without the database still work");

      Files.move(away, file);
      assertEquals(200, browser.get(app.url("/messages")).statusCode(), "recovered without a restart");
    }
  }
}
