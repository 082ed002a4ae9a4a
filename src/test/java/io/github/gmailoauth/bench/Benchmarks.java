package io.github.gmailoauth.bench;

import com.google.api.client.http.HttpRequestInitializer;
import com.google.api.client.http.HttpTransport;
import com.google.api.client.json.JsonFactory;
import com.google.api.client.json.gson.GsonFactory;
import io.github.gmailoauth.AppConfig;
import io.github.gmailoauth.DemoLauncher;
import io.github.gmailoauth.Main;
import io.github.gmailoauth.google.BoundedHttpTransport;
import io.github.gmailoauth.standin.RecordedRequest;
import io.github.gmailoauth.standin.StandInGoogle;
import io.github.gmailoauth.standin.StandInUser;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.lang.reflect.Constructor;
import java.lang.reflect.Method;
import java.net.ConnectException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Collectors;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.session.DefaultSessionCache;

/**
 * Every figure of the performance brief, measured side by side in one run against the stand-in
 * Google, with the anchors each is compared with; prints a markdown table and writes it (with the
 * method) to {@code BENCHMARKS.md}. Run with {@code bench/run}; {@link BenchmarksSmokeTest} runs
 * it with tiny parameters.
 *
 * <p>Hand-rolled, not JMH: every figure is an end-to-end HTTP or process measurement (round
 * trips counted at the stand-in, closed-loop HTTP throughput, page latency, heap after GC, process
 * start) rather than a microbenchmark of a method, so each one has its own warm-up and measuring
 * loop, described in {@link #method}.
 */
public final class Benchmarks {
  /** The figures, in table order; the smoke test checks that the table has each of them. */
  static final List<String> FIGURES = List.of(
      "upstream round trips per page of 25 messages (first visit)",
      "upstream round trips per page of 50 messages (first visit)",
      "upstream round trips per page of 100 messages (first visit)",
      "page latency p50 (p95), 25 messages",
      "/messages throughput, stand-in at zero latency",
      "/authorize throughput",
      "token-endpoint calls per 100 page views of one user within a token's lifetime",
      "heap per signed-in session",
      "embedded start to first 200",
      "server-side state after /authorize without a cookie");

  /** Names the page-size parameter of /messages may have; the first that works is used. */
  static final List<String> PAGE_SIZE_PARAMETERS = List.of("size", "pageSize");
  static final String NODELAY = "sun.net.httpserver.nodelay";
  static final String BENCH_EMAIL = "bench@example.com";
  static final String TOKEN_KEY = "4xgBwH1aYsslpsvkbWWj7ozXzOi1yl3SDr1KhRUv2xo=";

