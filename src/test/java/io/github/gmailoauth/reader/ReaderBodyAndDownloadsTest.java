package io.github.gmailoauth.reader;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.gmailoauth.standin.RecordedRequest;
import io.github.gmailoauth.standin.StandInMessage;
import io.github.gmailoauth.testing.AppWithGoogle;
import io.github.gmailoauth.testing.Browser;
import io.github.gmailoauth.testing.TestApp;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Random;
import org.jsoup.Jsoup;
import org.jsoup.nodes.Document;
import org.jsoup.nodes.Element;
import org.junit.jupiter.api.Test;

/**
 * The body document the reader frames ({@code /messages/{id}/body}) and the attachment downloads
 * ({@code /messages/{id}/attachments/{partId}}), over real HTTP against the stand-in Gmail: their
 * headers exactly, their bytes exactly, and their upstream calls.
 */
@AppWithGoogle(signedIn = true)
class ReaderBodyAndDownloadsTest {
  /** The policy of the body document, as agreed in issue 14; {@code %s} is the img-src addition. */
  private static final String BODY_POLICY =
      "sandbox allow-popups allow-popups-to-escape-sandbox; default-src 'none';"
          + " style-src 'unsafe-inline'; img-src data:%s; base-uri 'none'; form-action 'none';"
          + " frame-ancestors 'self'";

  /** A 1x1 transparent PNG. */
  private static final byte[] PIXEL =
      Base64.getDecoder()
          .decode(
              "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==");

  TestApp app;
  Browser browser;

  private StandInMessage add(TestMail mail) throws Exception {
    return mail.addTo(app, "INBOX");
  }

  private List<RecordedRequest> gmailCalls() {
    return app.google.requests().stream().filter(r -> r.path().startsWith("/gmail/")).toList();
  }

  private String download(StandInMessage m, String name) throws Exception {
    Document page = Jsoup.parse(browser.get(app.url("/messages/" + m.id())).body());
    for (Element a : page.select("ul#attachments a.attachment")) {
      if (a.text().equals(name)) {
        app.google.clearRequests();
        return a.attr("href");
      }
    }
    throw new AssertionError("no attachment " + name + " on the page");
  }

  private HttpResponse<byte[]> getBytes(String path) throws Exception {
    HttpRequest request =
        HttpRequest.newBuilder(URI.create(app.url(path)))
            .header("Cookie", browser.cookieHeader())
            .GET()
            .build();
    return HttpClient.newHttpClient().send(request, HttpResponse.BodyHandlers.ofByteArray());
  }

  @Test
  void theBodyIsASandboxedDocumentThatOnlyThisAppMayFrame() throws Exception {
    StandInMessage m = add(TestMail.subject("Body").html("<p id=\"hello\">Hello <b>there</b></p>"));

    HttpResponse<String> body = browser.get(app.url("/messages/" + m.id() + "/body"));

    assertEquals(200, body.statusCode());
    assertEquals(
        String.format(BODY_POLICY, ""),
        body.headers().firstValue("Content-Security-Policy").orElseThrow());
    assertEquals(
        List.of("SAMEORIGIN"), body.headers().allValues("X-Frame-Options"), "one value, replaced");
    assertEquals("no-store", body.headers().firstValue("Cache-Control").orElseThrow());
    assertTrue(body.headers().firstValue("Content-Type").orElseThrow().startsWith("text/html"));
    assertTrue(Jsoup.parse(body.body()).body().text().contains("Hello there"), body.body());
    assertEquals(1, gmailCalls().size(), "one messages.get for a body without inline images");
  }

