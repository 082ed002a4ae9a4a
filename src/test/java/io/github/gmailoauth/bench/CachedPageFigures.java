package io.github.gmailoauth.bench;

import static io.github.gmailoauth.bench.Benchmarks.BENCH_EMAIL;
import static io.github.gmailoauth.bench.Benchmarks.FIGURES;
import static io.github.gmailoauth.bench.Benchmarks.TOKEN_KEY;
import static io.github.gmailoauth.bench.Benchmarks.appSettings;
import static io.github.gmailoauth.bench.Benchmarks.progress;

import io.github.gmailoauth.AppConfig;
import io.github.gmailoauth.bench.Benchmarks.Row;
import io.github.gmailoauth.standin.RecordedRequest;
import io.github.gmailoauth.standin.StandInGoogle;
import io.github.gmailoauth.standin.StandInUser;
import java.net.http.HttpClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The list page with the row cache of issue 15 on ({@code MESSAGE_CACHE_MB}), each figure beside
 * today's page (the cache off) measured in the same run: round trips, latency, Gmail quota units
 * and throughput of a page whose rows are all held and of a first visit, then the heap a held row
 * takes and the bound with more users than fit.
 */
final class CachedPageFigures extends FigureGroup {
  /**
   * Gmail's quota units per method ("Usage limits",
   * developers.google.com/gmail/api/reference/quota): a batch costs what its parts cost.
   */
  static final int LIST_UNITS = 5;

  static final int GET_UNITS = 5;
  static final int HISTORY_UNITS = 2;
  static final int PROFILE_UNITS = 1;

  CachedPageFigures(Benchmarks run) {
    super(run);
  }

  /**
   * What one page view asked of Gmail: round trips one after the other ({@code messages.list}, then
   * each batch), calls sent beside the list ({@code history.list}, {@code getProfile}), rows
   * fetched (batch parts) and the quota units of it all.
   */
  record PageCost(int lists, int batches, int histories, int profiles, int rowsFetched) {
    static PageCost of(List<RecordedRequest> requests) {
      int lists = 0;
      int batches = 0;
      int histories = 0;
      int profiles = 0;
      int rows = 0;
      for (RecordedRequest r : requests) {
        String path = r.path();
        if (r.batchPart()) {
          rows++;
        } else if (path.startsWith("/batch")) {
          batches++;
        } else if (path.endsWith("/users/me/messages")) {
          lists++;
        } else if (path.endsWith("/users/me/history")) {
          histories++;
        } else if (path.endsWith("/users/me/profile")) {
          profiles++;
        }
      }
      return new PageCost(lists, batches, histories, profiles, rows);
    }

    int roundTrips() {
      return lists + batches;
    }

    int quotaUnits() {
      return LIST_UNITS * lists
          + GET_UNITS * rowsFetched
          + HISTORY_UNITS * histories
          + PROFILE_UNITS * profiles;
    }

    @Override
    public String toString() {
      String beside =
          histories + profiles == 0
              ? ""
              : " with "
                  + (histories > 0 ? "history.list" : "getProfile")
                  + " sent at the same time";
      return roundTrips()
          + " (messages.list"
          + beside
          + (batches == 0
              ? ", no batch: 0 rows fetched"
              : ", then " + batches + " batch of " + rowsFetched + " format=metadata gets")
          + ")";
    }
  }

  private static PageCost view(StandInGoogle google, BenchBrowser browser, String url)
      throws Exception {
    google.clearRequests();
    BenchBrowser.expect(browser.get(url), 200, url);
    return PageCost.of(google.requests());
  }

