package io.github.gmailoauth.bench;

import static io.github.gmailoauth.bench.Benchmarks.FIGURES;
import static io.github.gmailoauth.bench.Benchmarks.TOKEN_KEY;
import static io.github.gmailoauth.bench.Benchmarks.appSettings;
import static io.github.gmailoauth.bench.Benchmarks.progress;

import io.github.gmailoauth.AppConfig;
import io.github.gmailoauth.bench.Benchmarks.Row;
import io.github.gmailoauth.standin.StandInGoogle;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.eclipse.jetty.session.DefaultSessionCache;

/**
 * What the app keeps per browser: heap per signed-in session, and what unauthenticated /authorize
 * visits leave behind (sessions, rows, heap) with each session store.
 */
final class ServerStateFigures extends FigureGroup {
  ServerStateFigures(Benchmarks run) {
    super(run);
  }

  // -----------------------------------------------------------------------------------------------
  // Heap per session

  Row heapPerSession() throws Exception {
    progress("heap per session");
    Path dir = params.workDir().resolve("heap");
    Files.createDirectories(dir);
    try (StandInProcess google = new StandInProcess(dir)) {
      Map<String, String> settings = new LinkedHashMap<>(google.settings);
      settings.put(AppConfig.DATABASE_URL, "jdbc:h2:file:" + dir.resolve("db").toAbsolutePath());
      settings.put(AppConfig.TOKEN_ENCRYPTION_KEY, TOKEN_KEY);
      settings.put(AppConfig.ACCESS_LOG, dir.resolve("access.log").toAbsolutePath().toString());
      settings.put(AppConfig.MESSAGE_CACHE_MB, "0"); // as in Benchmarks.appSettings
      try (BenchServer server = BenchServer.start(settings)) {
        HttpClient http = BenchBrowser.sharedClient();
        signIn(server, http, params.heapWarmupSessions());
        long before = settledHeapUsed();
        long aliveBefore = sessionsAlive(server);
        signIn(server, http, params.sessions());
        long after = settledHeapUsed();
        long alive = sessionsAlive(server) - aliveBefore;
        if (alive != params.sessions()) {
          report.notes.add(
              "Heap: "
                  + alive
                  + " sessions were alive at the end instead of "
                  + params.sessions()
                  + ".");
        }
        double perSession = (after - before) / (double) params.sessions();
        // For comparison: sessions that only started a sign-in (a visitor who never comes back from
        // Google).
        startSignIns(server, http, params.sessions());
        long afterStarted = settledHeapUsed();
        double perStarted = (afterStarted - after) / (double) params.sessions();
        String measured =
            String.format(
                Locale.ROOT,
                "%.0f B (%.1f KB; heap after GC %.1f → %.1f MB over %d"
                    + " sessions, all %d alive)",
                perSession,
                perSession / 1024,
                before / 1048576.0,
                after / 1048576.0,
                params.sessions(),
                alive);
        String met =
            perSession <= 4096
                ? "yes"
                : String.format(Locale.ROOT, "no: %.0f B over", perSession - 4096);
        return new Row(
            FIGURES.get(7),
            measured,
            "≤ 4 KB (4,096 B)",
            met,
            String.format(
                Locale.ROOT,
                "for comparison, a visitor who only went through /authorize (sign-in started, never finished): %.0f B"
                    + " (no server session: the pending sign-in is in the browser's sealed cookie; near 0 is noise)."
                    + " The stand-in runs in its own JVM here, so only the app's heap is counted",
                perStarted));
      }
    }
  }

  // -----------------------------------------------------------------------------------------------
  // What unauthenticated /authorize requests leave on the server

  /** What {@link #authorizeVisits} visits of /authorize left behind, with one session store. */
  record Leftover(
      String store,
      long heapBefore,
      long heapAfter,
      long sessionsCreated,
      long sessionsAlive,
      long rows) {
    double bytesPerVisit(int visits) {
      return (heapAfter - heapBefore) / (double) visits;
    }
  }

