package io.github.gmailoauth.bench;

import io.github.gmailoauth.AppConfig;
import io.github.gmailoauth.standin.StandInGoogle;
import io.github.gmailoauth.testing.FileTrees;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Every figure of the performance brief, measured side by side in one run against the stand-in
 * Google, with the anchors each is compared with; prints a markdown table and writes it (with the
 * method) to {@code BENCHMARKS.md}. Run with {@code bench/run}; {@link BenchmarksSmokeTest} runs it
 * with tiny parameters.
 *
 * <p>Hand-rolled, not JMH: every figure is an end-to-end HTTP or process measurement (round trips
 * counted at the stand-in, closed-loop HTTP throughput, page latency, heap after GC, process start)
 * rather than a microbenchmark of a method, so each one has its own warm-up and measuring loop,
 * described in {@link #method}. The figures are measured by {@link StartupFigures}, {@link
 * PageFigures}, {@link ThroughputFigures}, {@link CachedPageFigures} and {@link
 * ServerStateFigures}.
 */
public final class Benchmarks {
  /** The figures, in table order; the smoke test checks that the table has each of them. */
  static final List<String> FIGURES =
      List.of(
          "upstream round trips per page of 25 messages (first visit)",
          "upstream round trips per page of 50 messages (first visit)",
          "upstream round trips per page of 100 messages (first visit)",
          "page latency p50 (p95), 25 messages",
          "/messages throughput, stand-in at zero latency",
          "/authorize throughput",
          "token-endpoint calls per 100 page views of one user within a token's lifetime",
          "heap per signed-in session",
          "embedded start to first 200",
          "server-side state after /authorize without a cookie",
          "reader page latency p50 (p95), one HTML message",
          "heap held while streaming an attachment",
          "server-JVM CPU per reader view, beside the list page's",
          "upstream round trips per page of 25 messages, every row held (row cache on)",
          "upstream round trips per page of 25 messages, first visit with the row cache on",
          "page latency p50 (p95), 25 messages, every row held",
          "Gmail quota units per page of 25 messages, every row held",
          "/messages throughput, every row held, stand-in at zero latency",
          "heap per held row",
          "row cache heap with more users than fit",
          "/messages throughput with metrics on, against the same app with metrics off");

  /** Names the page-size parameter of /messages may have; the first that works is used. */
  static final List<String> PAGE_SIZE_PARAMETERS = List.of("size", "pageSize");

  static final String NODELAY = "sun.net.httpserver.nodelay";
  static final String BENCH_EMAIL = "bench@example.com";
  static final String TOKEN_KEY = "4xgBwH1aYsslpsvkbWWj7ozXzOi1yl3SDr1KhRUv2xo=";

  /**
   * How much of everything; {@link #full} for {@code bench/run}, {@link #tiny} for the smoke test.
   */
  record Params(
      String command,
      Path workDir,
      Path outFile,
      int mailbox,
      Duration upstreamLatency,
      int latencyWarmup,
      int latencySamples,
      int concurrency,
      long throughputWarmupMillis,
      long throughputMeasureMillis,
      int throughputRounds,
      int tokenViews,
      int heapWarmupSessions,
      int sessions,
      int startupRuns,
      int authorizeVisits,
      int attachmentBytes,
      int cacheMegabytes,
      int cacheUsersThatFit,
      int cacheUsers) {

    static Params full(String command, Path workDir, Path outFile) {
      return new Params(
          command,
          workDir,
          outFile,
          500,
          Duration.ofMillis(50),
          5,
          40,
          8,
          5000,
          5000,
          3,
          100,
          200,
          1000,
          5,
          100_000,
          24 * 1024 * 1024,
          4,
          40,
          150);
    }

    static Params tiny(Path workDir) {
      return new Params(
          "(smoke test)",
          workDir,
          null,
          500,
          Duration.ofMillis(5),
          1,
          3,
          4,
          300,
          400,
          1,
          100,
          5,
          20,
          1,
          200,
          1024 * 1024,
          1,
          5,
          25);
    }
  }

  /** One row of the table. */
  record Row(String figure, String measured, String target, String met, String anchors) {}

  /** What a run found: the table's rows, and the deterministic counts the smoke test asserts. */
  static final class Report {
    /** The rows in table order ({@link #FIGURES}), once the run is complete. */
    final List<Row> rows = new ArrayList<>();