  /**
   * The cached-page figures, on an app with the row cache on beside {@code today} (the same
   * stand-in and bench user, the cache off), whose {@code todayBrowser} is signed in.
   */
  void withRowCache(
      StandInGoogle google, BenchServer today, BenchBrowser todayBrowser, HttpClient http)
      throws Exception {
    google.setLatency(Duration.ZERO);
    Map<String, String> settings = appSettings(google, params.workDir().resolve("row-cache"));
    settings.put(AppConfig.MESSAGE_CACHE_MB, "64");
    // Fresh users, each seen once, for first visits with the cache on.
    int firstVisits = params.latencyWarmup() + params.latencySamples();
    for (int i = 0; i < firstVisits; i++) {
      StandInUser u = google.addUser(firstVisitUserId(i), firstVisitEmail(i), "First " + i);
      PageFigures.fillMailbox(u, 25, Instant.now());
    }
    try (BenchServer cached = BenchServer.start(settings)) {
      BenchBrowser browser = new BenchBrowser(http, cached.base);
      browser.signIn(cached.base, BENCH_EMAIL);

      progress("row cache: round trips and quota");
      PageCost first = view(google, browser, cached.url("/messages"));
      PageCost held = view(google, browser, cached.url("/messages"));
      PageCost plain = view(google, todayBrowser, today.url("/messages"));
      report.cachedPage = held;
      report.firstVisitWithCache = first;
      report.todaysPage = plain;
      row(
          13,
          new Row(
              FIGURES.get(13),
              held.toString(),
              "1",
              held.roundTrips() <= 1 && held.rowsFetched() == 0 ? "yes" : "no",
              "today (MESSAGE_CACHE_MB=0), same page in this run: " + plain));
      row(
          14,
          new Row(
              FIGURES.get(14),
              first.toString(),
              "2, as today (no call added on the critical path)",
              first.roundTrips() <= plain.roundTrips() ? "yes" : "no",
              "today (MESSAGE_CACHE_MB=0): " + plain));
      row(
          16,
          new Row(
              FIGURES.get(16),
              String.format(
                  Locale.ROOT,
                  "%d units (%d messages.list + %d history.list)",
                  held.quotaUnits(),
                  LIST_UNITS * held.lists(),
                  HISTORY_UNITS * held.histories()),
              "≤ 10",
              held.quotaUnits() <= 10 ? "yes" : "no",
              String.format(
                  Locale.ROOT,
                  "today: %d units (%d messages.list + %d × %d messages.get); a first visit with the"
                      + " cache on: %d (getProfile's %d added); per-method units from Gmail's"
                      + " usage-limits page, counted from the requests the stand-in recorded; Gmail"
                      + " allows 15,000 units per user a minute",
                  plain.quotaUnits(),
                  LIST_UNITS * plain.lists(),
                  plain.rowsFetched(),
                  GET_UNITS,
                  first.quotaUnits(),
                  PROFILE_UNITS * first.profiles())));

      progress("row cache: page latency");
      row(15, latency(google, cached, browser, today, todayBrowser, http));

      progress("row cache: throughput");
      google.setLatency(Duration.ZERO);
      List<BenchBrowser> browsers = ThroughputFigures.signedIn(cached, http, params.concurrency());
      List<String> cookies = browsers.stream().map(BenchBrowser::cookieHeader).toList();
      // The baseline replays today's two calls (a page of today's app, whose rows are fetched).
      ThroughputFigures.replayOnePageView(
          google, todayBrowser, today.url("/messages"), cached, http);
      try (ThroughputFigures.RequestsCleared cleared =
              new ThroughputFigures.RequestsCleared(google);
          LoadGeneratorProcess load = new LoadGeneratorProcess(params.workDir())) {
        ThroughputFigures throughput = new ThroughputFigures(run);
        ThroughputFigures.Pair pair =
            throughput.abba(
                load,
                "app /messages, rows held",
                cached.url("/messages"),
                cookies,
                200,
                "baseline",
                cached.url("/bench/baseline"),
                List.of(),
                200);
        row(
            17,
            throughput.throughputRow(
                FIGURES.get(17),
                pair,
                1.0,
                "baseline servlet (/bench/baseline: today's list GET and batch POST with the JDK"
                    + " HttpClient, both answers written back); a first visit costs what today's"
                    + " page costs: see the /messages throughput row"));
      }
    }
  }

