package io.github.gmailoauth.reader;

import io.github.gmailoauth.testing.Chromium;
import io.github.gmailoauth.testing.FileTrees;
import io.github.gmailoauth.testing.NetworkLog;
import io.github.gmailoauth.testing.RecordingProxy;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.NoSuchElementException;
import org.openqa.selenium.NoSuchFrameException;
import org.openqa.selenium.WebDriverException;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.interactions.Actions;

/**
 * Opens a page in a test's Chromium the way a curious person would (waits for it, moves the mouse
 * over every element, clicks every link and button) and reports what the page managed to do: a
 * script flag set ({@code __pwned}, in the top page or in the body frame), a request that left for
 * another host (the {@link RecordingProxy} every non-local request goes through, and Chromium's own
 * DevTools events), the top page moved. The page under test is the top document, or the document of
 * one frame of it.
 */
final class BrowserWitness implements AutoCloseable {

  /**
   * Hosts Chromium itself calls on an empty profile (its new-tab page, clock and sign-in services),
   * whatever page is open; no vector of the corpus names one (HostileMailCorpusTest).
   */
  static boolean chromiumOwnHost(String host) {
    return host.equals("google.com")
        || host.endsWith(".google.com")
        || host.endsWith(".gstatic.com")
        || host.endsWith(".googleapis.com");
  }

  /**
   * What a page did.
   *
   * @param flag {@code __pwned} of the top page, or null
   * @param frameFlag {@code __pwned} of the watched frame, or null (or when there is no frame)
   * @param leftBeforeClicks requests that left for other hosts while the page loaded and was
   *     hovered
   * @param attemptedBeforeClicks requests for another origin (another port of localhost included)
   *     that Chromium's DevTools saw the tab start before the clicks, with why they failed
   *     (blocked:csp means they never left)
   * @param leftAfterClicks requests that left for other hosts while links and buttons were clicked
   * @param topUrlAfterLoad the top page's URL once it settled
   * @param topUrlAfterClicks the top page's URL after every click
   * @param frameUrlsAfterClicks the watched frame's URL after each click (empty without a frame)
   * @param clicked how many links and buttons were clicked
   * @param topNavigations every document the top frame of the tab committed, as DevTools reported
   *     ({@code Page.frameNavigated}): the page itself, then anything that replaced it
   */
  record Observation(
      Object flag,
      Object frameFlag,
      List<RecordingProxy.Seen> leftBeforeClicks,
      List<String> attemptedBeforeClicks,
      List<RecordingProxy.Seen> leftAfterClicks,
      String topUrlAfterLoad,
      String topUrlAfterClicks,
      List<String> frameUrlsAfterClicks,
      int clicked,
      List<String> topNavigations) {

    boolean scriptRan() {
      return flag != null || frameFlag != null;
    }

    boolean anythingLeft() {
      return !leftBeforeClicks.isEmpty() || !leftAfterClicks.isEmpty();
    }

    boolean topMoved(String url) {
      return !url.equals(topUrlAfterLoad) || !url.equals(topUrlAfterClicks);
    }

    /** The top page went to another origin (not merely to a relative URL of its own). */
    boolean topLeftOrigin(String url) {
      return !sameOrigin(url, topUrlAfterLoad) || !sameOrigin(url, topUrlAfterClicks);
    }
  }

  /** Holds the profile and the downloads; removed on {@link #close()}. */
  private final Path dir = Files.createTempDirectory("browser-witness-");

  private final RecordingProxy proxy = RecordingProxy.start();
  private final NetworkLog log = new NetworkLog();
  private final ChromeDriver driver;

  private BrowserWitness() throws Exception {
    try {
      driver =
          Chromium.withProfile(dir.resolve("profile"))
              .proxy(proxy.address())
              .recordingNetwork()
              .downloadsTo(Files.createDirectories(dir.resolve("downloads")))
              .start();
    } catch (RuntimeException e) {
      proxy.close();
      FileTrees.delete(dir);
      throw e;
    }
  }

  /**
   * A Chromium with a profile of its own in a new temporary folder, its only way out through a new
   * {@link RecordingProxy}, its DevTools events kept and its downloads saved to {@link
   * #downloads()}; {@link #close()} removes all of it.
   */
  static BrowserWitness start() throws Exception {
    return new BrowserWitness();
  }

  /** Where the browser saves what it downloads. */
  Path downloads() {
    return dir.resolve("downloads");
  }

  @Override
  public void close() throws Exception {
    try (RecordingProxy p = proxy) {
      driver.quit();
    } finally {
      FileTrees.delete(dir);
    }
  }