  @Test
  void showImagesAddsHttpsToImgSrcOnThatAnswerOnly() throws Exception {
    StandInMessage m =
        add(TestMail.subject("Remote").html("<img src=\"https://cdn.example/x.png\">"));

    HttpResponse<String> shown = browser.get(app.url("/messages/" + m.id() + "/body?images=show"));
    HttpResponse<String> blocked = browser.get(app.url("/messages/" + m.id() + "/body"));
    HttpResponse<String> page = browser.get(app.url("/messages/" + m.id() + "?images=show"));

    assertEquals(
        String.format(BODY_POLICY, " https:"),
        shown.headers().firstValue("Content-Security-Policy").orElseThrow());
    assertEquals(
        String.format(BODY_POLICY, ""),
        blocked.headers().firstValue("Content-Security-Policy").orElseThrow());
    assertFalse(
        page.headers().firstValue("Content-Security-Policy").orElseThrow().contains("https:"),
        "the page itself never loads remote images");
  }

  @Test
  void inlineImagesAreEmbeddedAsDataUrlsBuiltFromTheAttachment() throws Exception {
    StandInMessage m =
        add(
            TestMail.subject("Logo")
                .html("<p>Logo:</p><img src=\"cid:logo@example\" alt=\"logo\">")
                .inlineImage("logo@example", "image/png", PIXEL));

    HttpResponse<String> body = browser.get(app.url("/messages/" + m.id() + "/body"));

    Element img = Jsoup.parse(body.body()).selectFirst("img");
    assertEquals(
        "data:image/png;base64," + Base64.getEncoder().encodeToString(PIXEL), img.attr("src"));
    long gets = gmailCalls().stream().filter(r -> r.path().endsWith("/messages/" + m.id())).count();
    assertEquals(1, gets, "one messages.get: " + gmailCalls());
    assertTrue(gmailCalls().size() <= 2, "at most one attachments.get for one image");
  }

  @Test
  void aDownloadIsTheExactBytesWithTheAgreedHeadersForTwoUpstreamCalls() throws Exception {
    byte[] pdf = new byte[300_000];
    new Random(14).nextBytes(pdf);
    StandInMessage m =
        add(
            TestMail.subject("Report")
                .text("Attached.")
                .attach("report.pdf", "application/pdf", pdf));

    HttpResponse<byte[]> file = getBytes(download(m, "report.pdf"));

    assertEquals(200, file.statusCode());
    assertArrayEquals(pdf, file.body());
    assertEquals("application/pdf", file.headers().firstValue("Content-Type").orElseThrow());
    assertEquals(
        Downloads.contentDisposition("report.pdf"),
        file.headers().firstValue("Content-Disposition").orElseThrow());
    assertTrue(
        file.headers().firstValue("Content-Disposition").orElseThrow().startsWith("attachment;"));
    assertEquals("nosniff", file.headers().firstValue("X-Content-Type-Options").orElseThrow());
    assertEquals("no-store", file.headers().firstValue("Cache-Control").orElseThrow());
    assertEquals(
        String.valueOf(pdf.length), file.headers().firstValue("Content-Length").orElseThrow());
    List<RecordedRequest> calls = gmailCalls();
    assertEquals(2, calls.size(), "messages.get for the part's current id, then attachments.get");
    assertEquals("/gmail/v1/users/me/messages/" + m.id(), calls.get(0).path());
    assertTrue(
        calls.get(1).path().startsWith("/gmail/v1/users/me/messages/" + m.id() + "/attachments/"));
  }

  @Test
  void anExecutableNamedLikeAPdfDownloadsAsOctetStreamUnderItsOwnName() throws Exception {
    byte[] exe = "MZ\u0090\u0000 not really".getBytes(StandardCharsets.ISO_8859_1);
    StandInMessage m =
        add(
            TestMail.subject("Invoice")
                .text("Pay now.")
                .attach("invoice.pdf.exe", "application/x-msdownload", exe));

    HttpResponse<byte[]> file = getBytes(download(m, "invoice.pdf.exe"));

    assertEquals(200, file.statusCode());
    assertArrayEquals(exe, file.body());
    assertEquals(
        "application/octet-stream", file.headers().firstValue("Content-Type").orElseThrow());
    String disposition = file.headers().firstValue("Content-Disposition").orElseThrow();
    assertTrue(disposition.startsWith("attachment;"), disposition);
    assertTrue(disposition.contains("filename*=UTF-8''invoice.pdf.exe"), disposition);
  }