  private Row latency(
      StandInGoogle google,
      BenchServer cached,
      BenchBrowser browser,
      BenchServer today,
      BenchBrowser todayBrowser,
      HttpClient http)
      throws Exception {
    long latencyMs = params.upstreamLatency().toMillis();
    google.setLatency(params.upstreamLatency());
    try {
      Stats held =
          sample(() -> BenchBrowser.expect(browser.get(cached.url("/messages")), 200, "/messages"));
      Stats plain =
          sample(
              () ->
                  BenchBrowser.expect(todayBrowser.get(today.url("/messages")), 200, "/messages"));
      // A first visit: a user this node holds nothing of, signed in untimed just before.
      AtomicInteger next = new AtomicInteger();
      BenchBrowser[] fresh = new BenchBrowser[1];
      Stats first =
          sample(
              () -> {
                google.setLatency(Duration.ZERO);
                fresh[0] = new BenchBrowser(http, cached.base);
                fresh[0].signIn(cached.base, firstVisitEmail(next.getAndIncrement()));
                google.setLatency(params.upstreamLatency());
                return null;
              },
              () -> BenchBrowser.expect(fresh[0].get(cached.url("/messages")), 200, "/messages"));
      double target = latencyMs + 15;
      return new Row(
          FIGURES.get(15) + ", " + latencyMs + " ms injected per upstream request",
          held + " (GET /messages over HTTP, every row held; " + held.n() + " samples)",
          String.format(Locale.ROOT, "≤ 1 × %d + 15 = %.0f ms", latencyMs, target),
          held.withinTarget(target),
          String.format(
              Locale.ROOT,
              "today (MESSAGE_CACHE_MB=0) in this run: %s; a first visit with the cache on (a user"
                  + " signed in just before, nothing held): %s",
              plain,
              first));
    } finally {
      google.setLatency(Duration.ZERO);
    }
  }

  private static String firstVisitEmail(int i) {
    return "first" + i + "@example.org";
  }

  private static String firstVisitUserId(int i) {
    return String.format(Locale.ROOT, "1170000000000%08d", 1_000_000 + i);
  }

  // -----------------------------------------------------------------------------------------------
  // Heap

