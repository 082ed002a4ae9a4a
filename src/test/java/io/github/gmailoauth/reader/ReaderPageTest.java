package io.github.gmailoauth.reader;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.gmailoauth.standin.RecordedRequest;
import io.github.gmailoauth.standin.StandInMessage;
import io.github.gmailoauth.testing.AppWithGoogle;
import io.github.gmailoauth.testing.Browser;
import io.github.gmailoauth.testing.Query;
import io.github.gmailoauth.testing.TestApp;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.jsoup.Jsoup;
import org.jsoup.nodes.Document;
import org.jsoup.nodes.Element;
import org.junit.jupiter.api.Test;

/**
 * The reader page, {@code /messages/{id}}, over real HTTP against the stand-in Gmail: what it
 * shows, what it costs upstream, how it refuses bad input before Gmail is asked, and how it meets
 * Gmail's failures (as the list does).
 */
@AppWithGoogle(signedIn = true)
class ReaderPageTest {
  private static final String ID = "18c2f0a1b2c3d4e5";

  TestApp app;
  Browser browser;

  private StandInMessage add(TestMail mail, String... labels) throws Exception {
    return mail.addTo(app, labels);
  }

  private List<RecordedRequest> gmailCalls() {
    return app.google.requests().stream().filter(r -> r.path().startsWith("/gmail/")).toList();
  }

  @Test
  void thePageShowsTheDecodedHeadersAsTextForOneMessagesGet() throws Exception {
    StandInMessage m =
        add(
            TestMail.subject("Café <script>alert(1)</script> & more")
                .people(
                    "\"Zoë <b>Ü</b>\" <zoe@example.org>",
                    "grace@example.org",
                    "\"Alan T\" <alan@example.org>")
                .html("<p>Hello</p>"),
            "INBOX",
            "STARRED",
            "CATEGORY_SOCIAL");

    HttpResponse<String> page = browser.get(app.url("/messages/" + m.id()));

    assertEquals(200, page.statusCode());
    Document doc = Jsoup.parse(page.body(), app.url("/"));
    assertEquals(
        "Café <script>alert(1)</script> & more", doc.getElementById("message-subject").text());
    assertTrue(doc.select("main script, main b").isEmpty(), "headers are text, never markup");
    assertTrue(doc.getElementById("message-from").text().contains("Zoë <b>Ü</b>"));
    assertTrue(doc.getElementById("message-from").text().contains("zoe@example.org"));
    assertTrue(doc.getElementById("message-to").text().contains("grace@example.org"));
    assertTrue(doc.getElementById("message-cc").text().contains("alan@example.org"));
    assertFalse(doc.getElementById("message-date").text().isBlank());
    assertEquals(
        List.of("Inbox", "Starred", "Social"), doc.select("#message-labels li").eachText());
    Element frame = doc.selectFirst("iframe#message-body");
    assertEquals("allow-popups allow-popups-to-escape-sandbox", frame.attr("sandbox"));
    assertEquals("/messages/" + m.id() + "/body", frame.attr("src"));
    assertEquals(
        "https://mail.google.com/mail/u/0/#all/" + m.id(),
        doc.getElementById("open-in-gmail").attr("href"));
    assertEquals("/messages", doc.getElementById("back").attr("href"));

    List<RecordedRequest> calls = gmailCalls();
    assertEquals(1, calls.size(), "one upstream call per page view: " + calls);
    assertEquals("/gmail/v1/users/me/messages/" + m.id(), calls.get(0).path());
    assertEquals("full", calls.get(0).queryParam("format"));
  }

  @Test
  void thePageMayFrameOnlyThisAppAndKeepsEverythingElseOfItsPolicy() throws Exception {
    StandInMessage m = add(TestMail.subject("Framed").html("<p>x</p>"), "INBOX");
    String listPolicy =
        browser.get(app.url("/messages")).headers().firstValue("Content-Security-Policy").get();

    HttpResponse<String> page = browser.get(app.url("/messages/" + m.id()));

    assertEquals(
        listPolicy + "; frame-src 'self'",
        page.headers().firstValue("Content-Security-Policy").orElseThrow());
    assertEquals("DENY", page.headers().firstValue("X-Frame-Options").orElseThrow());
    assertEquals("no-store", page.headers().firstValue("Cache-Control").orElseThrow());
  }

