package io.github.gmailoauth.bench;

import static io.github.gmailoauth.bench.Benchmarks.FIGURES;
import static io.github.gmailoauth.bench.Benchmarks.progress;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.github.gmailoauth.bench.Benchmarks.Row;
import io.github.gmailoauth.standin.RecordedRequest;
import io.github.gmailoauth.standin.StandInGoogle;
import io.github.gmailoauth.standin.StandInUser;
import jakarta.activation.DataHandler;
import jakarta.mail.Session;
import jakarta.mail.internet.MimeBodyPart;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeMultipart;
import jakarta.mail.util.ByteArrayDataSource;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Properties;
import java.util.Random;

/**
 * The message reader's figures (issue 14): the latency of the reader page at the run's injected
 * upstream latency, beside the list page and a bare {@code messages.get}; and the heap the app
 * holds while it streams a large attachment, beside the stand-in's own answer read directly at the
 * same pace. Its CPU per page is measured with the throughput figures ({@link
 * ThroughputFigures#readerCpu}).
 */
final class ReaderFigures extends FigureGroup {
  /**
   * An HTML newsletter (tables, inline styles, remote images) and a message with one attachment.
   */
  record Messages(String newsletterId, String attachmentMessageId, int attachmentBytes) {
    /** How many messages {@link #addMessages} adds to the bench mailbox. */
    static final int COUNT = 2;

    String readerPath() {
      return "/messages/" + newsletterId;
    }

    String bodyPath() {
      return readerPath() + "/body";
    }

    /** The attachment is the second part of a multipart/mixed root: Gmail's part id "1". */
    String downloadPath() {
      return "/messages/" + attachmentMessageId + "/attachments/1";
    }
  }

  ReaderFigures(Benchmarks run) {
    super(run);
  }

  /** Adds the reader's messages to {@code user}'s mailbox, older than everything else in it. */
  static Messages addMessages(StandInUser user, Instant olderThanAll, int attachmentBytes)
      throws Exception {
    Session session = Session.getInstance(new Properties());
    MimeMessage newsletter = new MimeMessage(session);
    newsletter.setFrom("\"The Weekly Bench\" <news@bench.example>");
    newsletter.setRecipients(MimeMessage.RecipientType.TO, Benchmarks.BENCH_EMAIL);
    newsletter.setSubject("This week in benchmarks", "UTF-8");
    MimeMultipart alternative = new MimeMultipart("alternative");
    MimeBodyPart text = new MimeBodyPart();
    text.setText(newsletterText(), "UTF-8");
    MimeBodyPart html = new MimeBodyPart();
    html.setContent(newsletterHtml(), "text/html; charset=UTF-8");
    alternative.addBodyPart(text);
    alternative.addBodyPart(html);
    newsletter.setContent(alternative);
    String newsletterId =
        user.addMime(bytes(newsletter), olderThanAll.minusSeconds(60), "INBOX").id();

    MimeMessage withFile = new MimeMessage(session);
    withFile.setFrom("\"Archive\" <archive@bench.example>");
    withFile.setRecipients(MimeMessage.RecipientType.TO, Benchmarks.BENCH_EMAIL);
    withFile.setSubject("The export you asked for");
    MimeMultipart mixed = new MimeMultipart("mixed");
    MimeBodyPart note = new MimeBodyPart();
    note.setText("The export is attached.", "UTF-8");
    MimeBodyPart file = new MimeBodyPart();
    byte[] content = new byte[attachmentBytes];
    new Random(14).nextBytes(content);
    file.setDataHandler(
        new DataHandler(new ByteArrayDataSource(content, "application/octet-stream")));
    file.setFileName("export.bin");
    mixed.addBodyPart(note);
    mixed.addBodyPart(file);
    withFile.setContent(mixed);
    String fileId = user.addMime(bytes(withFile), olderThanAll.minusSeconds(120), "INBOX").id();
    return new Messages(newsletterId, fileId, attachmentBytes);
  }

  private static byte[] bytes(MimeMessage message) throws Exception {
    message.saveChanges();
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    message.writeTo(out);
    return out.toByteArray();
  }

  private static String newsletterText() {
    StringBuilder b = new StringBuilder("This week in benchmarks\n\n");
    for (int i = 0; i < 20; i++) {
      b.append("Story ").append(i).append(": read it at https://bench.example/story/").append(i);
      b.append("\n\n");
    }
    return b.toString();
  }