  /**
   * The heap of held rows: two apps, the cache on ({@code params.cacheMegabytes()}) and off, each
   * signs in the same users and shows each one page of 100 rows; the difference of their heap
   * growth is the cache's. First with as many users as fit, for the heap a row takes, then with
   * more than fit, for the bound. The stand-in runs in a JVM of its own.
   */
  void heap() throws Exception {
    progress("row cache: heap per row");
    Path dir = params.workDir().resolve("row-cache-heap");
    Files.createDirectories(dir);
    int fit = params.cacheUsersThatFit();
    int all = params.cacheUsers();
    try (StandInProcess google = new StandInProcess(dir, 0, all, ROWS_PER_USER)) {
      Growth on = growth(google, dir.resolve("on"), params.cacheMegabytes(), fit, all);
      Growth off = growth(google, dir.resolve("off"), 0, fit, all);
      double perRow = (on.fit() - off.fit()) / (double) (fit * ROWS_PER_USER);
      long bound = params.cacheMegabytes() * 1024L * 1024L;
      long heldAll = on.all() - off.all();
      long defaultBytes = 64L * 1024 * 1024;
      double defaultRows = defaultBytes / perRow;
      report.heapPerHeldRow = perRow;
      row(
          18,
          new Row(
              FIGURES.get(18),
              String.format(
                  Locale.ROOT,
                  "%.0f B a row (%,d users × %d rows held: heap after GC grew %.2f MiB more than"
                      + " with the cache off); so 64 MiB (the default) holds about %,.0f rows",
                  perRow,
                  fit,
                  ROWS_PER_USER,
                  (on.fit() - off.fit()) / 1048576.0,
                  defaultRows),
              "10,000 users × 100 rows in 64 MiB (≤ 67 B a row)",
              defaultRows >= 1_000_000
                  ? "yes"
                  : String.format(
                      Locale.ROOT,
                      "no: 64 MiB holds %,.0f users × 100 rows; 10,000 × 100 need about %,.0f MiB",
                      defaultRows / 100,
                      1_000_000 * perRow / 1048576.0),
              "the estimate the cache weighs rows by (RowCache.weigh) is meant to be above this;"
                  + " a row is 7 strings (ids, sender, subject, snippet), an Instant, a label set"
                  + " and a map node"));
      report.cacheHeapWithMoreUsers = heldAll;
      row(
          19,
          new Row(
              FIGURES.get(19),
              String.format(
                  Locale.ROOT,
                  "%.2f MiB held with MESSAGE_CACHE_MB=%d after %,d users × %d rows (%,.0f rows,"
                      + " %.1f MiB if all were kept)",
                  heldAll / 1048576.0,
                  params.cacheMegabytes(),
                  all,
                  ROWS_PER_USER,
                  (double) all * ROWS_PER_USER,
                  all * ROWS_PER_USER * perRow / 1048576.0),
              "≤ MESSAGE_CACHE_MB (" + params.cacheMegabytes() + " MiB)",
              heldAll <= bound
                  ? "yes"
                  : String.format(Locale.ROOT, "no: %.2f MiB over", (heldAll - bound) / 1048576.0),
              "heap growth of the app with the cache on minus the same app with it off, after the"
                  + " same sign-ins and pages"));
    }
  }

  static final int ROWS_PER_USER = 100;

  /** Heap growth (after GC) of one app after {@code fit}, then {@code all} users' pages. */
  private record Growth(long fit, long all) {}

  private Growth growth(StandInProcess google, Path dir, int megabytes, int fit, int all)
      throws Exception {
    Files.createDirectories(dir);
    Map<String, String> settings = new LinkedHashMap<>(google.settings);
    settings.put(AppConfig.DATABASE_URL, "jdbc:h2:file:" + dir.resolve("db").toAbsolutePath());
    settings.put(AppConfig.TOKEN_ENCRYPTION_KEY, TOKEN_KEY);
    settings.put(AppConfig.ACCESS_LOG, dir.resolve("access.log").toAbsolutePath().toString());
    settings.put(AppConfig.MESSAGE_CACHE_MB, Integer.toString(megabytes));
    try (BenchServer server = BenchServer.start(settings)) {
      HttpClient http = BenchBrowser.sharedClient();
      // Warm-up: one user who is not counted, so that the first page's classes are loaded.
      showOnePage(server, http, StandInProcess.cacheUserEmail(all));
      long before = ServerStateFigures.settledHeapUsed();
      for (int i = 0; i < fit; i++) {
        showOnePage(server, http, StandInProcess.cacheUserEmail(i));
      }
      long afterFit = ServerStateFigures.settledHeapUsed();
      for (int i = fit; i < all; i++) {
        showOnePage(server, http, StandInProcess.cacheUserEmail(i));
      }
      long afterAll = ServerStateFigures.settledHeapUsed();
      return new Growth(afterFit - before, afterAll - before);
    }
  }

  private static void showOnePage(BenchServer server, HttpClient http, String email)
      throws Exception {
    BenchBrowser b = new BenchBrowser(http, server.base);
    b.signIn(server.base, email);
    String url = server.url("/messages?size=" + ROWS_PER_USER);
    String body = BenchBrowser.expect(b.get(url), 200, url).body();
    if (!body.contains("Subject number " + (ROWS_PER_USER - 1))) {
      throw new IllegalStateException("a page of " + ROWS_PER_USER + " rows was not shown");
    }
  }
}