  ChromeDriver driver() {
    return driver;
  }

  /** Opens {@code url} and watches the top document. */
  Observation watch(String url) throws InterruptedException {
    return watch(url, null);
  }

  /**
   * Opens {@code url} and watches it; with {@code frame} (a CSS selector of an iframe on that page)
   * the hovering, clicking and flag reading happen inside that frame, and the top page is the one
   * that must not move.
   */
  Observation watch(String url, String frame) throws InterruptedException {
    return watch(url, frame, false);
  }

  /**
   * Opens the top document at {@code url} and stops at the first sign that it did something (a
   * flag, a request, the page gone), or watches it fully when it shows none on load: what the
   * control needs, in less time.
   */
  Observation watchUntilLive(String url) throws InterruptedException {
    return watch(url, null, true);
  }

  /**
   * Clicks {@code link} on the current page (the app's own "Show images", say), and watches the
   * page it leads to as {@link #watch(String, String)} does.
   */
  Observation watchAfterClicking(By link, String frame) throws InterruptedException {
    String before = driver.getCurrentUrl();
    return watch(
        null,
        frame,
        false,
        () -> {
          driver.findElement(link).click();
          for (int i = 0; i < 500 && driver.getCurrentUrl().equals(before); i++) {
            Thread.sleep(10);
          }
        });
  }

  private interface Step {
    void run() throws InterruptedException;
  }

  private Observation watch(String url, String frame, boolean stopAtFirstSign)
      throws InterruptedException {
    return watch(url, frame, stopAtFirstSign, () -> driver.get(url));
  }

  private Observation watch(String givenUrl, String frame, boolean stopAtFirstSign, Step open)
      throws InterruptedException {
    String home = driver.getWindowHandle();
    log.clear(driver);
    proxy.clear();
    open.run();
    String url = givenUrl != null ? givenUrl : driver.getCurrentUrl();
    settle();
    if (stopAtFirstSign) {
      Object flag = flag(null);
      List<RecordingProxy.Seen> left = leftForOtherHosts();
      String now = driver.getCurrentUrl();
      if (flag != null || !left.isEmpty() || !sameOrigin(url, now)) {
        closeOtherWindows(home);
        List<String> attempted = attemptedInTopFrame(url);
        return new Observation(
            flag, null, left, attempted, List.of(), now, now, List.of(), 0, topNavigations());
      }
    }
    hoverEverything(frame);
    settle();
    String topUrlAfterLoad = driver.getCurrentUrl();
    // Read before the clicks too: a click may replace the document that holds the flag.
    Object flagBeforeClicks = flag(null);
    Object frameFlagBeforeClicks = frame == null ? null : flag(frame);
    List<RecordingProxy.Seen> leftBeforeClicks = leftForOtherHosts();
    List<String> attempted = attemptedInTopFrame(url);
    proxy.clear();
    List<String> frameUrls = new ArrayList<>();
    int clicked = clickEverything(url, frame, home, frameUrls);
    settle();
    closeOtherWindows(home);
    Object flag = flagBeforeClicks != null ? flagBeforeClicks : flag(null);
    Object frameFlag =
        frameFlagBeforeClicks != null || frame == null ? frameFlagBeforeClicks : flag(frame);
    return new Observation(
        flag,
        frameFlag,
        leftBeforeClicks,
        attempted,
        leftForOtherHosts(),
        topUrlAfterLoad,
        driver.getCurrentUrl(),
        frameUrls,
        clicked,
        topNavigations());
  }

  /**
   * Time for what a page starts on its own after load (an image's onerror, a refresh, an
   * animation's begin): there is no event to wait for when the right outcome is that nothing
   * happens, so this is a short pause, the same for the raw vectors whose effects the control test
   * sees within it.
   */
  private static void settle() throws InterruptedException {
    Thread.sleep(150);
  }

  private void hoverEverything(String frame) {
    try {
      enter(frame);
      List<WebElement> all = driver.findElements(By.cssSelector("body *"));
      Actions actions = new Actions(driver);
      for (WebElement element : all.subList(0, Math.min(all.size(), 80))) {
        try {
          if (element.isDisplayed()) {
            actions.moveToElement(element).perform();
          }
        } catch (WebDriverException e) {
          // off screen, zero-sized or gone: a person could not hover it either
        }
      }
    } catch (WebDriverException e) {
      // the page went away while being hovered (a refresh): the observation says so
    } finally {
      driver.switchTo().defaultContent();
    }
  }

