package io.github.gmailoauth.bench;

import static io.github.gmailoauth.bench.Benchmarks.BENCH_EMAIL;
import static io.github.gmailoauth.bench.Benchmarks.FIGURES;
import static io.github.gmailoauth.bench.Benchmarks.PAGE_SIZE_PARAMETERS;
import static io.github.gmailoauth.bench.Benchmarks.appSettings;
import static io.github.gmailoauth.bench.Benchmarks.progress;

import com.google.api.client.http.HttpTransport;
import com.google.api.client.json.JsonFactory;
import com.google.api.client.json.gson.GsonFactory;
import io.github.gmailoauth.bench.Benchmarks.Row;
import io.github.gmailoauth.gmail.GmailClient;
import io.github.gmailoauth.google.BoundedHttpTransport;
import io.github.gmailoauth.metrics.AppMetrics;
import io.github.gmailoauth.standin.RecordedRequest;
import io.github.gmailoauth.standin.StandInGoogle;
import io.github.gmailoauth.standin.StandInUser;
import java.io.IOException;
import java.net.http.HttpClient;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;

/**
 * The figures of one app against one in-process stand-in: upstream round trips per page,
 * token-endpoint calls per page view and page latency (then {@link ThroughputFigures} on the same
 * app), each beside the anchors of {@link Anchors}.
 */
final class PageFigures extends FigureGroup {
  private final HttpTransport transport = new BoundedHttpTransport();
  private final JsonFactory json = GsonFactory.getDefaultInstance();

  PageFigures(Benchmarks run) {
    super(run);
  }

  // -----------------------------------------------------------------------------------------------
  // Everything against one app and one in-process stand-in

  void withInProcessGoogle() throws Exception {
    try (StandInGoogle google = StandInGoogle.start()) {
      StandInUser user = google.addUser("117000000000000000500", BENCH_EMAIL, "Bench User");
      Instant now = Instant.now();
      // The mailbox holds params.mailbox() messages in all: the reader's own ones are among them.
      fillMailbox(user, params.mailbox() - ReaderFigures.Messages.COUNT, now);
      ReaderFigures.Messages reader =
          ReaderFigures.addMessages(
              user, now.minusSeconds(600L * params.mailbox()), params.attachmentBytes());
      Path dir = params.workDir().resolve("app");
      try (BenchServer server = BenchServer.start(appSettings(google, dir));
          Anchors anchors = new Anchors(google.apiRootUrl())) {
        HttpClient http = BenchBrowser.sharedClient();
        BenchBrowser browser = new BenchBrowser(http, server.base);
        browser.signIn(server.base, BENCH_EMAIL);
        BenchBrowser.expect(browser.get(server.url("/messages")), 200, "/messages");

        progress("round trips");
        roundTrips(google, server, browser, anchors);
        progress("token-endpoint calls");
        row(6, tokenCalls(google, server, browser, anchors));
        progress("page latency");
        row(3, latency(google, server, browser, anchors));
        ReaderFigures readerFigures = new ReaderFigures(run);
        row(10, readerFigures.latency(google, server, browser, reader));
        // Last: /authorize load leaves many thousands of sessions behind in this server.
        progress("throughput");
        new ThroughputFigures(run).throughput(google, server, http, reader);
        new CachedPageFigures(run).withRowCache(google, server, browser, http);
      }
    }
  }

  /**
   * Gives {@code user} {@code count} list-shaped messages in the inbox, one every 10 minutes back
   * from {@code newest}, a third of them unread.
   */
  static void fillMailbox(StandInUser user, int count, Instant newest) {
    for (int i = 0; i < count; i++) {
      user.addMessage(
          "\"Sender " + (i % 37) + "\" <sender" + (i % 37) + "@example.org>",
          "Subject number " + i,
          "A snippet of message " + i + " &amp; some more text to make it realistic",
          newest.minusSeconds(600L * i),
          i % 3 == 0 ? new String[] {"INBOX", "UNREAD"} : new String[] {"INBOX"});
    }
  }

  /** What one page view asked of the stand-in: outer requests by kind, and batch parts. */
  record Upstream(int outer, int lists, int batches, int parts, String bearer) {}

