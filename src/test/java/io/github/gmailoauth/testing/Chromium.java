package io.github.gmailoauth.testing;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.logging.Level;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.logging.LoggingPreferences;

/**
 * Debian's headless {@code chromium} driven by its {@code chromium-driver}, as the browser tests
 * start it: a profile of its own in a test's folder, no background traffic of Chromium's own, a
 * 1200 x 900 window. Without the two packages a browser test fails rather than skips.
 */
public final class Chromium {
  public static final Path BINARY =
      Path.of(System.getProperty("chromium.binary", "/usr/bin/chromium"));
  public static final Path DRIVER =
      Path.of(System.getProperty("chromedriver.binary", "/usr/bin/chromedriver"));

  private final Path profile;
  private String proxy;
  private Path downloads;
  private boolean networkLog;

  private Chromium(Path profile) {
    this.profile = profile;
  }

  /** A Chromium whose profile lives in {@code profile} (a test's temporary folder). */
  public static Chromium withProfile(Path profile) {
    return new Chromium(profile);
  }

  /**
   * Sends every request for a host other than localhost / 127.0.0.1 through the proxy at {@code
   * hostAndPort} (Chromium never proxies loopback by default): a {@link RecordingProxy} then sees
   * each one, whatever frame or process started it.
   */
  public Chromium proxy(String hostAndPort) {
    this.proxy = hostAndPort;
    return this;
  }

  /** Saves downloads to {@code folder} without asking. */
  public Chromium downloadsTo(Path folder) {
    this.downloads = folder;
    return this;
  }

  /**
   * Keeps Chromium's DevTools events (Network.*, Page.*) in the driver's "performance" log, which
   * {@link NetworkLog} reads.
   */
  public Chromium recordingNetwork() {
    this.networkLog = true;
    return this;
  }

  public ChromeDriver start() {
    assertTrue(
        Files.isExecutable(BINARY) && Files.isExecutable(DRIVER),
        "the browser test needs "
            + BINARY
            + " and "
            + DRIVER
            + ": apt-get install chromium chromium-driver");
    ChromeOptions options = new ChromeOptions();
    options.setBinary(BINARY.toFile());
    options.addArguments(
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--user-data-dir=" + profile);
    if (proxy != null) {
      options.addArguments("--proxy-server=http://" + proxy);
    }
    if (downloads != null) {
      Map<String, Object> prefs = new HashMap<>();
      prefs.put("download.default_directory", downloads.toAbsolutePath().toString());
      prefs.put("download.prompt_for_download", false);
      prefs.put("safebrowsing.enabled", false);
      options.setExperimentalOption("prefs", prefs);
    }
    if (networkLog) {
      LoggingPreferences logs = new LoggingPreferences();
      logs.enable(LogType.PERFORMANCE, Level.ALL);
      options.setCapability("goog:loggingPrefs", logs);
      options.setExperimentalOption(
          "perfLoggingPrefs", Map.of("enableNetwork", true, "enablePage", true));
    }
    ChromeDriverService service =
        new ChromeDriverService.Builder()
            .usingDriverExecutable(DRIVER.toFile())
            .usingAnyFreePort()
            .build();
    ChromeDriver driver = new ChromeDriver(service, options);
    driver.manage().window().setSize(new Dimension(1200, 900));
    if (downloads != null) {
      // Headless Chromium ignores the download preference unless told over DevTools.
      driver.executeCdpCommand(
          "Browser.setDownloadBehavior",
          Map.of(
              "behavior",
              "allow",
              "downloadPath",
              downloads.toAbsolutePath().toString(),
              "eventsEnabled",
              true));
    }
    return driver;
  }
}
