package io.github.gmailoauth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.gmailoauth.testing.Browser;
import io.github.gmailoauth.testing.H2Outage;
import io.github.gmailoauth.testing.PageInternals;
import io.github.gmailoauth.testing.TestApp;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The database going away gives 503 pages without internals, and the app recovers by itself when it
 * returns: the H2 database is shut down and its file moved away (IFEXISTS stops H2 from creating an
 * empty one), then moved back.
 */
class DatabaseOutageTest {
  @TempDir Path dir;

  @Test
  void aDatabaseOutageGives503AndTheAppRecoversByItself() throws Exception {
    H2Outage database = H2Outage.in(dir);
    try (TestApp app = TestApp.start(dir, Map.of(AppConfig.DATABASE_URL, database.appUrl))) {
      Browser browser = new Browser();
      app.signIn(browser);
      assertEquals(200, browser.get(app.url("/messages")).statusCode());

      database.takeAway();

      HttpResponse<String> down = browser.get(app.url("/messages"));
      assertEquals(503, down.statusCode());
      assertTrue(down.body().contains("Temporarily unavailable"));
      for (String leak : PageInternals.INTERNALS) {
        assertFalse(down.body().contains(leak), leak);
      }
      assertEquals(
          200, browser.get(app.url("/")).statusCode(), "pages without the database still work");

      database.bringBack();
      assertEquals(
          200, browser.get(app.url("/messages")).statusCode(), "recovered without a restart");
    }
  }
}