  /** How much of everything; {@link #full} for {@code bench/run}, {@link #tiny} for the smoke test. */
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
      int authorizeVisits) {

    static Params full(String command, Path workDir, Path outFile) {
      return new Params(command, workDir, outFile, 500, Duration.ofMillis(50), 5, 40, 8, 5000, 5000, 3, 100,
          200, 1000, 5, 100_000);
    }

    static Params tiny(Path workDir) {
      return new Params("(smoke test)", workDir, null, 500, Duration.ofMillis(5), 1, 3, 4, 300, 400, 1, 100,
          5, 20, 1, 200);
    }
  }

  /** One row of the table. */
  record Row(String figure, String measured, String target, String met, String anchors) {}

  /** What a run found: the table's rows, and the deterministic counts the smoke test asserts. */
  static final class Report {
    /** The rows in table order ({@link #FIGURES}), once the run is complete. */
    final List<Row> rows = new ArrayList<>();
    private final Map<Integer, Row> byFigure = new java.util.TreeMap<>();
    final List<String> notes = new ArrayList<>();
    /** Page size to upstream round trips (requests that are not batch parts) of one page view. */
    final Map<Integer, Integer> appRoundTrips = new LinkedHashMap<>();
    final Map<Integer, String> appRoundTripsHow = new LinkedHashMap<>();
    int naiveSequentialRoundTrips;
    int naivePooledRoundTrips;
    int seedRoundTrips;
    int appRefreshes = -1;
    int seedRefreshes = -1;
    String header = "";
    String markdown = "";
  }

  private final Params params;
  private final Report report = new Report();
  private final HttpTransport transport = new BoundedHttpTransport();
  private final JsonFactory json = GsonFactory.getDefaultInstance();

  /** Keeps {@code row} as the row of figure {@code index} of {@link #FIGURES}. */
  private void row(int index, Row row) {
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
        default -> throw new IllegalArgumentException("unknown argument " + args[i]
            + " (known: --command TEXT, --out FILE, --only authorize)");
      }
    }
    if (only != null && !only.equals("authorize")) {
      throw new IllegalArgumentException("--only knows one part: authorize");
    }
    // The stand-in is a JDK HttpServer, which leaves Nagle's algorithm on: its answer (headers, then
    // body) then waits for the client's delayed ACK, about 40 ms on Linux, on every request. Real
    // Google does not stall like that, so the stand-in gets TCP_NODELAY. The property is read once,
    // when the JDK server is first used in a JVM, so bench/run sets it on the command line too. (Not
    // set by run(): the smoke test must not change the JVM that the other tests share.)
    System.setProperty(NODELAY, "true");
    // The app logs every sign-in at INFO; the heap figure alone makes 2,200 of them.
    java.util.logging.Logger.getLogger("").setLevel(java.util.logging.Level.WARNING);
    Path work = Files.createTempDirectory("gmail-oauth-bench");
    Report r;
    try {
      // A part alone prints its rows only: BENCHMARKS.md holds whole runs.
      r = only == null ? run(Params.full(command, work, out)) : runAuthorizeOnly(Params.full(command, work, null));
    } finally {
      deleteTree(work);
    }
    System.out.println();
    System.out.println(r.markdown);
    if (only == null) {
      System.out.println("Written to " + out.toAbsolutePath());
    }
    System.exit(0);
  }

  private static void deleteTree(Path dir) throws IOException {
    try (java.util.stream.Stream<Path> paths = Files.walk(dir)) {
      paths.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    }
  }

  /** Runs every benchmark; writes {@code params.outFile()} unless it is null. */
  static Report run(Params params) throws Exception {
    Benchmarks b = new Benchmarks(params);
    Files.createDirectories(params.workDir());
    Row inProcessStart = b.inProcessStartup();
    b.withInProcessGoogle();
    b.row(7, b.heapPerSession());
    b.row(8, b.separateJvmStartup(inProcessStart));
    b.row(9, b.afterManyAuthorizes());
    b.report.rows.addAll(b.report.byFigure.values());
    b.report.header = b.header();
    b.report.markdown = b.markdown();
    if (params.outFile() != null) {
      Files.writeString(params.outFile(), b.report.markdown + keptPart(params.outFile()), StandardCharsets.UTF_8);
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
   * hello servlet, and what 100,000 of them leave on the server), for a before/after comparison
   * on a shared machine without the rest of the run.
   */
  static Report runAuthorizeOnly(Params params) throws Exception {
    Benchmarks b = new Benchmarks(params);
    Files.createDirectories(params.workDir());
    try (StandInGoogle google = StandInGoogle.start();
        BenchServer server = BenchServer.start(b.appSettings(google, params.workDir().resolve("app")));
        LoadGeneratorProcess load = new LoadGeneratorProcess(params.workDir())) {
      progress("/authorize throughput");
      b.authorizeThroughput(server, load);
    }
    b.row(9, b.afterManyAuthorizes());
    b.report.rows.addAll(b.report.byFigure.values());
    b.report.header = b.header();
    b.report.markdown = b.markdown();
    return b.report;
  }

  private static void progress(String what) {
    System.err.println("[bench " + java.time.LocalTime.now().withNano(0) + "] " + what);
  }

  // -----------------------------------------------------------------------------------------------
  // Start-up in this JVM: the first app start of the run, for reference

  private Row inProcessStartup() throws Exception {
    progress("in-process start-up");
    try (StandInGoogle google = StandInGoogle.start()) {
      Path dir = params.workDir().resolve("in-process-start");
      Map<String, String> settings = appSettings(google, dir);
      HttpClient http = BenchBrowser.sharedClient();
      long t0 = System.nanoTime();
      Server server = Main.newServer(0, settings);
      server.start();
      try {
        int port = ((org.eclipse.jetty.server.ServerConnector) server.getConnectors()[0]).getLocalPort();
        long t1 = untilFirst200(http, "http://localhost:" + port + "/", t0, null);
        return new Row("in-process", fmtSeconds(t1 - t0), "", "", "");
      } finally {
        server.stop();
      }
    }
  }

  private Map<String, String> appSettings(StandInGoogle google, Path dir) throws IOException {
    Files.createDirectories(dir);
    Map<String, String> settings = new LinkedHashMap<>();
    settings.put(AppConfig.GOOGLE_CLIENT_SECRETS, google.writeClientSecrets(dir).toString());
    settings.put(AppConfig.GOOGLE_API_ROOT_URL, google.apiRootUrl());
    settings.put(AppConfig.GOOGLE_REVOKE_URI, google.revokeUri());
    settings.put(AppConfig.DATABASE_URL, "jdbc:h2:file:" + dir.resolve("db").toAbsolutePath());
    settings.put(AppConfig.TOKEN_ENCRYPTION_KEY, TOKEN_KEY);
    settings.put(AppConfig.ACCESS_LOG, dir.resolve("access.log").toAbsolutePath().toString());
    return settings;
  }

  // -----------------------------------------------------------------------------------------------
  // Everything against one app and one in-process stand-in

  private void withInProcessGoogle() throws Exception {
    try (StandInGoogle google = StandInGoogle.start()) {
      StandInUser user = google.addUser("117000000000000000500", BENCH_EMAIL, "Bench User");
      Instant now = Instant.now();
      for (int i = 0; i < params.mailbox(); i++) {
        user.addMessage("\"Sender " + (i % 37) + "\" <sender" + (i % 37) + "@example.org>", "Subject number " + i,
            "A snippet of message " + i + " &amp; some more text to make it realistic", now.minusSeconds(600L * i),
            i % 3 == 0 ? new String[] {"INBOX", "UNREAD"} : new String[] {"INBOX"});
      }
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
        // Last: /authorize load leaves many thousands of sessions behind in this server.
        progress("throughput");
        throughput(google, server, http);
      }
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

  private Upstream pageView(StandInGoogle google, BenchBrowser browser, String url) throws Exception {
    google.clearRequests();
    BenchBrowser.expect(browser.get(url), 200, url);
    return upstream(google.requests());
  }

  private String accessToken(StandInGoogle google, BenchBrowser browser, BenchServer server) throws Exception {
    Upstream u = pageView(google, browser, server.url("/messages"));
    return u.bearer().substring("Bearer ".length());
  }

  private void roundTrips(StandInGoogle google, BenchServer server, BenchBrowser browser, Anchors anchors)
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
      throw new IllegalStateException("the anchors read " + naive + " and " + seedIds + " messages");
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
          how = "GmailClient.listPage(…, " + size + ") called directly: /messages has no page-size parameter"
              + " (tried " + String.join(", ", PAGE_SIZE_PARAMETERS) + ")";
          u = directListPage(google, token, size);
        }
      }
      if (u == null) {
        row(index, new Row(FIGURES.get(index), "not measured: " + how, size <= 50 ? "2" : "3", "?", ""));
        continue;
      }
      report.appRoundTrips.put(size, u.outer());
      report.appRoundTripsHow.put(size, how);
      int target = size <= 50 ? 2 : 3;
      String measured = u.outer() + " (" + u.lists() + " messages.list + " + u.batches() + " batch"
          + (u.batches() == 1 ? "" : "es") + " carrying " + u.parts() + " format=metadata gets"
          + (size == defaultSize ? "" : "; " + (how.startsWith("GmailClient") ? "GmailClient direct" : how))
          + ")";
      String anchorsText = "naive per-message gets: " + (1 + size) + " (1 + " + size + ")"
          + (size == 25 ? ", measured: sequential " + report.naiveSequentialRoundTrips + ", pooled "
              + report.naivePooledRoundTrips : "")
          + "; seed style: " + report.seedRoundTrips + " (every list page of a " + params.mailbox()
          + "-message mailbox at 100 a page, ids only)";
      row(index, new Row(FIGURES.get(index), measured, String.valueOf(target),
          u.outer() <= target ? "yes" : "no: " + (u.outer() - target) + " more", anchorsText));
      if (how.startsWith("GmailClient")) {
        report.notes.add("Page of " + size + ": " + how + ".");
      }
    }
  }

  /**
   * One page straight from the app's {@code GmailClient}, by reflection so that this harness does
   * not stop compiling when that class changes; null when it has no such method.
   */
  private Upstream directListPage(StandInGoogle google, String token, int size) {
    try {
      Class<?> type = Class.forName("io.github.gmailoauth.gmail.GmailClient");
      Constructor<?> constructor =
          type.getConstructor(String.class, HttpTransport.class, JsonFactory.class, HttpRequestInitializer.class);
      Object client = constructor.newInstance(google.apiRootUrl(), transport, json, BoundedHttpTransport.requestDefaults());
      Method listPage = type.getMethod("listPage", String.class, String.class, String.class, int.class);
      google.clearRequests();
      listPage.invoke(client, token, "", null, size);
      return upstream(google.requests());
    } catch (ReflectiveOperationException | RuntimeException e) {
      report.notes.add("GmailClient.listPage could not be called directly: " + e);
      return null;
    }
  }

  // -----------------------------------------------------------------------------------------------
  // Token-endpoint calls

  private Row tokenCalls(StandInGoogle google, BenchServer server, BenchBrowser browser, Anchors anchors)
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
      anchors.seedPageViewWithRebuiltCredential(google.tokenUri(), google.clientId(), google.clientSecret(),
          refreshToken);
    }
    report.seedRefreshes = google.tokenCalls("refresh_token") - before;
    google.clearRequests();
    return new Row(FIGURES.get(6), report.appRefreshes + " refreshes in " + params.tokenViews() + " views", "0",
        report.appRefreshes == 0 ? "yes" : "no: " + report.appRefreshes + " refreshes",
        "seed's per-request credential rebuild: " + report.seedRefreshes + " refreshes in " + params.tokenViews()
            + " views (measured: a GoogleRefreshTokenRequest before each list)");
  }

  // -----------------------------------------------------------------------------------------------
  // Throughput

  private void throughput(StandInGoogle google, BenchServer server, HttpClient http) throws Exception {
    google.setLatency(Duration.ZERO);
    // One signed-in browser per client thread, all the same user (one grant, fresh token).
    List<String> cookies = new ArrayList<>();
    BenchBrowser last = null;
    for (int i = 0; i < params.concurrency(); i++) {
      BenchBrowser b = new BenchBrowser(http, server.base);
      b.signIn(server.base, BENCH_EMAIL);
      cookies.add(b.cookieHeader());
      last = b;
    }
    // The two upstream calls of one page view, captured at the stand-in, for the baseline to replay.
    google.clearRequests();
    BenchBrowser.expect(last.get(server.url("/messages")), 200, "/messages");
    RecordedRequest list = null;
    RecordedRequest batch = null;
    for (RecordedRequest r : google.requests()) {
      if (!r.batchPart() && r.method().equals("GET") && r.path().endsWith("/messages")) {
        list = r;
      } else if (!r.batchPart() && r.method().equals("POST") && r.path().startsWith("/batch")) {
        batch = r;
      }
    }
    if (list == null || batch == null) {
      throw new IllegalStateException("no list and batch seen for a page view: " + google.requests());
    }
    URI root = URI.create(google.baseUrl());
    server.baseline.setReplay(new BaselineServlets.Replay(
        root.resolve(list.path().substring(1) + "?" + query(list.query())),
        root.resolve(batch.path().substring(1)),
        batch.header("content-type"),
        batch.body().getBytes(StandardCharsets.UTF_8),
        list.header("authorization")));
    HttpResponse<String> check = new BenchBrowser(http, server.base).get(server.url("/bench/baseline"));
    BenchBrowser.expect(check, 200, "/bench/baseline");
    if (!check.body().contains("\"messages\"") || !check.body().contains("\"payload\"")) {
      throw new IllegalStateException("the baseline's answer lacks the list or the batch");
    }

    // The stand-in records every request; keep that list short while the load runs.
    Thread clearer = new Thread(() -> {
      while (!Thread.currentThread().isInterrupted()) {
        google.clearRequests();
        try {
          Thread.sleep(200);
        } catch (InterruptedException e) {
          return;
        }
      }
    }, "bench-clear-requests");
    clearer.setDaemon(true);
    clearer.start();
    try (LoadGeneratorProcess load = new LoadGeneratorProcess(params.workDir())) {
      Pair messages = abba(load, "app /messages", server.url("/messages"), cookies, 200,
          "baseline", server.url("/bench/baseline"), List.of(), 200);
      row(4, throughputRow(FIGURES.get(4), messages, 0.7, "baseline servlet (/bench/baseline: the same"
          + " list GET and batch POST with the JDK HttpClient, both answers written back)"));
      authorizeThroughput(server, load);
    } finally {
      clearer.interrupt();
      clearer.join();
      google.clearRequests();
    }
  }

  private void authorizeThroughput(BenchServer server, LoadGeneratorProcess load) throws IOException {
    int sessionsBefore = server.sessionsCreated();
    Pair authorize = abba(load, "app /authorize", server.url("/authorize"), List.of(), 302,
        "hello", server.url("/bench/hello"), List.of(), 200);
    row(5, throughputRow(FIGURES.get(5), authorize, 0.8, "hello servlet (/bench/hello)"));
    report.notes.add("/authorize is requested without a cookie, as a new visitor's browser does: it makes a"
        + " state, a PKCE verifier and its S256 challenge, and answers 302 to the consent page; "
        + (server.sessionsCreated() - sessionsBefore) + " server sessions were created while it was measured.");
  }

  private static String query(Map<String, List<String>> query) {
    List<String> parts = new ArrayList<>();
    query.forEach((name, values) -> values.forEach(v -> parts.add(
        URLEncoder.encode(name, StandardCharsets.UTF_8) + "=" + URLEncoder.encode(v, StandardCharsets.UTF_8))));
    return String.join("&", parts);
  }

  /** Requests per second of two targets measured alternately (A B, B A, …) with the same load. */
  record Pair(String nameA, double rateA, long errorsA, long p50A, double cpuNanosA, String nameB, double rateB,
      long errorsB, long p50B, double cpuNanosB) {
    double ratio() {
      return rateA / rateB;
    }
  }

  private Pair abba(LoadGeneratorProcess load, String nameA, String urlA, List<String> cookiesA, int statusA,
      String nameB, String urlB, List<String> cookiesB, int statusB) throws IOException {
    int c = params.concurrency();
    // Warm-up of each target, not counted.
    load.run(params.throughputWarmupMillis(), 100, c, statusA, urlA, cookiesA);
    load.run(params.throughputWarmupMillis(), 100, c, statusB, urlB, cookiesB);
    long[] a = new long[2];
    long[] b = new long[2];
    long errorsA = 0;
    long errorsB = 0;
    List<Long> p50A = new ArrayList<>();
    List<Long> p50B = new ArrayList<>();
    long[] cpu = new long[2];
    for (int round = 0; round < params.throughputRounds() * 2; round++) {
      boolean firstA = (round / 2) % 2 == 0;
      boolean doA = (round % 2 == 0) == firstA;
      // No re-warm: the window starts at once, so this JVM's CPU time over the run is the window's.
      long cpu0 = processCpuNanos();
      LoadGenerator.Result r = doA
          ? load.run(0, params.throughputMeasureMillis(), c, statusA, urlA, cookiesA)
          : load.run(0, params.throughputMeasureMillis(), c, statusB, urlB, cookiesB);
      cpu[doA ? 0 : 1] += processCpuNanos() - cpu0;
      long[] sum = doA ? a : b;
      sum[0] += r.requests();
      sum[1] += r.elapsedNanos();
      if (doA) {
        errorsA += r.errors();
        p50A.add(r.p50Nanos());
      } else {
        errorsB += r.errors();
        p50B.add(r.p50Nanos());
      }
      progress(String.format(Locale.ROOT, "  %s: %.0f req/s (%d errors, last unexpected status %d)",
          doA ? nameA : nameB, r.perSecond(), r.errors(), r.lastUnexpectedStatus()));
    }
    return new Pair(nameA, a[0] / (a[1] / 1e9), errorsA, median(p50A), cpu[0] / (double) Math.max(1, a[0]),
        nameB, b[0] / (b[1] / 1e9), errorsB, median(p50B), cpu[1] / (double) Math.max(1, b[0]));
  }

  /** CPU time of this JVM (server, app, baselines and, for /messages, the stand-in), all threads. */
  private static long processCpuNanos() {
    return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
        .getProcessCpuTime();
  }

  private Row throughputRow(String figure, Pair p, double target, String anchorName) {
    double ratio = p.ratio();
    String measured = String.format(Locale.ROOT,
        "%.0f req/s = **%.2f ×** %s (p50 %.1f ms; server-JVM CPU %.0f µs a request = %.1f × %s's)%s", p.rateA(),
        ratio, p.nameB(), p.p50A() / 1e6, p.cpuNanosA() / 1e3, p.cpuNanosA() / p.cpuNanosB(), p.nameB(),
        p.errorsA() == 0 ? "" : ", " + p.errorsA() + " unexpected answers");
    String met = ratio >= target ? "yes"
        : String.format(Locale.ROOT, "no: %.2f short (%.0f%% of the target)", target - ratio, 100 * ratio / target);
    String anchor = String.format(Locale.ROOT, "%s: %.0f req/s (p50 %.1f ms; server-JVM CPU %.0f µs a request)%s",
        anchorName, p.rateB(), p.p50B() / 1e6, p.cpuNanosB() / 1e3,
        p.errorsB() == 0 ? "" : ", " + p.errorsB() + " unexpected answers");
    return new Row(figure, measured, String.format(Locale.ROOT, "≥ %.1f × %s", target, p.nameB()), met, anchor);
  }

  // -----------------------------------------------------------------------------------------------
  // Latency

  private Row latency(StandInGoogle google, BenchServer server, BenchBrowser browser, Anchors anchors)
      throws Exception {
    String token = accessToken(google, browser, server);
    google.setLatency(Duration.ZERO);
    Stats unloaded = sample(() -> BenchBrowser.expect(browser.get(server.url("/messages")), 200, "/messages"));
    google.setLatency(params.upstreamLatency());
    try {
      Stats app = sample(() -> BenchBrowser.expect(browser.get(server.url("/messages")), 200, "/messages"));
      google.clearRequests();
      Stats sequential = sample(() -> anchors.naiveSequential(token, 25));
      google.clearRequests();
      Stats pooled = sample(() -> anchors.naivePooled(token, 25));
      google.clearRequests();
      Stats seed = sample(() -> anchors.seedStyle(token));
      google.clearRequests();
      long latencyMs = params.upstreamLatency().toMillis();
      double target = 2 * latencyMs + 15;
      String met = app.p50Ms() <= target ? "yes"
          : String.format(Locale.ROOT, "no: %.1f ms over", app.p50Ms() - target);
      String anchorsText = String.format(Locale.ROOT,
          "naive per-message, sequential: %s; naive per-message, %d-thread pool: %s; seed style (%d list pages): %s"
              + " — anchors are direct library calls, no browser or app hop. For reference, the app's page with"
              + " 0 ms injected: %s",
          sequential, Anchors.POOL_THREADS, pooled, report.seedRoundTrips, seed, unloaded);
      return new Row(FIGURES.get(3) + ", " + latencyMs + " ms injected per upstream request",
          app + " (GET /messages over HTTP, signed in, fresh token; " + app.n + " samples)",
          String.format(Locale.ROOT, "≤ 2 × %d + 15 = %.0f ms", latencyMs, target), met, anchorsText);
    } finally {
      google.setLatency(Duration.ZERO);
    }
  }

  interface Work {
    Object run() throws Exception;
  }

  record Stats(int n, double p50Ms, double p95Ms) {
    @Override
    public String toString() {
      return String.format(Locale.ROOT, "%.1f ms (p95 %.1f)", p50Ms, p95Ms);
    }
  }

  private Stats sample(Work work) throws Exception {
    for (int i = 0; i < params.latencyWarmup(); i++) {
      work.run();
    }
    List<Long> nanos = new ArrayList<>();
    for (int i = 0; i < params.latencySamples(); i++) {
      long t0 = System.nanoTime();
      work.run();
      nanos.add(System.nanoTime() - t0);
    }
    Collections.sort(nanos);
    return new Stats(nanos.size(), quantile(nanos, 0.50) / 1e6, quantile(nanos, 0.95) / 1e6);
  }

  private static long quantile(List<Long> sorted, double q) {
    int i = (int) Math.min(sorted.size() - 1, Math.ceil(q * sorted.size()) - 1);
    return sorted.get(Math.max(0, i));
  }

  private static long median(List<Long> values) {
    List<Long> sorted = new ArrayList<>(values);
    Collections.sort(sorted);
    return sorted.isEmpty() ? 0 : quantile(sorted, 0.5);
  }

  // -----------------------------------------------------------------------------------------------
  // Heap per session

  private Row heapPerSession() throws Exception {
    progress("heap per session");
    Path dir = params.workDir().resolve("heap");
    Files.createDirectories(dir);
    try (StandInProcess google = new StandInProcess(dir)) {
      Map<String, String> settings = new LinkedHashMap<>(google.settings);
      settings.put(AppConfig.DATABASE_URL, "jdbc:h2:file:" + dir.resolve("db").toAbsolutePath());
      settings.put(AppConfig.TOKEN_ENCRYPTION_KEY, TOKEN_KEY);
      settings.put(AppConfig.ACCESS_LOG, dir.resolve("access.log").toAbsolutePath().toString());
      try (BenchServer server = BenchServer.start(settings)) {
        HttpClient http = BenchBrowser.sharedClient();
        signIn(server, http, params.heapWarmupSessions());
        long before = settledHeapUsed();
        long aliveBefore = sessionsAlive(server);
        signIn(server, http, params.sessions());
        long after = settledHeapUsed();
        long alive = sessionsAlive(server) - aliveBefore;
        if (alive != params.sessions()) {
          report.notes.add("Heap: " + alive + " sessions were alive at the end instead of " + params.sessions() + ".");
        }
        double perSession = (after - before) / (double) params.sessions();
        // For comparison: sessions that only started a sign-in (a visitor who never comes back from Google).
        startSignIns(server, http, params.sessions());
        long afterStarted = settledHeapUsed();
        double perStarted = (afterStarted - after) / (double) params.sessions();
        String measured = String.format(Locale.ROOT, "%.0f B (%.1f KB; heap after GC %.1f → %.1f MB over %d"
                + " sessions, all %d alive)", perSession, perSession / 1024, before / 1048576.0, after / 1048576.0,
            params.sessions(), alive);
        String met = perSession <= 4096 ? "yes" : String.format(Locale.ROOT, "no: %.0f B over", perSession - 4096);
        return new Row(FIGURES.get(7), measured, "≤ 4 KB (4,096 B)", met, String.format(Locale.ROOT,
            "for comparison, a visitor who only went through /authorize (sign-in started, never finished): %.0f B"
                + " (no server session: the pending sign-in is in the browser's sealed cookie; near 0 is noise)."
                + " The stand-in runs in its own JVM here, so only the app's heap is counted", perStarted));
      }
    }
  }

  // -----------------------------------------------------------------------------------------------
  // What unauthenticated /authorize requests leave on the server

  /** What {@link #authorizeVisits} visits of /authorize left behind, with one session store. */
  record Leftover(String store, long heapBefore, long heapAfter, long sessionsCreated, long sessionsAlive, long rows) {
    double bytesPerVisit(int visits) {
      return (heapAfter - heapBefore) / (double) visits;
    }
  }

  private Row afterManyAuthorizes() throws Exception {
    int visits = params.authorizeVisits();
    progress(visits + " /authorize, memory sessions");
    Leftover memory = leftoverOf("memory", visits);
    progress(visits + " /authorize, SESSION_STORE=jdbc");
    Leftover jdbc = leftoverOf("jdbc", visits);
    String measured = String.format(Locale.ROOT,
        "memory sessions: heap after GC %+.1f MB (%.0f B a visit), %d sessions created, %d alive;"
            + " SESSION_STORE=jdbc (H2 file): %d rows in JettySessions, heap %+.1f MB, %d sessions created",
        (memory.heapAfter() - memory.heapBefore()) / 1048576.0, memory.bytesPerVisit(visits),
        memory.sessionsCreated(), memory.sessionsAlive(), jdbc.rows(),
        (jdbc.heapAfter() - jdbc.heapBefore()) / 1048576.0, jdbc.sessionsCreated());
    boolean met = memory.sessionsAlive() == 0 && jdbc.rows() == 0 && memory.sessionsCreated() == 0
        && jdbc.sessionsCreated() == 0;
    return new Row(FIGURES.get(9) + String.format(Locale.ROOT, ", %,d visits", visits), measured,
        "no session, no row, no heap a visit", met ? "yes" : "no",
        "each visit is a new browser (no cookie), 8 threads; heap is the least of 5 readings after"
            + " System.gc(), before and after");
  }

  private Leftover leftoverOf(String store, int visits) throws Exception {
    Path dir = params.workDir().resolve("authorize-" + store);
    try (StandInGoogle google = StandInGoogle.start()) {
      Map<String, String> settings = appSettings(google, dir);
      settings.put(AppConfig.SESSION_STORE, store);
      try (BenchServer server = BenchServer.start(settings)) {
        HttpClient http = BenchBrowser.sharedClient();
        authorizeVisits(server, http, Math.min(visits, 2_000)); // warm-up
        long heapBefore = settledHeapUsed();
        int createdBefore = server.sessionsCreated();
        long rowsBefore = sessionRows(settings.get(AppConfig.DATABASE_URL));
        long aliveBefore = sessionsAlive(server);
        authorizeVisits(server, http, visits);
        long heapAfter = settledHeapUsed();
        return new Leftover(store, heapBefore, heapAfter, server.sessionsCreated() - createdBefore,
            sessionsAlive(server) - aliveBefore, sessionRows(settings.get(AppConfig.DATABASE_URL)) - rowsBefore);
      }
    }
  }

  /** {@code count} GET /authorize without a cookie on 8 threads, each answered 302. */
  private static void authorizeVisits(BenchServer server, HttpClient http, int count) throws Exception {
    HttpRequest request = HttpRequest.newBuilder(URI.create(server.url("/authorize"))).GET().build();
    java.util.concurrent.atomic.AtomicInteger left = new java.util.concurrent.atomic.AtomicInteger(count);
    ExecutorService threads = Executors.newFixedThreadPool(8);
    try {
      List<Future<?>> done = new ArrayList<>();
      for (int t = 0; t < 8; t++) {
        done.add(threads.submit(() -> {
          while (left.getAndDecrement() > 0) {
            int status = http.send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
            if (status != 302) {
              throw new IllegalStateException("/authorize answered " + status);
            }
          }
          return null;
        }));
      }
      for (Future<?> f : done) {
        f.get();
      }
    } finally {
      threads.shutdown();
    }
  }

  /** Rows in Jetty's session table of the H2 database at {@code url} (0 when it has none). */
  private static long sessionRows(String url) throws java.sql.SQLException {
    try (java.sql.Connection c = java.sql.DriverManager.getConnection(url);
        java.sql.ResultSet tables = c.getMetaData().getTables(null, null, "JETTYSESSIONS", null)) {
      if (!tables.next()) {
        return 0;
      }
      try (java.sql.ResultSet rs = c.createStatement().executeQuery("SELECT COUNT(*) FROM JettySessions")) {
        rs.next();
        return rs.getLong(1);
      }
    }
  }

  private static long sessionsAlive(BenchServer server) {
    return ((DefaultSessionCache) server.app.getSessionHandler().getSessionCache()).getSessionsCurrent();
  }

  /** {@code count} sign-ins of new browsers on 4 threads; the browsers are dropped, their sessions live on. */
  private static void signIn(BenchServer server, HttpClient http, int count) throws Exception {
    ExecutorService threads = Executors.newFixedThreadPool(4);
    try {
      List<Future<?>> done = new ArrayList<>();
      for (int i = 0; i < count; i++) {
        done.add(threads.submit(() -> new BenchBrowser(http, server.base).signIn(server.base, null)));
      }
      for (Future<?> f : done) {
        f.get();
      }
    } finally {
      threads.shutdown();
    }
  }

  /** {@code count} visits of /authorize by new browsers, which then never come back from Google. */
  private static void startSignIns(BenchServer server, HttpClient http, int count) throws Exception {
    ExecutorService threads = Executors.newFixedThreadPool(4);
    try {
      List<Future<?>> done = new ArrayList<>();
      for (int i = 0; i < count; i++) {
        done.add(threads.submit(() ->
            BenchBrowser.expect(new BenchBrowser(http, server.base).get(server.url("/authorize")), 302, "/authorize")));
      }
      for (Future<?> f : done) {
        f.get();
      }
    } finally {
      threads.shutdown();
    }
  }

  private static long settledHeapUsed() throws InterruptedException {
    MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
    long least = Long.MAX_VALUE;
    for (int i = 0; i < 5; i++) {
      System.gc();
      Thread.sleep(200);
      least = Math.min(least, memory.getHeapMemoryUsage().getUsed());
    }
    return least;
  }

  // -----------------------------------------------------------------------------------------------
  // Start-up as a separate JVM

  private Row separateJvmStartup(Row inProcess) throws Exception {
    progress("start-up as a separate JVM");
    HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
    List<Long> times = new ArrayList<>();
    for (int run = 0; run < params.startupRuns(); run++) {
      Path dir = params.workDir().resolve("startup-" + run);
      Files.createDirectories(dir);
      int port;
      try (ServerSocket probe = new ServerSocket(0)) {
        port = probe.getLocalPort();
      }
      ProcessBuilder builder = JavaProcess.builder(List.of(), DemoLauncher.class.getName())
          .directory(dir.toFile())
          .redirectOutput(dir.resolve("out.log").toFile())
          .redirectError(dir.resolve("err.log").toFile());
      Map<String, String> env = builder.environment();
      List.of(AppConfig.GOOGLE_CLIENT_SECRETS, AppConfig.TOKEN_ENCRYPTION_KEY_FILE, AppConfig.OAUTH_REDIRECT_URI,
          AppConfig.GOOGLE_API_ROOT_URL, AppConfig.GOOGLE_REVOKE_URI, AppConfig.HTTPS).forEach(env::remove);
      env.put(AppConfig.PORT, String.valueOf(port));
      env.put(AppConfig.DATABASE_URL, "jdbc:h2:file:" + dir.resolve("db").toAbsolutePath());
      env.put(AppConfig.TOKEN_ENCRYPTION_KEY, TOKEN_KEY);
      long t0 = System.nanoTime();
      Process process = builder.start();
      try {
        long t1 = untilFirst200(http, "http://localhost:" + port + "/", t0, process);
        times.add(t1 - t0);
      } finally {
        JavaProcess.stop(process);
      }
    }
    Collections.sort(times);
    long median = quantile(times, 0.5);
    String all = times.stream().map(Benchmarks::fmtSeconds).collect(Collectors.joining(", "));
    String met = median <= 2_000_000_000L ? "yes"
        : String.format(Locale.ROOT, "no: %.2f s over", (median - 2_000_000_000L) / 1e9);
    return new Row(FIGURES.get(8),
        fmtSeconds(median) + " (median of " + times.size() + ": " + all + "; `java -cp … io.github.gmailoauth.DemoLauncher`"
            + " in demo mode, a fresh H2 file each time, process start → first 200 on GET /, polled every 10 ms)",
        "≤ 2 s", met,
        "in-process (Main.newServer + start → first 200, the first app start in the benchmark JVM): "
            + inProcess.measured());
  }

  /** Polls {@code url} every 10 ms until it answers 200; the nanoTime of that answer. */
  private static long untilFirst200(HttpClient http, String url, long t0, Process process) throws Exception {
    HttpRequest request = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(5)).GET().build();
    while (System.nanoTime() - t0 < 60_000_000_000L) {
      try {
        HttpResponse<Void> r = http.send(request, HttpResponse.BodyHandlers.discarding());
        if (r.statusCode() == 200) {
          return System.nanoTime();
        }
      } catch (ConnectException e) {
        // not listening yet
      } catch (IOException e) {
        // connected too early, or reset: try again
      }
      if (process != null && !process.isAlive()) {
        throw new IllegalStateException("the app process ended with " + process.exitValue() + " before answering");
      }
      Thread.sleep(10);
    }
    throw new IllegalStateException(url + " did not answer 200 within 60 s");
  }

  // -----------------------------------------------------------------------------------------------
  // Output

  private static String fmtSeconds(long nanos) {
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
    return String.format(Locale.ROOT,
        "Machine: %s cores (`nproc` %s, `Runtime.availableProcessors()` %d), %s %s; Java %s (%s %s).  %n"
            + "Date: %s.  %n"
            + "Command: `%s`  %n"
            + "Load: %d client threads of `java.net.http.HttpClient` (HTTP/1.1, keep-alive, closed loop) in a"
            + " separate load-generator JVM; server: Jetty 12 (ee10) in the benchmark JVM, with the stand-in"
            + " Google (JDK `HttpServer`, %s) in that same JVM (for the heap figure, in a JVM of its own).",
        nproc, nproc, Runtime.getRuntime().availableProcessors(), System.getProperty("os.name"),
        System.getProperty("os.arch"), System.getProperty("java.version"), System.getProperty("java.vm.name"),
        System.getProperty("java.vm.version"),
        DateTimeFormatter.ISO_OFFSET_DATE_TIME.format(Instant.now().atOffset(ZoneOffset.UTC).withNano(0)),
        params.command(), params.concurrency(),
        Boolean.getBoolean(NODELAY) ? "TCP_NODELAY on" : "TCP_NODELAY off: each of its answers may stall ~40 ms");
  }

  private String markdown() {
    StringBuilder b = new StringBuilder();
    b.append("# Benchmarks\n\n");
    b.append("Generated by `").append(params.command()).append("`; every figure below comes from one run of it,"
        + " side by side with its anchors. The machine is shared and noisy: compare figures measured in the same"
        + " run (the ratios), not absolute times across runs.\n\n");
    b.append(report.header).append("\n\n");
    b.append("| figure | measured | target | met? | anchors |\n");
    b.append("|---|---|---|---|---|\n");
    for (Row r : report.rows) {
      b.append("| ").append(cell(r.figure())).append(" | ").append(cell(r.measured())).append(" | ")
          .append(cell(r.target())).append(" | ").append(cell(r.met())).append(" | ").append(cell(r.anchors()))
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
    return String.format(Locale.ROOT, """
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
        """, params.mailbox(), Anchors.POOL_THREADS, params.upstreamLatency().toMillis(), params.latencyWarmup(),
        params.latencySamples(), params.concurrency(), params.throughputWarmupMillis() / 1000.0,
        params.throughputRounds(), params.throughputMeasureMillis() / 1000.0, params.tokenViews(),
        params.tokenViews(), params.heapWarmupSessions(), params.sessions(), params.sessions(),
        params.startupRuns(), params.authorizeVisits(), params.authorizeVisits());
  }
}
