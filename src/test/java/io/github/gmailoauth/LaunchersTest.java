package io.github.gmailoauth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.gmailoauth.testing.Await;
import io.github.gmailoauth.testing.Browser;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The launchers as they are run: each in its own JVM on the test classpath, in a folder of its own
 * (the demo keeps its database and key under {@code ./data}), with none of the Google or key
 * settings in its environment.
 */
class LaunchersTest {
  @TempDir Path dir;

  @Test
  void mainWithoutGoogleClientSecretsStopsAtOnceNamingTheSettingAndStartsNoDemo() throws Exception {
    Process process = launch(Main.class);
    try {
      assertTrue(process.waitFor(60, TimeUnit.SECONDS), "Main stops rather than serving");
      assertEquals(2, process.exitValue());
      String stderr = Files.readString(dir.resolve("err.log"), StandardCharsets.UTF_8);
      assertTrue(stderr.contains("cannot start"), stderr);
      assertTrue(
          stderr.contains(AppConfig.GOOGLE_CLIENT_SECRETS + " (path to client_secrets.json"),
          stderr);
      assertTrue(stderr.contains(AppConfig.TOKEN_ENCRYPTION_KEY), stderr);
      assertFalse(stderr.contains("\tat "), "a message, not a stack trace: " + stderr);
      assertFalse(Files.exists(dir.resolve("data")), "no demo database or key");
    } finally {
      stop(process);
    }
  }

  @Test
  void theDemoLauncherServesTheSampleMailboxFromTheStandInWithItsDatabaseAndKeyInData()
      throws Exception {
    Process process = launch(DemoLauncher.class);
    try {
      Path out = dir.resolve("out.log");
      Pattern open = Pattern.compile("Open http://localhost:(\\d+)/ in your browser");
      Await.until(
          Duration.ofSeconds(60),
          "the demo says where to open it",
          () ->
              Files.exists(out)
                  && open.matcher(Files.readString(out, StandardCharsets.UTF_8)).find());
      String printed = Files.readString(out, StandardCharsets.UTF_8);
      assertTrue(printed.contains("Demo mode: no GOOGLE_CLIENT_SECRETS"), printed);
      Matcher port = open.matcher(printed);
      assertTrue(port.find());
      String base = "http://localhost:" + port.group(1);

      Browser browser = new Browser();
      HttpResponse<String> home = browser.get(base + "/");
      assertEquals(200, home.statusCode());
      HttpResponse<String> consent =
          browser.answerConsent(Browser.location(browser.get(base + "/authorize")), true);
      HttpResponse<String> callback = browser.get(Browser.location(consent));
      assertEquals(base + "/messages", Browser.location(callback));
      HttpResponse<String> messages = browser.get(base + "/messages");
      assertEquals(200, messages.statusCode());
      assertTrue(
          messages.body().contains("demo@example.com"), "the stand-in's demo user is signed in");

      assertTrue(
          Files.size(dir.resolve("data").resolve("demo.mv.db")) > 0,
          "the demo's H2 file in ./data");
      assertEquals(
          45,
          Files.readString(dir.resolve(DemoLauncher.DEMO_TOKEN_KEY)).length(),
          "the demo's key in ./data: base64 of 32 bytes and a line end");
    } finally {
      stop(process);
    }
  }

  /**
   * {@code java -cp <test classpath> launcher} in {@link #dir}, PORT=0, output into out.log and
   * err.log.
   */
  private Process launch(Class<?> launcher) throws Exception {
    String java =
        ProcessHandle.current()
            .info()
            .command()
            .orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    ProcessBuilder builder =
        new ProcessBuilder(
                java,
                "-XX:TieredStopAtLevel=1",
                "-cp",
                System.getProperty("java.class.path"),
                launcher.getName())
            .directory(dir.toFile())
            .redirectOutput(dir.resolve("out.log").toFile())
            .redirectError(dir.resolve("err.log").toFile());
    Map<String, String> env = builder.environment();
    List.of(
            AppConfig.GOOGLE_CLIENT_SECRETS,
            AppConfig.TOKEN_ENCRYPTION_KEY,
            AppConfig.TOKEN_ENCRYPTION_KEY_FILE,
            AppConfig.OAUTH_REDIRECT_URI,
            AppConfig.GOOGLE_API_ROOT_URL,
            AppConfig.GOOGLE_REVOKE_URI,
            AppConfig.DATABASE_URL,
            AppConfig.HTTPS,
            AppConfig.SESSION_STORE)
        .forEach(env::remove);
    env.put(AppConfig.PORT, "0");
    return builder.start();
  }

  private static void stop(Process process) throws InterruptedException {
    process.destroy();
    if (!process.waitFor(20, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      process.waitFor(20, TimeUnit.SECONDS);
    }
  }
}