  @Test
  void remoteImagesAreCountedAndShowImagesRelaxesTheFrameForThisMessageOnly() throws Exception {
    StandInMessage m =
        add(
            TestMail.subject("Newsletter")
                .html(
                    "<p>News</p><img src=\"https://tracker.example/a.gif\">"
                        + "<img src=\"https://cdn.example/b.png\"><img src=\"https://cdn.example/c.png\">"),
            "INBOX");

    Document blocked = Jsoup.parse(browser.get(app.url("/messages/" + m.id() + "?q=news")).body());
    assertEquals("3 remote images blocked", blocked.getElementById("remote-blocked").text());
    String show = blocked.getElementById("show-images").attr("href");
    assertEquals("/messages/" + m.id() + "?q=news&images=show", show);

    Document shown = Jsoup.parse(browser.get(app.url(show)).body());
    assertEquals(
        "/messages/" + m.id() + "/body?images=show",
        shown.selectFirst("iframe#message-body").attr("src"));
    assertNull(shown.getElementById("show-images"), "already shown");
    assertEquals("/messages?q=news", shown.getElementById("back").attr("href"));
  }

  @Test
  void attachmentsAreListedWithNameTypeSizeAndDownloadLink() throws Exception {
    byte[] pdf = "%PDF-1.4 tiny".getBytes(StandardCharsets.US_ASCII);
    StandInMessage m =
        add(
            TestMail.subject("Invoice")
                .text("See attached.")
                .attach("report.pdf", "application/pdf", pdf)
                .attach("invoice.pdf.exe", "application/x-msdownload", new byte[2048]),
            "INBOX");

    Document doc = Jsoup.parse(browser.get(app.url("/messages/" + m.id())).body());

    List<Element> items = doc.select("ul#attachments > li");
    assertEquals(2, items.size());
    Element first = items.get(0).selectFirst("a.attachment");
    assertEquals("report.pdf", first.text());
    assertTrue(
        first.attr("href").matches("/messages/" + m.id() + "/attachments/[0-9]+(\\.[0-9]+)*"),
        first.attr("href"));
    assertTrue(items.get(0).text().contains("application/pdf"), items.get(0).text());
    assertTrue(items.get(0).text().contains(pdf.length + " bytes"), items.get(0).text());
    assertEquals("invoice.pdf.exe", items.get(1).selectFirst("a.attachment").text());
    assertTrue(items.get(1).text().contains("2 KB"), items.get(1).text());
  }

  @Test
  void eachRowOfTheListReadsItsMessageAndBackReturnsToTheSameListPage() throws Exception {
    for (int i = 0; i < 60; i++) {
      app.google
          .defaultUser()
          .addMessage(
              "Bulk <bulk@example.org>", "Bulk " + i, "s", Instant.now(), "INBOX", "STARRED");
    }
    Document first = Jsoup.parse(browser.get(app.url("/messages?label=starred&q=Bulk")).body());
    String second = first.getElementById("next-page").attr("href");
    Document secondPage = Jsoup.parse(browser.get(app.url(second)).body());
    String third = secondPage.getElementById("next-page").attr("href");
    assertTrue(third.contains("trail="), "page three carries a trail: " + third);
    Document thirdPage = Jsoup.parse(browser.get(app.url(third)).body());

    Element row = thirdPage.selectFirst("li.message");
    String read = row.selectFirst("a.read").attr("href");
    assertNotNull(row.selectFirst("a.open"), "Open in Gmail stays");
    assertTrue(read.startsWith("/messages/"), read);
    assertEquals(third.substring(third.indexOf('?')), read.substring(read.indexOf('?')));

    Document reader = Jsoup.parse(browser.get(app.url(read)).body());
    assertEquals(third, reader.getElementById("back").attr("href"));
  }

  @Test
  void aBackLinkIsOnlyEverAListPageTheAppWouldWrite() throws Exception {
    StandInMessage m = add(TestMail.subject("Back").text("x"), "INBOX");
    Document doc =
        Jsoup.parse(
            browser
                .get(app.url("/messages/" + m.id() + "?label=sent&pageToken=%3Cx%3E&next=//evil"))
                .body());
    assertEquals("/messages?label=sent", doc.getElementById("back").attr("href"));
  }

  @Test
  void malformedAddressesAreRefusedBeforeGmailIsAsked() throws Exception {
    Map<String, Integer> rows =
        Map.of(
            "/messages/18C2F0A1B2C3D4E5",
            400,
            "/messages/1234567",
            400,
            "/messages/" + "a".repeat(33),
            400,
            "/messages/%3Cscript%3E",
            400,
            "/messages/" + ID + "/attachments/x",
            400,
            "/messages/" + ID + "/attachments/1.",
            400,
            "/messages/" + ID + "/attachments/" + "1.".repeat(30) + "1",
            400,
            "/messages/" + ID + "/raw",
            404,
            "/messages/" + ID + "/body/extra",
            404,
            "/messages/" + ID + "/attachments/1/x",
            404);
    app.google.clearRequests();
    for (Map.Entry<String, Integer> row : rows.entrySet()) {
      HttpResponse<String> answer = browser.get(app.url(row.getKey()));
      assertEquals(row.getValue(), answer.statusCode(), row.getKey());
      assertFalse(answer.body().contains("<script>"), row.getKey());
    }
    assertEquals(List.of(), app.google.requests(), "no upstream call for a malformed address");
  }