  @Test
  void aPartThatIsNotInTheMessageIsA404() throws Exception {
    StandInMessage m =
        add(TestMail.subject("One").text("x").attach("a.txt", "text/plain", new byte[3]));
    HttpResponse<String> answer = browser.get(app.url("/messages/" + m.id() + "/attachments/9.9"));
    assertEquals(404, answer.statusCode());
    assertEquals("Attachment not found", Jsoup.parse(answer.body()).selectFirst("main h1").text());
    assertEquals(1, gmailCalls().size(), "the message only; no attachments.get");
  }

  @Test
  void aPartDeclaringMoreThanGmailsLimitIsRefusedBeforeItIsFetched() throws Exception {
    String id = "18c2f0a1b2c3d4e5";
    String full =
        "{\"id\":\""
            + id
            + "\",\"threadId\":\""
            + id
            + "\",\"labelIds\":[\"INBOX\"],\"snippet\":\"\",\"internalDate\":\"1764700000000\","
            + "\"payload\":{\"partId\":\"\",\"mimeType\":\"multipart/mixed\",\"filename\":\"\","
            + "\"headers\":[{\"name\":\"Subject\",\"value\":\"Big\"},"
            + "{\"name\":\"Content-Type\",\"value\":\"multipart/mixed; boundary=b\"}],"
            + "\"body\":{\"size\":0},\"parts\":["
            + "{\"partId\":\"0\",\"mimeType\":\"text/plain\",\"filename\":\"\",\"headers\":"
            + "[{\"name\":\"Content-Type\",\"value\":\"text/plain; charset=UTF-8\"}],"
            + "\"body\":{\"size\":2,\"data\":\"aGk=\"}},"
            + "{\"partId\":\"1\",\"mimeType\":\"application/zip\",\"filename\":\"big.zip\",\"headers\":"
            + "[{\"name\":\"Content-Type\",\"value\":\"application/zip; name=big.zip\"},"
            + "{\"name\":\"Content-Disposition\",\"value\":\"attachment; filename=big.zip\"}],"
            + "\"body\":{\"attachmentId\":\"ANGjdJ_big\",\"size\":26214401}}]}}";
    app.google.answerNext(
        "GET",
        "/gmail/v1/users/me/messages/" + id,
        200,
        "application/json",
        full.getBytes(StandardCharsets.UTF_8),
        1);

    HttpResponse<String> answer = browser.get(app.url("/messages/" + id + "/attachments/1"));

    assertEquals(200, answer.statusCode());
    Document doc = Jsoup.parse(answer.body());
    assertEquals(
        "This attachment is too large to download here", doc.selectFirst("main h1").text());
    assertEquals("/messages/" + id, doc.selectFirst("main a").attr("href"));
    assertEquals(1, gmailCalls().size(), "no attachments.get: " + gmailCalls());
  }

  @Test
  void consentFromTheBodyOrADownloadReturnsToTheReaderPageNotToTheFrame() throws Exception {
    StandInMessage m =
        add(TestMail.subject("Again").text("x").attach("a.txt", "text/plain", new byte[3]));
    for (String path :
        List.of(
            "/messages/" + m.id() + "/body?q=z", "/messages/" + m.id() + "/attachments/1?q=z")) {
      app.google.failGmail(401, 2);
      HttpResponse<String> answer = browser.get(app.url(path));
      assertEquals(302, answer.statusCode(), path);
      assertEquals(
          "/messages/" + m.id() + "?q=z",
          io.github.gmailoauth.testing.Query.param(Browser.location(answer), "next"),
          path);
      app.signIn(browser);
      // Past the window in which a second refusal would count as a consent loop.
      app.clock.advance(java.time.Duration.ofMinutes(6));
    }
  }
}
