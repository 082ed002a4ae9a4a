package io.github.gmailoauth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Instant;
import org.jsoup.Jsoup;
import org.jsoup.nodes.Document;
import org.jsoup.nodes.Element;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Everything Gmail sends is untrusted: stored XSS and odd text render as inert, bounded text. */
class GmailInputTest {
  @TempDir Path dir;
  TestApp app;
  Browser browser = new Browser();

  @BeforeEach
  void start() throws Exception {
    app = TestApp.start(dir);
  }

  @AfterEach
  void stop() throws Exception {
    app.close();
  }

  @Test
  void storedXssInSubjectFromAndSnippetIsInert() throws Exception {
    String[] payloads = {
        "<script>alert(1)</script>",
        "\"><img src=x onerror=alert(2)>",
        "</title><svg onload=alert(3)>",
        "' onmouseover='alert(4)",
        "javascript:alert(5)",
    };
    Instant now = Instant.now();
    for (String p : payloads) {
      app.google.defaultUser().addMessage(p + " <x@example.org>", p, p.replace("<", "&lt;").replace(">", "&gt;"), now, "INBOX");
      app.google.defaultUser().addMessage("\"" + p + "\" <y@example.org>", "s", p, now, "INBOX");
    }
    app.signIn(browser);
    HttpResponse<String> page = browser.get(app.url("/messages"));
    assertEquals(200, page.statusCode());
    Document doc = Jsoup.parse(page.body());
    assertTrue(doc.select("script").isEmpty(), "no script element");
    assertTrue(doc.select("svg, img, iframe, object").isEmpty(), "no injected element");
    for (Element e : doc.getAllElements()) {
      e.attributes().forEach(a -> assertTrue(!a.getKey().toLowerCase().startsWith("on"), "event handler attribute " + a));
      e.attributes().forEach(a -> assertTrue(!a.getValue().trim().toLowerCase().startsWith("javascript:"), "javascript URL " + a));
    }
    String subjects = doc.select("li.message .subject").eachText().toString();
    for (String p : payloads) {
      assertTrue(subjects.contains(p), "shown as text: " + p);
    }
  }

  @Test
  void hugeAndOddTextRendersSafelyAndTruncated() throws Exception {
    String huge = "A".repeat(100_000);
    String rlo = "invoice\u202Egpj.exe";
    String controls = "line1\r\nSet-Cookie: x=y\u0000end";
    String loneSurrogates = "bad\uD800surrogate\uDC00";
    Instant now = Instant.now();
    app.google.defaultUser().addMessage("Huge <h@example.org>", huge, huge, now, "INBOX");
    app.google.defaultUser().addMessage("Bidi <b@example.org>", rlo, rlo, now.minusSeconds(1), "INBOX");
    app.google.defaultUser().addMessage("Ctl <c@example.org>", controls, controls, now.minusSeconds(2), "INBOX");
    app.google.defaultUser().addMessage("Sur <s@example.org>", loneSurrogates, loneSurrogates, now.minusSeconds(3), "INBOX");
    app.signIn(browser);
    HttpResponse<String> page = browser.get(app.url("/messages"));
    assertEquals(200, page.statusCode());
    assertTrue(page.body().length() < 100_000, "the 100 KB subject is not echoed whole: " + page.body().length());
    assertTrue(page.headers().allValues("Set-Cookie").stream().noneMatch(c -> c.contains("x=y")));
    Document doc = Jsoup.parse(page.body());
    var subjects = doc.select("li.message .subject").stream().map(e -> e.wholeText()).toList();
    assertTrue(subjects.get(0).length() <= 301 && subjects.get(0).endsWith("…"), subjects.get(0).length() + "");
    assertEquals("invoicegpj.exe", subjects.get(1), "bidi override removed");
    assertEquals("line1  Set-Cookie: x=yend", subjects.get(2), "CR/LF become spaces, NUL dropped");
    assertTrue(!subjects.get(3).contains("\uD800") && subjects.get(3).startsWith("bad"), subjects.get(3));
  }

  @Test
  void messageIdsAndPageTokensAreUrlEncodedInLinks() throws Exception {
    app.signIn(browser);
    Document doc = Jsoup.parse(browser.get(app.url("/messages")).body());
    Element next = doc.getElementById("next-page");
    assertTrue(next.attr("href").matches("/messages\\?pageToken=[A-Za-z0-9_%.\\-]+"), next.attr("href"));
  }
}
