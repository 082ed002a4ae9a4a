package io.github.gmailoauth.bench;

import static io.github.gmailoauth.bench.Benchmarks.FIGURES;
import static io.github.gmailoauth.bench.Benchmarks.progress;

import com.google.api.client.http.javanet.NetHttpTransport;
import com.google.api.client.json.gson.GsonFactory;
import com.google.api.services.gmail.Gmail;
import com.google.api.services.gmail.model.MessagePartBody;
import io.github.gmailoauth.AppConfig;
import io.github.gmailoauth.bench.Benchmarks.Row;
import io.github.gmailoauth.reader.MailHtml;
import io.github.gmailoauth.reader.ReadableMessage;
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
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.lang.ref.Reference;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Random;

/**
 * The message reader's figures (issue 14): the latency of the reader page at the run's injected
 * upstream latency, beside the list page and a bare {@code messages.get}; and the heap the app
 * holds while it streams a large attachment, beside the Google client library's way of reading it.
 * Its CPU per page is measured with the throughput figures ({@link ThroughputFigures#readerCpu}).
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

  /** CPU of sanitising the bench newsletter once, in this thread. */
  record Sanitising(double countNanos, double renderNanos) {}

  /**
   * The sanitiser's share of a reader view: the page's count (one pass) and the body's render (two
   * passes) of the bench newsletter, single-threaded CPU time after a warm-up.
   */
  static Sanitising sanitisingCpu() {
    MailHtml mailHtml = new MailHtml();
    ReadableMessage.Html body = new ReadableMessage.Html(newsletterHtml());
    ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    int rounds = 2_000;
    long blocked = 0;
    for (int i = 0; i < rounds; i++) {
      blocked += mailHtml.render(body, Map.of(), false).remoteImagesBlocked();
      blocked += mailHtml.remoteImagesBlocked(body, false);
    }
    long start = threads.getCurrentThreadCpuTime();
    for (int i = 0; i < rounds; i++) {
      blocked += mailHtml.remoteImagesBlocked(body, false);
    }
    long counted = threads.getCurrentThreadCpuTime();
    for (int i = 0; i < rounds; i++) {
      blocked += mailHtml.render(body, Map.of(), false).remoteImagesBlocked();
    }
    long rendered = threads.getCurrentThreadCpuTime();
    if (blocked != 4L * rounds * 21) {
      throw new IllegalStateException("the newsletter's 21 remote images were not all counted");
    }
    return new Sanitising(
        (counted - start) / (double) rounds, (rendered - counted) / (double) rounds);
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
          reader.withinTarget(target),
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

  /**
   * The app's heap halfway through a download, over its idle heap, with the stand-in in a JVM of
   * its own (the stand-in holds its whole answer while it sends it, which must not be counted as
   * the app's); beside the Google client library's way ({@code attachments.get().execute()} and
   * {@code decodeData()}), measured in this JVM against the same stand-in.
   */
  Row streamingHeap() throws Exception {
    progress("heap while streaming an attachment");
    Path dir = params.workDir().resolve("streaming");
    Files.createDirectories(dir);
    int size = params.attachmentBytes();
    try (StandInProcess google = new StandInProcess(dir, size)) {
      Map<String, String> settings = new LinkedHashMap<>(google.settings);
      settings.put(AppConfig.DATABASE_URL, "jdbc:h2:file:" + dir.resolve("db").toAbsolutePath());
      settings.put(AppConfig.TOKEN_ENCRYPTION_KEY, Benchmarks.TOKEN_KEY);
      settings.put(AppConfig.ACCESS_LOG, dir.resolve("access.log").toAbsolutePath().toString());
      try (BenchServer server = BenchServer.start(settings)) {
        HttpClient http = BenchBrowser.sharedClient();
        BenchBrowser browser = new BenchBrowser(http, server.base);
        browser.signIn(server.base, null);
        HttpRequest download =
            HttpRequest.newBuilder(
                    URI.create(
                        server.url("/messages/" + google.attachmentMessageId + "/attachments/1")))
                .header("Cookie", browser.cookieHeader())
                .build();
        // Once through, so that the measured download finds every class loaded and every pool warm.
        expectWhole(transfer(http, download, Long.MAX_VALUE), size, "the first download");

        // Three measured downloads, the least taken: whatever else the JVM still holds from the
        // figures before (a stopped server's leftovers) can only add to a reading.
        double mib = 1024 * 1024;
        List<String> readings = new ArrayList<>();
        double appShare = Double.MAX_VALUE;
        long before = 0;
        for (int i = 0; i < 3; i++) {
          long idle = ServerStateFigures.settledHeapUsed();
          Transfer app = expectWhole(transfer(http, download, size / 2), size, "the download");
          double share = (app.heapMidway() - idle) / mib;
          readings.add(String.format(Locale.ROOT, "%.1f", share));
          if (share < appShare) {
            appShare = share;
            before = idle;
          }
        }
        report.streamingHeapMiB = appShare;

        long libraryHeld = libraryHeap(google, size) - before;
        double limit = 2;
        return new Row(
            FIGURES.get(11),
            String.format(
                Locale.ROOT,
                "%.1f MiB over the idle heap, for a %.1f MiB attachment (heap after GC halfway"
                    + " through the download, least of 3 downloads: %s MiB; idle heap %.1f MiB;"
                    + " the stand-in in a JVM of its own; every download's bytes exact)",
                appShare,
                size / mib,
                String.join(", ", readings),
                before / mib),
            String.format(Locale.ROOT, "≤ %.0f MiB (no whole-file copy)", limit),
            appShare <= limit ? "yes" : String.format(Locale.ROOT, "no: %.1f MiB", appShare),
            String.format(
                Locale.ROOT,
                "the Google client library's way (attachments.get().execute(), then"
                    + " decodeData(), against the same stand-in): %.1f MiB held over the idle heap"
                    + " once the answer is in",
                libraryHeld / mib));
      }
    }
  }

  private static Transfer expectWhole(Transfer t, long size, String what) {
    if (t.status() != 200 || t.bytes() != size) {
      throw new IllegalStateException(what + " answered " + t.status() + " with " + t.bytes());
    }
    return t;
  }

  /** The settled heap while the client library's answer and its decoded bytes are held. */
  private static long libraryHeap(StandInProcess google, int size) throws Exception {
    Gmail gmail =
        new Gmail.Builder(
                new NetHttpTransport(),
                GsonFactory.getDefaultInstance(),
                request -> request.getHeaders().setAuthorization("Bearer " + google.accessToken))
            .setRootUrl(google.settings.get(AppConfig.GOOGLE_API_ROOT_URL))
            .setApplicationName("bench")
            .build();
    String attachmentId =
        gmail
            .users()
            .messages()
            .get("me", google.attachmentMessageId)
            .setFormat("full")
            .execute()
            .getPayload()
            .getParts()
            .get(1)
            .getBody()
            .getAttachmentId();
    MessagePartBody body =
        gmail
            .users()
            .messages()
            .attachments()
            .get("me", google.attachmentMessageId, attachmentId)
            .execute();
    byte[] bytes = body.decodeData();
    if (bytes.length != size) {
      throw new IllegalStateException("the library read " + bytes.length + " bytes");
    }
    long held = ServerStateFigures.settledHeapUsed();
    Reference.reachabilityFence(body);
    Reference.reachabilityFence(bytes);
    return held;
  }
}
