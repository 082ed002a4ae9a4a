package io.github.gmailoauth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The one journey a person takes, in a real headless Chromium: home page, "Sign in with Google",
 * Allow on the (stand-in) consent page, the message list, a search, the next page. Needs Debian's
 * {@code chromium} and {@code chromium-driver}; without them this test fails rather than skips.
 */
class BrowserJourneyTest {
  static final Path CHROMIUM = Path.of(System.getProperty("chromium.binary", "/usr/bin/chromium"));
  static final Path CHROMEDRIVER = Path.of(System.getProperty("chromedriver.binary", "/usr/bin/chromedriver"));
  /** The README shows this picture; every run of the test refreshes it. */
  static final Path SCREENSHOT = Path.of("src", "docs", "messages.png");

  @TempDir Path dir;
  TestApp app;
  ChromeDriver driver;

  @BeforeEach
  void start() throws Exception {
    assertTrue(Files.isExecutable(CHROMIUM) && Files.isExecutable(CHROMEDRIVER),
        "the browser test needs " + CHROMIUM + " and " + CHROMEDRIVER
            + ": apt-get install chromium chromium-driver");
    app = TestApp.start(dir);
    ChromeOptions options = new ChromeOptions();
    options.setBinary(CHROMIUM.toFile());
    options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
        "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--user-data-dir=" + dir.resolve("chromium-profile"));
    ChromeDriverService service = new ChromeDriverService.Builder()
        .usingDriverExecutable(CHROMEDRIVER.toFile())
        .usingAnyFreePort()
        .build();
    driver = new ChromeDriver(service, options);
    driver.manage().window().setSize(new Dimension(1200, 900));
  }

  @AfterEach
  void stop() throws Exception {
    try {
      if (driver != null) {
        driver.quit();
      }
    } finally {
      if (app != null) {
        app.close();
      }
    }
  }

  @Test
  void aPersonSignsInWithGoogleAndReadsTheMessageList() throws Exception {
    WebDriverWait wait = new WebDriverWait(driver, Duration.ofSeconds(20));
    driver.get(app.url("/"));
    driver.findElement(By.id("sign-in")).click();

    // Google's (stand-in) consent page: a different origin.
    wait.until(ExpectedConditions.elementToBeClickable(By.id("allow")));
    assertTrue(driver.getCurrentUrl().startsWith(app.google.authUri()), driver.getCurrentUrl());
    driver.findElement(By.id("allow")).click();

    wait.until(ExpectedConditions.urlToBe(app.url("/messages")));
    List<WebElement> rows = driver.findElements(By.cssSelector("li.message"));
    assertEquals(25, rows.size());
    assertEquals(app.google.defaultUser().email(), driver.findElement(By.id("signed-in-as")).getText());
    assertTrue(driver.findElements(By.tagName("script")).isEmpty());
    Files.createDirectories(SCREENSHOT.getParent());
    File shot = driver.getScreenshotAs(OutputType.FILE);
    Files.copy(shot.toPath(), SCREENSHOT, StandardCopyOption.REPLACE_EXISTING);

    String firstSubject = rows.get(0).findElement(By.className("subject")).getText();
    driver.findElement(By.id("next-page")).click();
    wait.until(ExpectedConditions.urlContains("pageToken="));
    List<WebElement> secondPage = driver.findElements(By.cssSelector("li.message"));
    assertFalse(secondPage.isEmpty());
    assertFalse(secondPage.get(0).findElement(By.className("subject")).getText().equals(firstSubject));

    WebElement search = driver.findElement(By.id("q"));
    search.clear();
    search.sendKeys("is:starred");
    search.submit();
    wait.until(ExpectedConditions.urlContains("q=is%3Astarred"));
    long starred = app.google.defaultUser().messages().stream().filter(m -> m.labelIds().contains("STARRED")).count();
    assertEquals(Math.min(starred, 25), driver.findElements(By.cssSelector("li.message")).size());
  }
}