  private static Upstream upstream(List<RecordedRequest> requests) {
    int outer = 0;
    int lists = 0;
    int batches = 0;
    int parts = 0;
    String bearer = null;
    for (RecordedRequest r : requests) {
      if (r.batchPart()) {
        parts++;
        continue;
      }
      outer++;
      if (r.method().equals("GET") && r.path().endsWith("/messages")) {
        lists++;
        bearer = r.header("authorization");
      } else if (r.path().startsWith("/batch")) {
        batches++;
      }
    }
    return new Upstream(outer, lists, batches, parts, bearer);
  }

  private Upstream pageView(StandInGoogle google, BenchBrowser browser, String url)
      throws Exception {
    google.clearRequests();
    BenchBrowser.expect(browser.get(url), 200, url);
    return upstream(google.requests());
  }

  private String accessToken(StandInGoogle google, BenchBrowser browser, BenchServer server)
      throws Exception {
    Upstream u = pageView(google, browser, server.url("/messages"));
    return u.bearer().substring("Bearer ".length());
  }

  private void roundTrips(
      StandInGoogle google, BenchServer server, BenchBrowser browser, Anchors anchors)
      throws Exception {
    google.setLatency(Duration.ZERO);
    Upstream byDefault = pageView(google, browser, server.url("/messages"));
    int defaultSize = byDefault.parts();
    String token = byDefault.bearer().substring("Bearer ".length());

    google.clearRequests();
    int naive = anchors.naiveSequential(token, 25).size();
    report.naiveSequentialRoundTrips = upstream(google.requests()).outer();
    google.clearRequests();
    anchors.naivePooled(token, 25);
    report.naivePooledRoundTrips = upstream(google.requests()).outer();
    google.clearRequests();
    int seedIds = anchors.seedStyle(token).size();
    report.seedRoundTrips = upstream(google.requests()).outer();
    if (naive != 25 || seedIds != params.mailbox()) {
      throw new IllegalStateException(
          "the anchors read " + naive + " and " + seedIds + " messages");
    }

    for (int size : List.of(25, 50, 100)) {
      int index = size == 25 ? 0 : size == 50 ? 1 : 2;
      Upstream u = null;
      String how;
      if (size == defaultSize) {
        u = byDefault;
        how = "GET /messages over HTTP (the page's own size)";
      } else {
        how = null;
        // The page-size parameter of /messages, under the names it may have.
        for (String name : PAGE_SIZE_PARAMETERS) {
          Upstream asked = pageView(google, browser, server.url("/messages?" + name + "=" + size));
          if (asked.parts() == size) {
            u = asked;
            how = "GET /messages?" + name + "=" + size + " over HTTP";
            break;
          }
        }
        if (u == null) {
          how =
              "GmailClient.listPage(…, "
                  + size
                  + ") called directly: /messages has no page-size parameter"
                  + " (tried "
                  + String.join(", ", PAGE_SIZE_PARAMETERS)
                  + ")";
          u = directListPage(google, token, size);
        }
      }
      if (u == null) {
        row(
            index,
            new Row(FIGURES.get(index), "not measured: " + how, size <= 50 ? "2" : "3", "?", ""));
        continue;
      }
      report.appRoundTrips.put(size, u.outer());
      report.appRoundTripsHow.put(size, how);
      int target = size <= 50 ? 2 : 3;
      String measured =
          u.outer()
              + " ("
              + u.lists()
              + " messages.list + "
              + u.batches()
              + " batch"
              + (u.batches() == 1 ? "" : "es")
              + " carrying "
              + u.parts()
              + " format=metadata gets"
              + (size == defaultSize
                  ? ""
                  : "; " + (how.startsWith("GmailClient") ? "GmailClient direct" : how))
              + ")";
      String anchorsText =
          "naive per-message gets: "
              + (1 + size)
              + " (1 + "
              + size
              + ")"
              + (size == 25
                  ? ", measured: sequential "
                      + report.naiveSequentialRoundTrips
                      + ", pooled "
                      + report.naivePooledRoundTrips
                  : "")
              + "; seed style: "
              + report.seedRoundTrips
              + " (every list page of a "
              + params.mailbox()
              + "-message mailbox at 100 a page, ids only)";
      row(
          index,
          new Row(
              FIGURES.get(index),
              measured,
              String.valueOf(target),
              u.outer() <= target ? "yes" : "no: " + (u.outer() - target) + " more",
              anchorsText));
      if (how.startsWith("GmailClient")) {
        report.notes.add("Page of " + size + ": " + how + ".");
      }
    }
  }