  @Test
  void aMessageThatDoesNotExistIsA404Page() throws Exception {
    HttpResponse<String> page = browser.get(app.url("/messages/" + ID + "?q=x"));
    assertEquals(404, page.statusCode());
    Document doc = Jsoup.parse(page.body());
    assertEquals("Message not found", doc.selectFirst("main h1").text());
    assertEquals("/messages?q=x", doc.selectFirst("main a").attr("href"));
    assertEquals(1, gmailCalls().size());
  }

  @Test
  void aMessageLargerThanTheReaderReadsIsAPageWithOpenInGmail() throws Exception {
    String path = "/gmail/v1/users/me/messages/" + ID;
    byte[] huge = new byte[5 * 1024 * 1024 + 1];
    java.util.Arrays.fill(huge, (byte) ' ');
    huge[huge.length - 2] = '{';
    huge[huge.length - 1] = '}';
    app.google.answerNext("GET", path, 200, "application/json", huge, 1);

    HttpResponse<String> page = browser.get(app.url("/messages/" + ID));

    assertEquals(200, page.statusCode());
    Document doc = Jsoup.parse(page.body());
    assertEquals("This message is too large to show here", doc.selectFirst("main h1").text());
    assertEquals(
        "https://mail.google.com/mail/u/0/#all/" + ID,
        doc.getElementById("open-in-gmail").attr("href"));
  }

  @Test
  void notSignedInGoesThroughSignInAndBackToTheReader() throws Exception {
    HttpResponse<String> page = new Browser().get(app.url("/messages/" + ID + "?q=x"));
    assertEquals(302, page.statusCode());
    assertEquals("/messages/" + ID + "?q=x", Query.param(Browser.location(page), "next"));
    assertEquals(List.of(), app.google.requests());
  }

  @Test
  void gmail401AfterTheForcedRefreshSendsThePersonThroughConsentBackToTheReader() throws Exception {
    StandInMessage m = add(TestMail.subject("x").text("x"), "INBOX");
    app.google.failGmail(401, 2);
    HttpResponse<String> page = browser.get(app.url("/messages/" + m.id() + "?label=all"));
    assertEquals(302, page.statusCode());
    String location = Browser.location(page);
    assertTrue(location.startsWith(app.url("/authorize?next=")), location);
    assertEquals("/messages/" + m.id() + "?label=all", Query.param(location, "next"));
    assertEquals(1, app.google.tokenCalls("refresh_token"), "one forced refresh first");
  }

  @Test
  void gmail403ScopeIsThePermissionPageReturningToTheReader() throws Exception {
    StandInMessage m = add(TestMail.subject("x").text("x"), "INBOX");
    app.google.failGmail(403, 1);
    HttpResponse<String> page = browser.get(app.url("/messages/" + m.id()));
    assertEquals(403, page.statusCode());
    Document doc = Jsoup.parse(page.body());
    assertEquals("Permission needed", doc.selectFirst("main h1").text());
    String grant = doc.selectFirst("main a").attr("href");
    assertEquals("/messages/" + m.id(), Query.param(app.url(grant), "next"));
  }

  @Test
  void gmailSlowingDownIsRetriedThenA503() throws Exception {
    StandInMessage m = add(TestMail.subject("Retried").text("x"), "INBOX");
    app.google.failGmail(503, 1);
    assertEquals(200, browser.get(app.url("/messages/" + m.id())).statusCode());
    assertEquals(2, gmailCalls().size(), "one back-off, one retry");

    for (int status : new int[] {429, 500, 503}) {
      app.google.failGmail(status, 1, "30");
      HttpResponse<String> busy = browser.get(app.url("/messages/" + m.id()));
      assertEquals(503, busy.statusCode(), "after " + status);
      assertTrue(busy.headers().firstValue("Retry-After").isPresent());
      Document doc = Jsoup.parse(busy.body());
      assertEquals("Google is busy", doc.selectFirst("main h1").text());
      assertEquals("/messages/" + m.id(), doc.selectFirst("main a").attr("href"));
    }
  }
}
