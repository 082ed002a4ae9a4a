package io.github.gmailoauth.bench;

import static io.github.gmailoauth.bench.Benchmarks.FIGURES;
import static io.github.gmailoauth.bench.Benchmarks.TOKEN_KEY;
import static io.github.gmailoauth.bench.Benchmarks.appSettings;
import static io.github.gmailoauth.bench.Benchmarks.fmtSeconds;
import static io.github.gmailoauth.bench.Benchmarks.median;
import static io.github.gmailoauth.bench.Benchmarks.progress;
import static io.github.gmailoauth.bench.Benchmarks.quantile;

import io.github.gmailoauth.AppConfig;
import io.github.gmailoauth.DemoLauncher;
import io.github.gmailoauth.Main;
import io.github.gmailoauth.bench.Benchmarks.Row;
import io.github.gmailoauth.standin.StandInGoogle;
import java.io.IOException;
import java.net.ConnectException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;

/** Start-up to the first 200: in this JVM (for reference), and as a separate JVM in demo mode. */
final class StartupFigures extends FigureGroup {
  StartupFigures(Benchmarks run) {
    super(run);
  }

  // -----------------------------------------------------------------------------------------------
  // Start-up in this JVM: the first app start of the run, for reference

  Row inProcessStartup() throws Exception {
    progress("in-process start-up");
    try (StandInGoogle google = StandInGoogle.start()) {
      Path dir = params.workDir().resolve("in-process-start");
      Map<String, String> settings = appSettings(google, dir);
      HttpClient http = BenchBrowser.sharedClient();
      long t0 = System.nanoTime();
      Server server = Main.newServer(0, settings);
      server.start();
      try {
        int port = ((ServerConnector) server.getConnectors()[0]).getLocalPort();
        long t1 = untilFirst200(http, "http://localhost:" + port + "/", t0, null);
        return new Row("in-process", fmtSeconds(t1 - t0), "", "", "");
      } finally {
        server.stop();
      }
    }
  }

  // -----------------------------------------------------------------------------------------------
  // Start-up as a separate JVM

  Row separateJvmStartup(Row inProcess) throws Exception {
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
      ProcessBuilder builder =
          JavaProcess.builder(List.of(), DemoLauncher.class.getName())
              .directory(dir.toFile())
              .redirectOutput(dir.resolve("out.log").toFile())
              .redirectError(dir.resolve("err.log").toFile());
      Map<String, String> env = builder.environment();
      List.of(
              AppConfig.GOOGLE_CLIENT_SECRETS,
              AppConfig.TOKEN_ENCRYPTION_KEY_FILE,
              AppConfig.OAUTH_REDIRECT_URI,
              AppConfig.GOOGLE_API_ROOT_URL,
              AppConfig.GOOGLE_REVOKE_URI,
              AppConfig.HTTPS)
          .forEach(env::remove);
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
    String met =
        median <= 2_000_000_000L
            ? "yes"
            : String.format(Locale.ROOT, "no: %.2f s over", (median - 2_000_000_000L) / 1e9);
    return new Row(
        FIGURES.get(8),
        fmtSeconds(median)
            + " (median of "
            + times.size()
            + ": "
            + all
            + "; `java -cp … io.github.gmailoauth.DemoLauncher`"
            + " in demo mode, a fresh H2 file each time, process start → first 200 on GET /, polled every 10 ms)",
        "≤ 2 s",
        met,
        "in-process (Main.newServer + start → first 200, the first app start in the benchmark JVM): "
            + inProcess.measured());
  }

  /** Polls {@code url} every 10 ms until it answers 200; the nanoTime of that answer. */
  private static long untilFirst200(HttpClient http, String url, long t0, Process process)
      throws Exception {
    HttpRequest request =
        HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(5)).GET().build();
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
        throw new IllegalStateException(
            "the app process ended with " + process.exitValue() + " before answering");
      }
      Thread.sleep(10);
    }
    throw new IllegalStateException(url + " did not answer 200 within 60 s");
  }
}
