package io.github.gmailoauth.reader;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.gmailoauth.standin.SeedMailbox;
import io.github.gmailoauth.standin.SeedMailbox.FullMessage;
import io.github.gmailoauth.standin.StandInMessage;
import io.github.gmailoauth.testing.Await;
import io.github.gmailoauth.testing.FileTrees;
import io.github.gmailoauth.testing.RecordingProxy;
import io.github.gmailoauth.testing.TestApp;
import jakarta.activation.DataHandler;
import jakarta.mail.Session;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeBodyPart;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeMultipart;
import jakarta.mail.util.ByteArrayDataSource;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The reader as a person meets it, in headless Chromium: the whole app against the stand-in Google,
 * signed in once through the consent page. Every hostile message of the corpus opened at {@code
 * /messages/{id}} must run no script (top page or body frame), send no request to another host, and
 * never move the top page, not even when every link in the body is clicked; "Show images" may then
 * load https images only. Messages in the charsets the issue names read as the strings they were
 * written from; an attachment downloads with its exact name and bytes and is never rendered.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ReaderBrowserTest {
  /** The README shows this picture; every run of the test refreshes it. */
  static final Path SCREENSHOT = Path.of("src", "docs", "reader.png");

  private static final String BODY_FRAME = "iframe#message-body";

  private Path dir;
  private Path downloads;
  private TestApp app;
  private ChromeDriver driver;
  private BrowserWitness witness;

  @BeforeAll
  void start() throws Exception {
    dir = Files.createTempDirectory("reader-browser-");
    app = TestApp.start(dir);
    witness = BrowserWitness.start();
    driver = witness.driver();
    downloads = witness.downloads();
    WebDriverWait wait = new WebDriverWait(driver, Duration.ofSeconds(20));
    driver.get(app.url("/"));
    driver.findElement(By.id("sign-in")).click();
    wait.until(ExpectedConditions.elementToBeClickable(By.id("allow")));
    driver.findElement(By.id("allow")).click();
    wait.until(ExpectedConditions.urlToBe(app.url("/messages")));
  }

  @AfterAll
  void stop() throws Exception {
    try (BrowserWitness w = witness;
        TestApp a = app) {
      // the app stops first, then the browser
    } finally {
      FileTrees.delete(dir);
    }
  }

  static Stream<Arguments> hostileMessages() {
    List<Arguments> all = new ArrayList<>();
    HostileMail.vectors().forEach(v -> all.add(Arguments.of(v.id(), v.asMime())));
    HostileMail.mimeVectors().forEach(v -> all.add(Arguments.of(v.id(), v.rfc5322())));
    return all.stream();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("hostileMessages")
  void aHostileMessageIsHarmlessInTheReader(String id, byte[] rfc5322) throws Exception {
    StandInMessage message = app.google.defaultUser().addMime(rfc5322, Instant.now(), "INBOX");
    String url = app.url("/messages/" + message.id());

    BrowserWitness.Observation seen = witness.watch(url, BODY_FRAME);
    String what = id + ": " + seen;
    assertNull(seen.flag(), "a script ran in the top page: " + what);
    assertNull(seen.frameFlag(), "a script ran in the body frame: " + what);
    assertEquals(List.of(), seen.leftBeforeClicks(), "requests left for other hosts: " + what);
    assertEquals(
        List.of(), seen.attemptedBeforeClicks(), "the page started requests elsewhere: " + what);
    assertEquals(url, seen.topUrlAfterLoad(), "the top page moved once the frame loaded: " + what);
    assertEquals(url, seen.topUrlAfterClicks(), "a click in the body moved the top page: " + what);
    assertEquals(List.of(url), seen.topNavigations(), "the top page was replaced: " + what);
    String body = bodyUrl();
    for (String frameUrl : seen.frameUrlsAfterClicks()) {
      assertEquals(body, frameUrl, "a link replaced the body instead of opening a tab: " + what);
    }

    if (!driver.findElements(By.id("show-images")).isEmpty()) {
      BrowserWitness.Observation shown =
          witness.watchAfterClicking(By.id("show-images"), BODY_FRAME);
      String shownWhat = id + " with images: " + shown;
      assertNull(shown.flag(), "a script ran in the top page: " + shownWhat);
      assertNull(shown.frameFlag(), "a script ran in the body frame: " + shownWhat);
      for (RecordingProxy.Seen request : shown.leftBeforeClicks()) {
        assertTrue(request.tunnel(), "not https: " + request + " in " + shownWhat);
      }
      assertTrue(
          shown.topUrlAfterLoad().startsWith(url), "Show images stays on the reader: " + shownWhat);
      assertEquals(
          shown.topUrlAfterLoad(),
          shown.topUrlAfterClicks(),
          "a click in the body moved the top page: " + shownWhat);
    }
  }

  /**
   * The Show-images check above is only as good as its witness: here the https image is seen
   * leaving once, and only once, the person asked for images, while the http one never is.
   */
  @Test
  void showImagesLoadsTheHttpsImageAndNeverTheHttpOne() throws Exception {
    byte[] mail =
        html(
            "Images",
            "<p>pictures</p><img src=\"https://images.invalid/show-images.png\" alt=\"https\">"
                + "<img src=\"http://tracker.invalid/show-images.gif\" alt=\"http\">");
    StandInMessage message = app.google.defaultUser().addMime(mail, Instant.now(), "INBOX");
    String url = app.url("/messages/" + message.id());
    BrowserWitness.Observation blocked = witness.watch(url, BODY_FRAME);
    assertEquals(List.of(), blocked.leftBeforeClicks());
    assertTrue(
        driver.findElement(By.id("remote-blocked")).getText().contains("2"),
        driver.findElement(By.id("remote-blocked")).getText());

    BrowserWitness.Observation shown = witness.watchAfterClicking(By.id("show-images"), BODY_FRAME);
    assertEquals(
        List.of(new RecordingProxy.Seen("CONNECT", "images.invalid:443")),
        shown.leftBeforeClicks(),
        shown.toString());
  }

  static Stream<Arguments> charsets() throws IOException {
    List<Arguments> all = new ArrayList<>();
    for (String line : resource("charset-mail/expected.tsv").split("\n")) {
      if (line.startsWith("#") || line.isBlank()) {
        continue;
      }
      String[] field = line.split("\t");
      all.add(Arguments.of(field[0], field[1], field[2]));
    }
    return all.stream();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("charsets")
  void aMessageReadsAsItWasWritten(String id, String subject, String body) throws Exception {
    byte[] mail;
    try (InputStream in = resourceStream("charset-mail/" + id + ".eml")) {
      mail = in.readAllBytes();
    }
    StandInMessage message = app.google.defaultUser().addMime(mail, Instant.now(), "INBOX");
    driver.get(app.url("/messages/" + message.id()));
    assertEquals(subject, driver.findElement(By.id("message-subject")).getText());
    driver.switchTo().frame(driver.findElement(By.cssSelector(BODY_FRAME)));
    try {
      assertEquals(body, driver.findElement(By.tagName("body")).getText().strip());
    } finally {
      driver.switchTo().defaultContent();
    }
    if (id.equals("rfc2047-subject")) {
      String from = driver.findElement(By.id("message-from")).getText();
      assertTrue(from.contains("José Muñoz"), from);
    }
  }

  @Test
  void anExecutableAttachmentDownloadsUnderItsExactNameAndIsNeverRendered() throws Exception {
    byte[] exe = new byte[40_000];
    new Random(14).nextBytes(exe);
    exe[0] = 'M';
    exe[1] = 'Z';
    byte[] page =
        "<html><body><script>top.__pwned=1</script><p>an attached page</p></body></html>"
            .getBytes(StandardCharsets.UTF_8);
    byte[] mail =
        withAttachments(
            "Your invoice",
            attachment("invoice.pdf.exe", "application/x-msdownload", exe),
            attachment("statement.html", "text/html", page));
    StandInMessage message = app.google.defaultUser().addMime(mail, Instant.now(), "INBOX");
    String url = app.url("/messages/" + message.id());
    driver.get(url);

    download(url, "invoice.pdf.exe", exe);
    download(url, "statement.html", page);
    assertNull(driver.executeScript("return window.__pwned"));
  }

  private void download(String readerUrl, String name, byte[] bytes) throws Exception {
    WebElement link =
        driver.findElements(By.cssSelector("ul#attachments a.attachment")).stream()
            .filter(a -> a.getText().contains(name))
            .findFirst()
            .orElseThrow(() -> new AssertionError("no a.attachment named " + name));
    int windows = driver.getWindowHandles().size();
    link.click();
    Path file = downloads.resolve(name);
    Await.until(
        Duration.ofSeconds(30),
        name + " in " + downloads,
        () -> {
          if (!Files.exists(file)) {
            return false;
          }
          try (Stream<Path> files = Files.list(downloads)) {
            return files.noneMatch(f -> f.getFileName().toString().endsWith(".crdownload"));
          }
        });
    assertArrayEquals(bytes, Files.readAllBytes(file), name);
    assertEquals(readerUrl, driver.getCurrentUrl(), "the browser rendered " + name);
    assertEquals(windows, driver.getWindowHandles().size(), name + " opened a window");
    try (Stream<Path> files = Files.list(downloads)) {
      assertFalse(
          files.anyMatch(
              f -> !f.equals(file) && f.getFileName().toString().startsWith(name + " (")),
          "downloaded twice");
    }
  }

  /** The README's picture of the reader: the demo mailbox's HTML newsletter. */
  @Test
  void theReadmeScreenshotShowsTheDemoNewsletter() throws Exception {
    StandInMessage newsletter = SeedMailbox.find(app.google.defaultUser(), FullMessage.NEWSLETTER);
    String url = app.url("/messages/" + newsletter.id());
    driver.get(url);
    assertEquals(newsletter.subject(), driver.findElement(By.id("message-subject")).getText());
    driver.switchTo().frame(driver.findElement(By.cssSelector(BODY_FRAME)));
    try {
      assertFalse(driver.findElement(By.tagName("body")).getText().isBlank());
    } finally {
      driver.switchTo().defaultContent();
    }
    Files.createDirectories(SCREENSHOT.getParent());
    Files.write(SCREENSHOT, driver.getScreenshotAs(org.openqa.selenium.OutputType.BYTES));
  }

  private String bodyUrl() {
    return driver.findElement(By.cssSelector(BODY_FRAME)).getDomProperty("src");
  }

  private static byte[] html(String subject, String html) throws Exception {
    MimeMessage message = newMessage(subject);
    message.setText(html, "UTF-8", "html");
    return bytes(message);
  }

  private static MimeBodyPart attachment(String name, String type, byte[] bytes) throws Exception {
    MimeBodyPart part = new MimeBodyPart();
    part.setDataHandler(new DataHandler(new ByteArrayDataSource(bytes, type)));
    part.setFileName(name);
    part.setDisposition(MimeBodyPart.ATTACHMENT);
    part.setHeader("Content-Type", type + "; name=\"" + name + "\"");
    part.setHeader("Content-Transfer-Encoding", "base64");
    return part;
  }

  private static byte[] withAttachments(String subject, MimeBodyPart... attachments)
      throws Exception {
    MimeMessage message = newMessage(subject);
    MimeMultipart mixed = new MimeMultipart("mixed");
    MimeBodyPart text = new MimeBodyPart();
    text.setText("Please find the files attached.", "UTF-8");
    mixed.addBodyPart(text);
    for (MimeBodyPart a : attachments) {
      mixed.addBodyPart(a);
    }
    message.setContent(mixed);
    return bytes(message);
  }

  private static MimeMessage newMessage(String subject) throws Exception {
    MimeMessage message = new MimeMessage(Session.getInstance(new Properties()));
    message.setFrom(new InternetAddress("sender@example.org", "A Sender"));
    message.setRecipients(jakarta.mail.Message.RecipientType.TO, "reader@example.org");
    message.setSubject(subject, "UTF-8");
    return message;
  }

  private static byte[] bytes(MimeMessage message) throws Exception {
    message.saveChanges();
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    message.writeTo(out);
    return out.toByteArray();
  }

  private static String resource(String name) throws IOException {
    try (InputStream in = resourceStream(name)) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }

  private static InputStream resourceStream(String name) {
    InputStream in = ReaderBrowserTest.class.getClassLoader().getResourceAsStream(name);
    if (in == null) {
      throw new IllegalStateException("no " + name + " on the test class path");
    }
    return in;
  }
}