  private static final String CLICKABLE =
      "a, area, button, input[type=submit], input[type=image], input[type=button], summary";

  private int clickEverything(String url, String frame, String home, List<String> frameUrls)
      throws InterruptedException {
    int count;
    try {
      enter(frame);
      count = driver.findElements(By.cssSelector(CLICKABLE)).size();
    } catch (WebDriverException e) {
      return 0;
    } finally {
      driver.switchTo().defaultContent();
    }
    int clicked = 0;
    for (int i = 0; i < count; i++) {
      if (!driver.getCurrentUrl().equals(url)) {
        break; // the top page moved: nothing left to click, the observation says so
      }
      try {
        enter(frame);
        List<WebElement> now = driver.findElements(By.cssSelector(CLICKABLE));
        if (i >= now.size()) {
          break;
        }
        WebElement element = now.get(i);
        if (element.isDisplayed()) {
          element.click();
          clicked++;
        }
      } catch (WebDriverException e) {
        // not clickable (hidden, covered): a person could not click it either
      } finally {
        driver.switchTo().window(home);
        driver.switchTo().defaultContent();
      }
      Thread.sleep(50);
      if (frame != null) {
        frameUrls.add(frameUrl(frame));
      }
    }
    return clicked;
  }

  private String frameUrl(String frame) {
    try {
      enter(frame);
      return String.valueOf(driver.executeScript("return location.href"));
    } catch (WebDriverException e) {
      return "(unreadable: " + e.getClass().getSimpleName() + ")";
    } finally {
      driver.switchTo().defaultContent();
    }
  }

  private void enter(String frame) {
    driver.switchTo().defaultContent();
    if (frame != null) {
      driver.switchTo().frame(driver.findElement(By.cssSelector(frame)));
    }
  }

  private Object flag(String frame) {
    try {
      enter(frame);
      return ((JavascriptExecutor) driver).executeScript("return window.__pwned");
    } catch (NoSuchFrameException | NoSuchElementException e) {
      return null; // no such frame (any more): the top page's URL tells what happened
    } catch (WebDriverException e) {
      return "(unreadable: " + e.getMessage().lines().findFirst().orElse("") + ")";
    } finally {
      driver.switchTo().defaultContent();
    }
  }

  private void closeOtherWindows(String home) {
    Set<String> handles = driver.getWindowHandles();
    for (String handle : handles) {
      if (!handle.equals(home)) {
        driver.switchTo().window(handle);
        driver.close();
      }
    }
    driver.switchTo().window(home);
  }

  private List<RecordingProxy.Seen> leftForOtherHosts() {
    return proxy.seen().stream().filter(s -> !chromiumOwnHost(s.host())).toList();
  }

  /**
   * The URLs the tab's top frame committed since the watch began: the frame of the first top-level
   * navigation in the log, so that tabs a click opened do not count.
   */
  private List<String> topNavigations() {
    log.read(driver);
    List<NetworkLog.Navigation> top =
        log.navigations().stream().filter(NetworkLog.Navigation::topFrame).toList();
    if (top.isEmpty()) {
      return List.of();
    }
    String tab = top.get(0).frameId();
    return top.stream()
        .filter(n -> n.frameId().equals(tab))
        .map(NetworkLog.Navigation::url)
        .toList();
  }

  /**
   * Requests of the tab's own documents (DevTools sees the top document, and frames in its process)
   * for anything but the page's own origin, with their fate: another port of localhost (where the
   * stand-in Google listens) counts as elsewhere too. Chromium's own background calls and its
   * internal schemes (chrome:, data:) are set aside.
   */
  private List<String> attemptedInTopFrame(String pageUrl) {
    log.read(driver);
    List<String> out = new ArrayList<>();
    for (NetworkLog.Request request : log.requests()) {
      String host = request.host();
      if (host == null
          || sameOrigin(pageUrl, request.url())
          || chromiumOwnHost(host)
          || !(request.scheme().equals("http") || request.scheme().equals("https"))) {
        continue;
      }
      out.add(request.url() + " -> " + log.failure(request));
    }
    return out;
  }

  static boolean sameOrigin(String a, String b) {
    try {
      URI x = URI.create(a);
      URI y = URI.create(b);
      return java.util.Objects.equals(x.getScheme(), y.getScheme())
          && java.util.Objects.equals(x.getHost(), y.getHost())
          && x.getPort() == y.getPort();
    } catch (IllegalArgumentException e) {
      return false;
    }
  }
}