  /** About 20 KB, shaped like a marketing mail: nested tables, inline styles, remote images. */
  private static String newsletterHtml() {
    StringBuilder b =
        new StringBuilder(
            "<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>Weekly</title></head>"
                + "<body style=\"margin:0;background-color:#f4f4f4\">"
                + "<table width=\"100%\" cellpadding=\"0\" cellspacing=\"0\" border=\"0\"><tr><td"
                + " align=\"center\"><table width=\"600\" style=\"background-color:#ffffff;"
                + "font-family:Arial,sans-serif\">");
    for (int i = 0; i < 20; i++) {
      b.append("<tr><td style=\"padding:16px 24px;border-bottom:1px solid #eeeeee\">")
          .append("<img src=\"https://images.bench.example/story/")
          .append(i)
          .append(".png\" width=\"552\" height=\"200\" alt=\"Story ")
          .append(i)
          .append("\" style=\"display:block\">")
          .append("<h2 style=\"font-size:20px;color:#222222;margin:12px 0 4px\">Story number ")
          .append(i)
          .append("</h2><p style=\"font-size:14px;line-height:20px;color:#555555\">")
          .append("Lorem ipsum dolor sit amet, consectetur adipiscing elit, sed do eiusmod tempor")
          .append(" incididunt ut labore et dolore magna aliqua. Ut enim ad minim veniam, quis")
          .append(" nostrud exercitation ullamco laboris nisi ut aliquip ex ea commodo.</p>")
          .append("<a href=\"https://bench.example/story/")
          .append(i)
          .append("\" style=\"color:#1a73e8;font-weight:bold\">Read more</a></td></tr>");
    }
    b.append("</table><img src=\"http://tracker.bench.example/open.gif\" width=\"1\" height=\"1\">")
        .append("</td></tr></table></body></html>");
    return b.toString();
  }

  // -----------------------------------------------------------------------------------------------
  // Latency and upstream calls

  /** What one reader page and its body frame asked of the stand-in: requests that are not parts. */
  private static int outerRequests(List<RecordedRequest> requests) {
    int n = 0;
    for (RecordedRequest r : requests) {
      if (!r.batchPart()) {
        n++;
      }
    }
    return n;
  }

  Row latency(StandInGoogle google, BenchServer server, BenchBrowser browser, Messages m)
      throws Exception {
    progress("reader latency");
    google.setLatency(Duration.ZERO);
    google.clearRequests();
    BenchBrowser.expect(browser.get(server.url(m.readerPath())), 200, m.readerPath());
    List<RecordedRequest> pageRequests = google.requests();
    report.readerPageCalls = outerRequests(pageRequests);
    String bearer = pageRequests.get(pageRequests.size() - 1).header("authorization");
    google.clearRequests();
    BenchBrowser.expect(browser.get(server.url(m.bodyPath())), 200, m.bodyPath());
    report.readerBodyCalls = outerRequests(google.requests());

    HttpClient http = BenchBrowser.sharedClient();
    URI direct =
        URI.create(
            google.apiRootUrl()
                + "gmail/v1/users/me/messages/"
                + m.newsletterId()
                + "?format=full");
    google.setLatency(params.upstreamLatency());
    try {
      Stats reader =
          sample(() -> BenchBrowser.expect(browser.get(server.url(m.readerPath())), 200, "reader"));
      Stats list =
          sample(() -> BenchBrowser.expect(browser.get(server.url("/messages")), 200, "list"));
      Stats bare =
          sample(
              () -> {
                HttpResponse<String> r =
                    http.send(
                        HttpRequest.newBuilder(direct).header("Authorization", bearer).build(),
                        HttpResponse.BodyHandlers.ofString());
                return BenchBrowser.expect(r, 200, "messages.get format=full");
              });
      long latencyMs = params.upstreamLatency().toMillis();
      double target = latencyMs + 20;
      return new Row(
          FIGURES.get(10) + ", " + latencyMs + " ms injected per upstream request",
          String.format(
              Locale.ROOT,
              "%s (GET %s over HTTP: a %d KB HTML newsletter with 21 remote images, %d samples);"
                  + " upstream requests: %d for the page, %d for its body frame",
              reader,
              "/messages/{id}",
              newsletterHtml().length() / 1024,
              reader.n(),
              report.readerPageCalls,
              report.readerBodyCalls),
          String.format(Locale.ROOT, "≤ 1 × %d + 20 = %.0f ms", latencyMs, target),
          reader.p50Ms() <= target
              ? "yes"
              : String.format(Locale.ROOT, "no: %.1f ms over", reader.p50Ms() - target),
          String.format(
              Locale.ROOT,
              "the list page (/messages, 25 rows) in this run: %s; a bare messages.get"
                  + " format=full of the same message (JDK HttpClient, no app): %s",
              list,
              bare));
    } finally {
      google.setLatency(Duration.ZERO);
    }
  }

  // -----------------------------------------------------------------------------------------------
  // Heap while streaming

  /** Bytes read, the status, and the heap (after GC) measured halfway through the answer. */
  private record Transfer(int status, long bytes, long heapMidway) {}

