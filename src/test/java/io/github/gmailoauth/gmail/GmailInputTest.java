package io.github.gmailoauth.gmail;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.gmailoauth.testing.AppWithGoogle;
import io.github.gmailoauth.testing.Browser;
import io.github.gmailoauth.testing.TestApp;
import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import org.jsoup.Jsoup;
import org.jsoup.nodes.Document;
import org.jsoup.nodes.Element;
import org.junit.jupiter.api.Test;

/** Everything Gmail sends is untrusted: stored XSS and odd text render as inert, bounded text. */
@AppWithGoogle
class GmailInputTest {
  TestApp app;
  Browser browser;

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
      app.google
          .defaultUser()
          .addMessage(
              p + " <x@example.org>", p, p.replace("<", "&lt;").replace(">", "&gt;"), now, "INBOX");
      app.google.defaultUser().addMessage("\"" + p + "\" <y@example.org>", "s", p, now, "INBOX");
    }
    app.signIn(browser);
    HttpResponse<String> page = browser.get(app.url("/messages"));
    assertEquals(200, page.statusCode());
    Document doc = Jsoup.parse(page.body());
    assertTrue(doc.select("script").isEmpty(), "no script element");
    assertTrue(doc.select("svg, img, iframe, object").isEmpty(), "no injected element");
    for (Element e : doc.getAllElements()) {
      e.attributes()
          .forEach(
              a ->
                  assertTrue(
                      !a.getKey().toLowerCase().startsWith("on"), "event handler attribute " + a));
      e.attributes()
          .forEach(
              a ->
                  assertTrue(
                      !a.getValue().trim().toLowerCase().startsWith("javascript:"),
                      "javascript URL " + a));
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
    app.google
        .defaultUser()
        .addMessage("Bidi <b@example.org>", rlo, rlo, now.minusSeconds(1), "INBOX");
    app.google
        .defaultUser()
        .addMessage("Ctl <c@example.org>", controls, controls, now.minusSeconds(2), "INBOX");
    app.google
        .defaultUser()
        .addMessage(
            "Sur <s@example.org>", loneSurrogates, loneSurrogates, now.minusSeconds(3), "INBOX");
    app.signIn(browser);
    HttpResponse<String> page = browser.get(app.url("/messages"));
    assertEquals(200, page.statusCode());
    assertTrue(
        page.body().length() < 100_000,
        "the 100 KB subject is not echoed whole: " + page.body().length());
    assertTrue(page.headers().allValues("Set-Cookie").stream().noneMatch(c -> c.contains("x=y")));
    Document doc = Jsoup.parse(page.body());
    var subjects = doc.select("li.message .subject").stream().map(e -> e.wholeText()).toList();
    assertTrue(
        subjects.get(0).length() <= 301 && subjects.get(0).endsWith("…"),
        subjects.get(0).length() + "");
    assertEquals("invoicegpj.exe", subjects.get(1), "bidi override removed");
    assertEquals("line1  Set-Cookie: x=yend", subjects.get(2), "CR/LF become spaces, NUL dropped");
    assertTrue(
        !subjects.get(3).contains("\uD800") && subjects.get(3).startsWith("bad"), subjects.get(3));
  }

  @Test
  void messageIdsAndPageTokensAreUrlEncodedInLinks() throws Exception {
    app.signIn(browser);
    Document doc = Jsoup.parse(browser.get(app.url("/messages")).body());
    Element next = doc.getElementById("next-page");
    assertTrue(
        next.attr("href").matches("/messages\\?pageToken=[A-Za-z0-9_%.\\-]+"), next.attr("href"));

    // An id with every character that could break out of the link, and a next-page token this app
    // would refuse: the id is percent-encoded, the token never becomes a link.
    String id = "a\"b<c> d/../e?f#g&h'i";
    String list =
        "{\"messages\":[{\"id\":"
            + json(id)
            + ",\"threadId\":\"t\"}],"
            + "\"nextPageToken\":\"<script>\",\"resultSizeEstimate\":1}";
    app.google.answerNext(
        "GET",
        "/gmail/v1/users/me/messages",
        200,
        "application/json",
        list.getBytes(StandardCharsets.UTF_8),
        1);
    HttpResponse<String> page = browser.get(app.url("/messages"));
    assertEquals(200, page.statusCode());
    doc = Jsoup.parse(page.body());
    String open = doc.selectFirst("li.message a.open").attr("href");
    assertEquals(
        "https://mail.google.com/mail/u/0/#all/" + URLEncoder.encode(id, StandardCharsets.UTF_8),
        open);
    assertTrue(
        open.matches("https://mail\\.google\\.com/mail/u/0/#all/[A-Za-z0-9%+._*\\-]+"), open);
    assertNull(doc.getElementById("next-page"));
    assertFalse(page.body().contains("<script>"));
  }

  @Test
  void aHostileSearchIsTextWhereverThePageShowsIt() throws Exception {
    app.signIn(browser);
    String hostile = "\"><script>alert(7)</script><img src=x onerror=alert(8)> ' onfocus='alert(9)";
    // Nothing matches: the search is shown in the box, the empty state and its links. "<b>Bold</b>"
    // matches the seeded hostile subject: it is shown in the box and the count.
    for (String q : List.of(hostile, "<b>Bold</b>")) {
      for (String label : List.of("inbox", "all", "starred")) {
        String url =
            "/messages?label="
                + label
                + "&size=50&q="
                + URLEncoder.encode(q, StandardCharsets.UTF_8);
        HttpResponse<String> page = browser.get(app.url(url));
        assertEquals(200, page.statusCode(), url);
        Document doc = Jsoup.parse(page.body());
        assertTrue(
            doc.select("script, img, svg, main b").isEmpty(), "no element from the search: " + url);
        for (Element e : doc.getAllElements()) {
          e.attributes()
              .forEach(
                  a ->
                      assertFalse(a.getKey().toLowerCase().startsWith("on"), "event handler " + a));
        }
        assertEquals(q, doc.getElementById("q").val(), "the box shows it exactly");
        for (Element a : doc.select("main a[href]")) {
          String href = a.attr("href");
          assertTrue(
              href.matches("[A-Za-z0-9/:?&=%+._*#\\-]+"),
              "every value in a link is encoded: " + href);
        }
        String shown =
            doc.getElementById("empty") != null
                ? doc.selectFirst("#empty h2").text()
                : doc.getElementById("count").text();
        assertTrue(shown.contains(q), shown);
      }
    }
  }

  /**
   * Bidi overrides and isolates, marks and control characters in the search are dropped wherever
   * the page shows it (the box, the count line, the empty state), as in subjects; line breaks
   * become spaces. Gmail still receives the search as typed: changing it would change the results.
   */
  @Test
  void bidiAndControlCharactersInTheSearchAreNeverEchoed() throws Exception {
    String matching = "\u202Egnp.exe\u2066\u0007";
    app.google
        .defaultUser()
        .addMessage(
            "Mallory <m@example.com>",
            "Invoice " + matching + " attached",
            "see",
            java.time.Instant.now(),
            "INBOX");
    app.signIn(browser);
    // The first matches the message just added: the count is shown. The second matches none: the
    // empty state is shown.
    String none = "\u202Ezz\u0000\u2067yy\u200F\u0085\u009Bq\r\nx";
    for (String q : List.of(matching, none)) {
      app.google.clearRequests();
      HttpResponse<String> page =
          browser.get(app.url("/messages?q=" + URLEncoder.encode(q, StandardCharsets.UTF_8)));
      assertEquals(200, page.statusCode());
      for (char c : page.body().toCharArray()) {
        boolean control =
            Character.getType(c) == Character.CONTROL && c != '\n' && c != '\t' && c != '\r';
        boolean bidi =
            (c >= 0x202A && c <= 0x202E)
                || (c >= 0x2066 && c <= 0x2069)
                || c == 0x200E
                || c == 0x200F;
        assertFalse(
            control || bidi,
            String.format(
                "U+%04X in the page for %s",
                (int) c, URLEncoder.encode(q, StandardCharsets.UTF_8)));
      }
      Document doc = Jsoup.parse(page.body());
      String box = doc.getElementById("q").val();
      assertFalse(box.contains("\r") || box.contains("\n"), box);
      if (q.equals(matching)) {
        assertEquals("gnp.exe", box);
        assertNotNull(doc.getElementById("count"), doc.select("main").text());
        assertTrue(
            doc.getElementById("count").text().contains("gnp.exe"),
            doc.getElementById("count").text());
      } else {
        assertEquals("zzyyq  x", box, "CR and LF each a space");
        assertTrue(
            doc.selectFirst("#empty h2").text().contains("zzyyq x"),
            doc.selectFirst("#empty h2").text());
      }
      assertEquals(
          q.strip(),
          app.google.requests("GET", "/gmail/v1/users/me/messages").get(0).queryParam("q"),
          "Gmail gets the search as typed");
    }
  }

  private static String json(String s) {
    return "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
  }
}
