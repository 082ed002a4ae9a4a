package io.github.gmailoauth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.gmailoauth.testing.Browser;
import io.github.gmailoauth.testing.TestApp;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.DriverManager;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 11, A2: the files a real start creates, the H2 database (with its folder) and the demo's
 * token key, are readable by their owner only, whatever the process's umask (022 here).
 */
class DataFilePermissionsTest {
  @TempDir Path dir;

  @Test
  void theH2DatabaseAndTheFolderItWasCreatedInAreTheOwnersOnly() throws Exception {
    Path data = dir.resolve("data");
    String url = "jdbc:h2:file:" + data.resolve("app").toAbsolutePath();
    try (TestApp app = TestApp.start(dir, Map.of(AppConfig.DATABASE_URL, url))) {
      assertEquals(302, app.signIn(new Browser()).statusCode());
      assertEquals("rwx------", permissions(data));
      assertEquals("rw-------", permissions(data.resolve("app.mv.db")));
      assertTrue(Files.size(data.resolve("app.mv.db")) > 0, "H2 wrote its database into the file");
    }
  }

  @Test
  void anExistingWorldReadableDatabaseIsNarrowedAtStart() throws Exception {
    String url = "jdbc:h2:file:" + dir.resolve("old").toAbsolutePath();
    try (Connection c = DriverManager.getConnection(url)) {
      c.createStatement().execute("CREATE TABLE t (x INT)");
    }
    Path file = dir.resolve("old.mv.db");
    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r--r--"));
    try (TestApp app = TestApp.start(dir, Map.of(AppConfig.DATABASE_URL, url))) {
      assertEquals("rw-------", permissions(file));
    }
  }

  @Test
  void theDemoTokenKeyAndItsFolderAreTheOwnersOnly() throws Exception {
    Path key = DemoLauncher.demoTokenKey(dir.resolve("data").resolve("demo-token.key"));
    assertEquals("rw-------", permissions(key));
    assertEquals("rwx------", permissions(dir.resolve("data")));
    // and the demo's database next to it
    try (TestApp app =
        TestApp.start(
            dir,
            Map.of(
                AppConfig.DATABASE_URL,
                "jdbc:h2:file:" + dir.resolve("data").resolve("demo").toAbsolutePath()))) {
      assertEquals("rw-------", permissions(dir.resolve("data").resolve("demo.mv.db")));
    }
  }

  private static String permissions(Path path) throws Exception {
    return PosixFilePermissions.toString(Files.getPosixFilePermissions(path));
  }
}