  /**
   * Reads {@code request}'s answer in 64 KB steps; once {@code midway} bytes are in, stops reading
   * (the sender then waits on TCP flow control) and measures the settled heap; then reads the rest.
   */
  private static Transfer transfer(HttpClient http, HttpRequest request, long midway)
      throws Exception {
    HttpResponse<InputStream> answer =
        http.send(request, HttpResponse.BodyHandlers.ofInputStream());
    long read = 0;
    long heap = -1;
    byte[] buffer = new byte[64 * 1024];
    try (InputStream in = answer.body()) {
      for (int n; (n = in.read(buffer)) != -1; ) {
        read += n;
        if (heap < 0 && read >= midway) {
          heap = ServerStateFigures.settledHeapUsed();
        }
      }
    }
    return new Transfer(answer.statusCode(), read, heap);
  }

  Row streamingHeap(StandInGoogle google, BenchServer server, BenchBrowser browser, Messages m)
      throws Exception {
    progress("heap while streaming an attachment");
    google.setLatency(Duration.ZERO);
    HttpClient http = BenchBrowser.sharedClient();
    // The direct anchor needs the attachment's id of the moment and the user's access token.
    google.clearRequests();
    BenchBrowser.expect(
        browser.get(server.url("/messages/" + m.attachmentMessageId())), 200, "reader page");
    String bearer = google.requests().get(0).header("authorization");
    HttpResponse<String> full =
        http.send(
            HttpRequest.newBuilder(
                    URI.create(
                        google.apiRootUrl()
                            + "gmail/v1/users/me/messages/"
                            + m.attachmentMessageId()
                            + "?format=full"))
                .header("Authorization", bearer)
                .build(),
            HttpResponse.BodyHandlers.ofString());
    String attachmentId = attachmentIdOfPart(full.body(), "1");

    long before = ServerStateFigures.settledHeapUsed();
    Transfer app =
        transfer(
            http,
            HttpRequest.newBuilder(URI.create(server.url(m.downloadPath())))
                .header("Cookie", browser.cookieHeader())
                .build(),
            m.attachmentBytes() / 2);
    if (app.status() != 200 || app.bytes() != m.attachmentBytes()) {
      throw new IllegalStateException(
          "the download answered " + app.status() + " with " + app.bytes() + " bytes");
    }
    // Gmail's answer is JSON with the bytes in base64url: 4 characters for every 3 bytes.
    long jsonBytes = (long) Math.ceil(m.attachmentBytes() / 3.0) * 4;
    Transfer direct =
        transfer(
            http,
            HttpRequest.newBuilder(
                    URI.create(
                        google.apiRootUrl()
                            + "gmail/v1/users/me/messages/"
                            + m.attachmentMessageId()
                            + "/attachments/"
                            + attachmentId))
                .header("Authorization", bearer)
                .build(),
            jsonBytes / 2);
    if (direct.status() != 200 || direct.bytes() < jsonBytes) {
      throw new IllegalStateException(
          "attachments.get answered " + direct.status() + " with " + direct.bytes() + " bytes");
    }
    double mib = 1024 * 1024;
    double appShare = (app.heapMidway() - direct.heapMidway()) / mib;
    report.streamingHeapMiB = appShare;
    double limit = 2;
    return new Row(
        FIGURES.get(11),
        String.format(
            Locale.ROOT,
            "%.1f MiB more than the anchor, for a %.1f MiB attachment (heap after GC halfway"
                + " through: %.1f MiB over the idle heap of %.1f MiB; the download's bytes exact)",
            appShare,
            m.attachmentBytes() / mib,
            (app.heapMidway() - before) / mib,
            before / mib),
        String.format(Locale.ROOT, "≤ %.0f MiB (no whole-file copy)", limit),
        appShare <= limit ? "yes" : String.format(Locale.ROOT, "no: %.1f MiB", appShare),
        String.format(
            Locale.ROOT,
            "the stand-in's own attachments.get answer (%.1f MiB of JSON) read directly at the same"
                + " pace: %.1f MiB over the idle heap (the stand-in holds its whole answer while"
                + " it sends it, in both cases)",
            jsonBytes / mib,
            (direct.heapMidway() - before) / mib));
  }

  /** The attachmentId Gmail gave the part {@code partId} in a format=full answer. */
  private static String attachmentIdOfPart(String fullMessageJson, String partId) {
    JsonObject payload =
        JsonParser.parseString(fullMessageJson).getAsJsonObject().getAsJsonObject("payload");
    for (JsonElement part : payload.getAsJsonArray("parts")) {
      JsonObject p = part.getAsJsonObject();
      if (partId.equals(p.get("partId").getAsString())) {
        return p.getAsJsonObject("body").get("attachmentId").getAsString();
      }
    }
    throw new IllegalStateException("no part " + partId + " in " + fullMessageJson);
  }
}
