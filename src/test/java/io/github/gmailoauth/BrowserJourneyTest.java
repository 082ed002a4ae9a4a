package io.github.gmailoauth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.gmailoauth.standin.StandInMessage;
import io.github.gmailoauth.testing.Chromium;
import io.github.gmailoauth.testing.TestApp;
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
import org.openqa.selenium.Keys;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.Select;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The one journey a person takes, in a real headless Chromium: home page, "Sign in with Google",
 * Allow on the (stand-in) consent page, the message list, next and previous page, a search, a quick
 * filter, another page size, the keyboard focus and a narrow screen, then the README's screenshot.
 * Needs Debian's {@code chromium} and {@code chromium-driver}; without them this test fails rather
 * than skips.
 */
class BrowserJourneyTest {
  /** The README shows this picture; every run of the test refreshes it. */
  static final Path SCREENSHOT = Path.of("src", "docs", "messages.png");

  @TempDir Path dir;
  TestApp app;
  ChromeDriver driver;

  @BeforeEach
  void start() throws Exception {
    app = TestApp.start(dir);
    driver = Chromium.withProfile(dir.resolve("chromium-profile")).start();
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

    // The list: the inbox, 25 to a page, unread in bold.
    wait.until(ExpectedConditions.urlToBe(app.url("/messages")));
    List<String> firstPage = subjects();
    assertEquals(subjects(inbox(), 25), firstPage);
    assertEquals(
        app.google.defaultUser().email(), driver.findElement(By.id("signed-in-as")).getText());
    assertTrue(driver.findElements(By.tagName("script")).isEmpty());
    assertEquals("page", driver.findElement(By.id("filter-inbox")).getAttribute("aria-current"));
    assertNotEquals(
        driver.findElement(By.id("filter-inbox")).getCssValue("background-color"),
        driver.findElement(By.id("filter-sent")).getCssValue("background-color"),
        "the current filter stands out");
    assertEquals(
        "700",
        driver
            .findElement(By.cssSelector("li.message.unread .subject"))
            .getCssValue("font-weight"));
    assertEquals(
        "400",
        driver
            .findElement(By.cssSelector("li.message:not(.unread) .subject"))
            .getCssValue("font-weight"));

    // Next, then previous: back to exactly the first page's rows.
    driver.findElement(By.id("next-page")).click();
    wait.until(ExpectedConditions.urlContains("pageToken="));
    List<String> secondPage = subjects();
    assertEquals(subjects(inbox(), 50).subList(25, Math.min(50, inbox().size())), secondPage);
    assertEquals("Page 2", driver.findElement(By.id("page-number")).getText());
    driver.findElement(By.id("previous-page")).click();
    wait.until(ExpectedConditions.urlToBe(app.url("/messages")));
    assertEquals(firstPage, subjects());

    // A search, in the inbox.
    WebElement search = driver.findElement(By.id("q"));
    search.clear();
    search.sendKeys("is:unread");
    search.submit();
    wait.until(ExpectedConditions.urlContains("q=is%3Aunread"));
    List<StandInMessage> unreadInbox =
        inbox().stream().filter(m -> m.labelIds().contains("UNREAD")).toList();
    assertEquals(subjects(unreadInbox, 25), subjects());

    // A quick filter keeps the search: unread in all mail.
    driver.findElement(By.id("filter-all")).click();
    wait.until(ExpectedConditions.urlContains("label=all"));
    assertTrue(driver.getCurrentUrl().contains("q=is%3Aunread"), driver.getCurrentUrl());
    assertEquals("page", driver.findElement(By.id("filter-all")).getAttribute("aria-current"));
    assertNull(driver.findElement(By.id("filter-inbox")).getAttribute("aria-current"));
    List<StandInMessage> unread =
        app.google.defaultUser().messages().stream()
            .filter(m -> m.labelIds().contains("UNREAD"))
            .toList();
    assertEquals(subjects(unread, 25), subjects());

    // Clear the search, then 50 to a page: all 40 messages of all mail on one page.
    driver.findElement(By.id("clear-search")).click();
    wait.until(ExpectedConditions.urlToBe(app.url("/messages?label=all")));
    new Select(driver.findElement(By.id("size"))).selectByValue("50");
    driver.findElement(By.cssSelector("form[role=search] button[type=submit]")).click();
    wait.until(ExpectedConditions.urlContains("size=50"));
    assertTrue(driver.getCurrentUrl().contains("label=all"), driver.getCurrentUrl());
    List<StandInMessage> all = app.google.defaultUser().messages();
    assertEquals(subjects(all, 50), subjects());
    assertEquals(
        "50", new Select(driver.findElement(By.id("size"))).getFirstSelectedOption().getText());

    // The keyboard focus is visible.
    driver.findElement(By.id("q")).click();
    driver.switchTo().activeElement().sendKeys(Keys.TAB);
    WebElement focused = driver.switchTo().activeElement();
    assertEquals("size", focused.getAttribute("id"));
    assertEquals("solid", focused.getCssValue("outline-style"));
    assertEquals("3px", focused.getCssValue("outline-width"));

    // A phone-sized window: nothing wider than the screen, the filters above the list.
    driver.manage().window().setSize(new Dimension(420, 900));
    driver.get(app.url("/messages"));
    assertEquals(
        Boolean.TRUE,
        driver.executeScript(
            "return document.documentElement.scrollWidth <= document.documentElement.clientWidth"),
        "no sideways scrolling");
    assertTrue(
        driver.findElement(By.cssSelector("nav.filters")).getRect().getY()
            < driver.findElement(By.cssSelector("ul.messages")).getRect().getY());

    // The README's picture: the nicest state, the inbox's first page.
    driver.manage().window().setSize(new Dimension(1200, 900));
    driver.get(app.url("/messages"));
    wait.until(ExpectedConditions.urlToBe(app.url("/messages")));
    assertEquals(firstPage, subjects());
    Files.createDirectories(SCREENSHOT.getParent());
    File shot = driver.getScreenshotAs(OutputType.FILE);
    Files.copy(shot.toPath(), SCREENSHOT, StandardCopyOption.REPLACE_EXISTING);
  }