    private final Map<Integer, Row> byFigure = new TreeMap<>();
    final List<String> notes = new ArrayList<>();

    /** Page size to upstream round trips (requests that are not batch parts) of one page view. */
    final Map<Integer, Integer> appRoundTrips = new LinkedHashMap<>();

    final Map<Integer, String> appRoundTripsHow = new LinkedHashMap<>();
    int naiveSequentialRoundTrips;
    int naivePooledRoundTrips;
    int seedRoundTrips;
    int appRefreshes = -1;
    int seedRefreshes = -1;
    int readerPageCalls = -1;
    int readerBodyCalls = -1;
    double streamingHeapMiB = Double.NaN;
    CachedPageFigures.PageCost cachedPage;
    CachedPageFigures.PageCost firstVisitWithCache;
    CachedPageFigures.PageCost todaysPage;
    double heapPerHeldRow = Double.NaN;
    long cacheHeapWithMoreUsers = -1;
    String header = "";
    String markdown = "";
  }

  final Params params;
  final Report report = new Report();

  /** Keeps {@code row} as the row of figure {@code index} of {@link #FIGURES}. */
  void row(int index, Row row) {
    report.byFigure.put(index, row);
  }

  private Benchmarks(Params params) {
    this.params = params;
  }

  public static void main(String[] args) throws Exception {
    String command = "bench/run";
    Path out = Path.of("BENCHMARKS.md");
    String only = null;
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--command" -> command = args[++i];
        case "--out" -> out = Path.of(args[++i]);
        case "--only" -> only = args[++i];
        default ->
            throw new IllegalArgumentException(
                "unknown argument "
                    + args[i]
                    + " (known: --command TEXT, --out FILE, --only authorize)");
      }
    }
    if (only != null && !only.equals("authorize")) {
      throw new IllegalArgumentException("--only knows one part: authorize");
    }
    // The stand-in is a JDK HttpServer, which leaves Nagle's algorithm on: its answer (headers,
    // then
    // body) then waits for the client's delayed ACK, about 40 ms on Linux, on every request. Real
    // Google does not stall like that, so the stand-in gets TCP_NODELAY. The property is read once,
    // when the JDK server is first used in a JVM, so bench/run sets it on the command line too.
    // (Not
    // set by run(): the smoke test must not change the JVM that the other tests share.)
    System.setProperty(NODELAY, "true");
    // The app logs every sign-in at INFO; the heap figure alone makes 2,200 of them.
    Logger.getLogger("").setLevel(Level.WARNING);
    Path work = Files.createTempDirectory("gmail-oauth-bench");
    Report r;
    try {
      // A part alone prints its rows only: BENCHMARKS.md holds whole runs.
      r =
          only == null
              ? run(Params.full(command, work, out))
              : runAuthorizeOnly(Params.full(command, work, null));
    } finally {
      FileTrees.delete(work);
    }
    System.out.println();
    System.out.println(r.markdown);
    if (only == null) {
      System.out.println("Written to " + out.toAbsolutePath());
    }
    System.exit(0);
  }

  /** Runs every benchmark; writes {@code params.outFile()} unless it is null. */
  static Report run(Params params) throws Exception {
    Benchmarks b = new Benchmarks(params);
    Files.createDirectories(params.workDir());
    StartupFigures startup = new StartupFigures(b);
    ServerStateFigures serverState = new ServerStateFigures(b);
    Row inProcessStart = startup.inProcessStartup();
    new PageFigures(b).withInProcessGoogle();
    b.row(7, serverState.heapPerSession());
    new CachedPageFigures(b).heap();
    b.row(11, new ReaderFigures(b).streamingHeap());
    b.row(8, startup.separateJvmStartup(inProcessStart));
    b.row(9, serverState.afterManyAuthorizes());
    b.report.rows.addAll(b.report.byFigure.values());
    b.report.header = b.header();
    b.report.markdown = b.markdown();
    if (params.outFile() != null) {
      Files.writeString(
          params.outFile(), b.report.markdown + keptPart(params.outFile()), StandardCharsets.UTF_8);
    }
    return b.report;
  }

  /** The line after which BENCHMARKS.md holds hand-kept comparisons that a run must not erase. */
  static final String KEPT = "<!-- bench/run keeps everything below this line -->";

  /** {@link #KEPT} and what follows it in {@code file}; empty when it has none. */
  private static String keptPart(Path file) throws IOException {
    if (!Files.exists(file)) {
      return "";
    }
    String old = Files.readString(file, StandardCharsets.UTF_8);
    int at = old.indexOf(KEPT);
    return at < 0 ? "" : "\n" + old.substring(at);
  }

  /**
   * {@code bench/run --only authorize}: the /authorize figures alone (its throughput against the
   * hello servlet, and what 100,000 of them leave on the server), for a before/after comparison on
   * a shared machine without the rest of the run.
   */
  static Report runAuthorizeOnly(Params params) throws Exception {
    Benchmarks b = new Benchmarks(params);
    Files.createDirectories(params.workDir());
    try (StandInGoogle google = StandInGoogle.start();
        BenchServer server =
            BenchServer.start(appSettings(google, params.workDir().resolve("app")));
        LoadGeneratorProcess load = new LoadGeneratorProcess(params.workDir())) {
      progress("/authorize throughput");
      new ThroughputFigures(b).authorizeThroughput(server, load);
    }
    b.row(9, new ServerStateFigures(b).afterManyAuthorizes());
    b.report.rows.addAll(b.report.byFigure.values());
    b.report.header = b.header();
    b.report.markdown = b.markdown();
    return b.report;
  }

  static void progress(String what) {
    System.err.println("[bench " + LocalTime.now().withNano(0) + "] " + what);
  }

  static Map<String, String> appSettings(StandInGoogle google, Path dir) throws IOException {
    Files.createDirectories(dir);
    Map<String, String> settings = new LinkedHashMap<>();
    settings.put(AppConfig.GOOGLE_CLIENT_SECRETS, google.writeClientSecrets(dir).toString());
    settings.put(AppConfig.GOOGLE_API_ROOT_URL, google.apiRootUrl());
    settings.put(AppConfig.GOOGLE_REVOKE_URI, google.revokeUri());
    settings.put(AppConfig.DATABASE_URL, "jdbc:h2:file:" + dir.resolve("db").toAbsolutePath());
    settings.put(AppConfig.TOKEN_ENCRYPTION_KEY, TOKEN_KEY);
    settings.put(AppConfig.ACCESS_LOG, dir.resolve("access.log").toAbsolutePath().toString());
    // These figures measure pages as they cost without the row cache of issue 15 (every page a
    // first visit); CachedPageFigures measures the cached page beside them.
    settings.put(AppConfig.MESSAGE_CACHE_MB, "0");
    return settings;
  }

  static long quantile(List<Long> sorted, double q) {
    int i = (int) Math.min(sorted.size() - 1, Math.ceil(q * sorted.size()) - 1);
    return sorted.get(Math.max(0, i));
  }

  static long median(List<Long> values) {
    List<Long> sorted = new ArrayList<>(values);
    Collections.sort(sorted);
    return sorted.isEmpty() ? 0 : quantile(sorted, 0.5);
  }

  // -----------------------------------------------------------------------------------------------
  // Output

  static String fmtSeconds(long nanos) {
    return String.format(Locale.ROOT, "%.2f s", nanos / 1e9);
  }

  private String header() {
    String nproc = "?";
    try {
      Process p = new ProcessBuilder("nproc").redirectErrorStream(true).start();
      nproc = new String(p.getInputStream().readAllBytes(), StandardCharsets.US_ASCII).trim();
      p.waitFor();
    } catch (IOException | InterruptedException e) {
      // not on this system
    }
    return String.format(
        Locale.ROOT,
        "Machine: %s cores (`nproc` %s, `Runtime.availableProcessors()` %d), %s %s; Java %s (%s %s).  %n"
            + "Date: %s.  %n"
            + "Command: `%s`  %n"
            + "Load: %d client threads of `java.net.http.HttpClient` (HTTP/1.1, keep-alive, closed loop) in a"
            + " separate load-generator JVM; server: Jetty 12 (ee10) in the benchmark JVM, with the stand-in"
            + " Google (JDK `HttpServer`, %s) in that same JVM (for the heap figure, in a JVM of its own).",
        nproc,
        nproc,
        Runtime.getRuntime().availableProcessors(),
        System.getProperty("os.name"),
        System.getProperty("os.arch"),
        System.getProperty("java.version"),
        System.getProperty("java.vm.name"),
        System.getProperty("java.vm.version"),
        DateTimeFormatter.ISO_OFFSET_DATE_TIME.format(
            Instant.now().atOffset(ZoneOffset.UTC).withNano(0)),
        params.command(),
        params.concurrency(),
        Boolean.getBoolean(NODELAY)
            ? "TCP_NODELAY on"
            : "TCP_NODELAY off: each of its answers may stall ~40 ms");
  }

  private String markdown() {
    StringBuilder b = new StringBuilder();
    b.append("# Benchmarks\n\n");
    b.append("Generated by `")
        .append(params.command())
        .append(
            "`; every figure below comes from one run of it,"
                + " side by side with its anchors. The machine is shared and noisy: compare figures measured in the same"
                + " run (the ratios), not absolute times across runs.\n\n");
    b.append(report.header).append("\n\n");
    b.append("| figure | measured | target | met? | anchors |\n");
    b.append("|---|---|---|---|---|\n");
    for (Row r : report.rows) {
      b.append("| ")
          .append(cell(r.figure()))
          .append(" | ")
          .append(cell(r.measured()))
          .append(" | ")
          .append(cell(r.target()))
          .append(" | ")
          .append(cell(r.met()))
          .append(" | ")
          .append(cell(r.anchors()))
          .append(" |\n");
    }
    if (!report.notes.isEmpty()) {
      b.append("\nNotes from this run:\n\n");
      for (String note : report.notes) {
        b.append("- ").append(note).append('\n');
      }
    }
    b.append('\n').append(method()).append('\n');
    return b.toString();
  }

  private static String cell(String s) {
    return s.replace("|", "\\|").replace("\n", " ");
  }

  private String method() {
    return String.format(
        Locale.ROOT,
        """
        ## Method

        One JVM runs the benchmark, the app and the stand-in Google; the load generator runs in a JVM of its
        own (`io.github.gmailoauth.bench.LoadGenerator`). The app is mounted with `Main.newContext` at `/` on a
        Jetty server configured like `Main.newServer`, and the baseline servlets at `/bench` on the **same**
        server (same connector, same thread pool). The stand-in user has a mailbox of %d messages.
        Hand-rolled warm-up and measuring loops, not JMH: every figure is end to end over real HTTP.

        - **Round trips**: the stand-in records every request; one `/messages` page view is made with a fresh
          access token and the requests that are not batch parts are counted (batch parts are counted
          separately). The naive anchors (messages.list, then one `messages.get?format=metadata` per message,
          one after the other or on an %d-thread pool) and the seed style (every `messages.list` page with
          `maxResults=100` until there is no `nextPageToken`, ids only) are written in the benchmark with the
          same Gmail client library and the app's `BoundedHttpTransport`, and counted the same way.
        - **Latency**: `StandInGoogle.setLatency(%d ms)` (every HTTP request to the stand-in sleeps that long;
          batch parts are not delayed separately). %d warm-up requests, then %d timed samples each, one at a
          time: `/messages` over HTTP by a signed-in browser, and each anchor as direct library calls.
        - **Throughput**: stand-in latency 0. %d client threads in the load-generator JVM, each sending its next
          request as soon as the previous answer's body is read. App `/messages` (each thread its own signed-in
          session, all of one user with a fresh token) against `/bench/baseline`, a bare servlet that replays the
          app's two upstream calls, captured at the stand-in (the `messages.list` GET and the batch POST with its
          Content-Type, body and bearer token), with `java.net.http.HttpClient` and writes both answers back
          unparsed. App `/authorize` (no cookie: a new visitor each time, answered 302) against `/bench/hello`
          ("hello", 200). Each target is warmed up for %.1f s, then measured %d × %.1f s, alternating A B B A …;
          requests/s = answers completed in the windows ÷ their length. "Server-JVM CPU a request" is the
          benchmark JVM's process CPU time over the windows ÷ the answers: for `/messages` and its baseline it
          includes the stand-in's work, the same for both.
        - **Token calls**: %d `/messages` views of one signed-in user within the access token's lifetime (1 h at
          the stand-in); the stand-in counts `grant_type=refresh_token` calls. The anchor does what the seed's
          per-request credential rebuild did: a `GoogleRefreshTokenRequest` before each of %d list calls.
        - **Heap per session**: the stand-in runs in a JVM of its own, so only the app's objects are counted.
          %d warm-up sign-ins, then heap used after `System.gc()` (least of 5, 200 ms apart) before and after %d
          more sign-ins (new browser each: `/authorize`, consent, callback; their sessions stay alive, 30 min
          timeout, while the browsers are dropped); (after − before) ÷ %d. Then as many sign-ins that stop
          after `/authorize`, measured the same way, for comparison.
        - **Start-up**: `java -cp <test classpath> io.github.gmailoauth.DemoLauncher` in demo mode with `PORT`,
          `DATABASE_URL` (a fresh H2 file) and `TOKEN_ENCRYPTION_KEY` set, timed from process start to the first
          200 on `GET /`, polled every 10 ms; %d runs, median. For reference, the in-process time of
          `Main.newServer` + `start()` to the first 200, measured as the first app start of the benchmark JVM.
        - **After %,d `/authorize`**: a fresh app (stand-in in the same JVM; `/authorize` never calls it) with
          memory sessions, then another with `SESSION_STORE=jdbc` on an H2 file. 2,000 warm-up visits, heap
          after `System.gc()` (least of 5, 200 ms apart), then %,d visits without a cookie (a new browser each,
          8 threads, each answered 302), heap again; the session handler's created and live sessions, and the
          rows of `JettySessions` counted over JDBC. `bench/run --only authorize` runs this and the
          `/authorize` throughput alone and prints them without writing this file.
        - **Reader**: two messages are added to the mailbox (oldest, so the list's pages do not change): an
          HTML newsletter (multipart/alternative, about 20 KB of tables with inline styles and 21 remote
          images) and a message with one %,d-byte attachment, both written with Jakarta Mail. Upstream
          requests of one reader page and of its body frame are counted at the stand-in. Latency: as for
          the list, the reader page `/messages/{id}` (the page alone; its frame is a second request),
          beside the list page and a bare `messages.get?format=full` sent by the JDK HttpClient. Heap while
          streaming: with the stand-in in a JVM of its own (it holds its whole answer while it sends it),
          the attachment is downloaded once, then three more times through
          `/messages/{id}/attachments/1` by a client that stops reading halfway and takes the settled
          heap (least of 5 `System.gc()`) over the settled heap just before; the least of the three; the anchor is the Google client library's way, `attachments.get()
          .execute()` and `decodeData()` against the same stand-in, measured the same way while its
          answer is held. CPU: the reader page and the body
          frame are each measured against `/messages` like the throughput figures (same sessions,
          alternating windows), and the CPU a request compared; the sanitiser's part is the newsletter
          counted (one pass) and rendered (two passes) 2,000 times each in one thread of the benchmark
          JVM after as many warm-up rounds, by that thread's CPU time.
        - **Row cache** (issue 15): a second app with `MESSAGE_CACHE_MB=64` on the same stand-in and
          bench user, beside the app above (the cache off: today's page). Requests of a page view are
          counted at the stand-in: round trips are `messages.list` and each batch, which follow one
          another; `history.list` or `getProfile` go at the same time as the list. Quota units use
          Gmail's per-method costs (messages.list 5, messages.get 5 a batch part, history.list 2,
          getProfile 1). "Every row held" is the page viewed again; a "first visit" is the page of a
          user signed in just before (25 messages, nothing held), sign-in untimed. Latency and
          throughput are measured as above; the throughput's baseline replays today's two calls.
          Heap: the stand-in in a JVM of its own; an app with `MESSAGE_CACHE_MB=%d` and then one with
          the cache off each sign in %d users and show each one page of 100 rows (heap after GC
          before and after), then %d more users; the cache's heap is the difference of the two apps'
          growth.
        """,
        params.mailbox(),
        Anchors.POOL_THREADS,
        params.upstreamLatency().toMillis(),
        params.latencyWarmup(),
        params.latencySamples(),
        params.concurrency(),
        params.throughputWarmupMillis() / 1000.0,
        params.throughputRounds(),
        params.throughputMeasureMillis() / 1000.0,
        params.tokenViews(),
        params.tokenViews(),
        params.heapWarmupSessions(),
        params.sessions(),
        params.sessions(),
        params.startupRuns(),
        params.authorizeVisits(),
        params.authorizeVisits(),
        params.attachmentBytes(),
        params.cacheMegabytes(),
        params.cacheUsersThatFit(),
        params.cacheUsers() - params.cacheUsersThatFit());
  }
}