  Row afterManyAuthorizes() throws Exception {
    int visits = params.authorizeVisits();
    progress(visits + " /authorize, memory sessions");
    Leftover memory = leftoverOf("memory", visits);
    progress(visits + " /authorize, SESSION_STORE=jdbc");
    Leftover jdbc = leftoverOf("jdbc", visits);
    String measured =
        String.format(
            Locale.ROOT,
            "memory sessions: heap after GC %+.1f MB (%.0f B a visit), %d sessions created, %d alive;"
                + " SESSION_STORE=jdbc (H2 file): %d rows in JettySessions, heap %+.1f MB, %d sessions created",
            (memory.heapAfter() - memory.heapBefore()) / 1048576.0,
            memory.bytesPerVisit(visits),
            memory.sessionsCreated(),
            memory.sessionsAlive(),
            jdbc.rows(),
            (jdbc.heapAfter() - jdbc.heapBefore()) / 1048576.0,
            jdbc.sessionsCreated());
    boolean met =
        memory.sessionsAlive() == 0
            && jdbc.rows() == 0
            && memory.sessionsCreated() == 0
            && jdbc.sessionsCreated() == 0;
    return new Row(
        FIGURES.get(9) + String.format(Locale.ROOT, ", %,d visits", visits),
        measured,
        "no session, no row, no heap a visit",
        met ? "yes" : "no",
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
        return new Leftover(
            store,
            heapBefore,
            heapAfter,
            server.sessionsCreated() - createdBefore,
            sessionsAlive(server) - aliveBefore,
            sessionRows(settings.get(AppConfig.DATABASE_URL)) - rowsBefore);
      }
    }
  }

  /** {@code count} GET /authorize without a cookie on 8 threads, each answered 302. */
  private static void authorizeVisits(BenchServer server, HttpClient http, int count)
      throws Exception {
    HttpRequest request =
        HttpRequest.newBuilder(URI.create(server.url("/authorize"))).GET().build();
    AtomicInteger left = new AtomicInteger(count);
    ExecutorService threads = Executors.newFixedThreadPool(8);
    try {
      List<Future<?>> done = new ArrayList<>();
      for (int t = 0; t < 8; t++) {
        done.add(
            threads.submit(
                () -> {
                  while (left.getAndDecrement() > 0) {
                    int status =
                        http.send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
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
  private static long sessionRows(String url) throws SQLException {
    try (Connection c = DriverManager.getConnection(url);
        ResultSet tables = c.getMetaData().getTables(null, null, "JETTYSESSIONS", null)) {
      if (!tables.next()) {
        return 0;
      }
      try (ResultSet rs = c.createStatement().executeQuery("SELECT COUNT(*) FROM JettySessions")) {
        rs.next();
        return rs.getLong(1);
      }
    }
  }

  private static long sessionsAlive(BenchServer server) {
    return ((DefaultSessionCache) server.app.getSessionHandler().getSessionCache())
        .getSessionsCurrent();
  }

  /**
   * {@code count} sign-ins of new browsers on 4 threads; the browsers are dropped, their sessions
   * live on.
   */
  private static void signIn(BenchServer server, HttpClient http, int count) throws Exception {
    ExecutorService threads = Executors.newFixedThreadPool(4);
    try {
      List<Future<?>> done = new ArrayList<>();
      for (int i = 0; i < count; i++) {
        done.add(
            threads.submit(() -> new BenchBrowser(http, server.base).signIn(server.base, null)));
      }
      for (Future<?> f : done) {
        f.get();
      }
    } finally {
      threads.shutdown();
    }
  }

  /** {@code count} visits of /authorize by new browsers, which then never come back from Google. */
  private static void startSignIns(BenchServer server, HttpClient http, int count)
      throws Exception {
    ExecutorService threads = Executors.newFixedThreadPool(4);
    try {
      List<Future<?>> done = new ArrayList<>();
      for (int i = 0; i < count; i++) {
        done.add(
            threads.submit(
                () ->
                    BenchBrowser.expect(
                        new BenchBrowser(http, server.base).get(server.url("/authorize")),
                        302,
                        "/authorize")));
      }
      for (Future<?> f : done) {
        f.get();
      }
    } finally {
      threads.shutdown();
    }
  }

  static long settledHeapUsed() throws InterruptedException {
    MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
    long least = Long.MAX_VALUE;
    for (int i = 0; i < 5; i++) {
      System.gc();
      Thread.sleep(200);
      least = Math.min(least, memory.getHeapMemoryUsage().getUsed());
    }
    return least;
  }
}