  /**
   * A sign-in link whose return path Jetty's redirect would once have turned into the
   * protocol-relative {@code //evil.example}: Chromium, following the real redirects, ends on the
   * app.
   */
  @Test
  void aSignInWithADotSegmentReturnPathEndsOnTheApp() throws Exception {
    WebDriverWait wait = new WebDriverWait(driver, Duration.ofSeconds(20));
    driver.get(app.url("/authorize?next=%2F.%2F%2Fevil.example"));
    wait.until(ExpectedConditions.elementToBeClickable(By.id("allow")));
    driver.findElement(By.id("allow")).click();
    wait.until(
        d ->
            !d.getCurrentUrl().startsWith(app.google.baseUrl())
                && !d.getCurrentUrl().contains("/oauth2callback"));
    java.net.URI landed = java.net.URI.create(driver.getCurrentUrl());
    java.net.URI appUrl = java.net.URI.create(app.url("/"));
    assertEquals(appUrl.getHost(), landed.getHost(), driver.getCurrentUrl());
    assertEquals(appUrl.getPort(), landed.getPort(), driver.getCurrentUrl());
    assertEquals("/messages", landed.getPath(), driver.getCurrentUrl());
    assertEquals(
        app.google.defaultUser().email(), driver.findElement(By.id("signed-in-as")).getText());
  }

  private List<String> subjects() {
    return driver.findElements(By.cssSelector("li.message .subject")).stream()
        .map(WebElement::getText)
        .toList();
  }

  private List<StandInMessage> inbox() {
    return app.google.defaultUser().messages().stream()
        .filter(m -> m.labelIds().contains("INBOX"))
        .toList();
  }

  /** The subjects as the page shows them: markup as text, runs of spaces as one. */
  private static List<String> subjects(List<StandInMessage> messages, int max) {
    return messages.stream()
        .limit(max)
        .map(
            m ->
                m.subject().isBlank()
                    ? "(no subject)"
                    : m.subject().replaceAll("\\s+", " ").strip())
        .toList();
  }
}