  /**
   * One page straight from the app's {@code GmailClient}, for a size /messages cannot be asked for.
   */
  private Upstream directListPage(StandInGoogle google, String token, int size) {
    try {
      GmailClient client =
          new GmailClient(
              google.apiRootUrl(),
              transport,
              json,
              BoundedHttpTransport.requestDefaults(),
              AppMetrics.OFF);
      google.clearRequests();
      client.listPage(token, "", List.of(), null, size);
      return upstream(google.requests());
    } catch (IOException | RuntimeException e) {
      report.notes.add("GmailClient.listPage could not be called directly: " + e);
      return null;
    }
  }

  // -----------------------------------------------------------------------------------------------
  // Token-endpoint calls

  private Row tokenCalls(
      StandInGoogle google, BenchServer server, BenchBrowser browser, Anchors anchors)
      throws Exception {
    google.setLatency(Duration.ZERO);
    int before = google.tokenCalls("refresh_token");
    for (int i = 0; i < params.tokenViews(); i++) {
      BenchBrowser.expect(browser.get(server.url("/messages")), 200, "/messages");
    }
    report.appRefreshes = google.tokenCalls("refresh_token") - before;

    List<String> refreshTokens = google.issuedRefreshTokens();
    String refreshToken = refreshTokens.get(0);
    before = google.tokenCalls("refresh_token");
    for (int i = 0; i < params.tokenViews(); i++) {
      anchors.seedPageViewWithRebuiltCredential(
          google.tokenUri(), google.clientId(), google.clientSecret(), refreshToken);
    }
    report.seedRefreshes = google.tokenCalls("refresh_token") - before;
    google.clearRequests();
    return new Row(
        FIGURES.get(6),
        report.appRefreshes + " refreshes in " + params.tokenViews() + " views",
        "0",
        report.appRefreshes == 0 ? "yes" : "no: " + report.appRefreshes + " refreshes",
        "seed's per-request credential rebuild: "
            + report.seedRefreshes
            + " refreshes in "
            + params.tokenViews()
            + " views (measured: a GoogleRefreshTokenRequest before each list)");
  }

  // -----------------------------------------------------------------------------------------------
  // Latency

  private Row latency(
      StandInGoogle google, BenchServer server, BenchBrowser browser, Anchors anchors)
      throws Exception {
    String token = accessToken(google, browser, server);
    google.setLatency(Duration.ZERO);
    Stats unloaded =
        sample(() -> BenchBrowser.expect(browser.get(server.url("/messages")), 200, "/messages"));
    google.setLatency(params.upstreamLatency());
    try {
      Stats app =
          sample(() -> BenchBrowser.expect(browser.get(server.url("/messages")), 200, "/messages"));
      google.clearRequests();
      Stats sequential = sample(() -> anchors.naiveSequential(token, 25));
      google.clearRequests();
      Stats pooled = sample(() -> anchors.naivePooled(token, 25));
      google.clearRequests();
      Stats seed = sample(() -> anchors.seedStyle(token));
      google.clearRequests();
      long latencyMs = params.upstreamLatency().toMillis();
      double target = 2 * latencyMs + 15;
      String met = app.withinTarget(target);
      String anchorsText =
          String.format(
              Locale.ROOT,
              "naive per-message, sequential: %s; naive per-message, %d-thread pool: %s; seed style (%d list pages): %s"
                  + " — anchors are direct library calls, no browser or app hop. For reference, the app's page with"
                  + " 0 ms injected: %s",
              sequential,
              Anchors.POOL_THREADS,
              pooled,
              report.seedRoundTrips,
              seed,
              unloaded);
      return new Row(
          FIGURES.get(3) + ", " + latencyMs + " ms injected per upstream request",
          app + " (GET /messages over HTTP, signed in, fresh token; " + app.n() + " samples)",
          String.format(Locale.ROOT, "≤ 2 × %d + 15 = %.0f ms", latencyMs, target),
          met,
          anchorsText);
    } finally {
      google.setLatency(Duration.ZERO);
    }
  }
}
