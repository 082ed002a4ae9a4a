package io.github.gmailoauth.bench;

import io.github.gmailoauth.Main;
import io.github.gmailoauth.testing.Await;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

/**
 * One node of the soak: the embedded launcher ({@link Main#main}, what {@code mvn exec:java} runs)
 * in a JVM of its own, on a fixed port so that it comes back where the proxy expects it. Settings
 * go in through the environment, as ops would set them. Its standard output and error go to one log
 * file that every start appends to, so that stack traces can be counted afterwards.
 */
final class SoakNode implements AutoCloseable {
  /** A line that continues a stack trace: "\tat ...", "\t... 12 more" (not "Caused by"). */
  private static final Pattern TRACE_LINE = Pattern.compile("^\\s+(at |\\.\\.\\. \\d+ more)");

  final String name;
  final int port;
  final Path log;
  private final Map<String, String> environment;
  private Process process;

  SoakNode(String name, Map<String, String> environment, Path dir) throws IOException {
    this.name = name;
    try (ServerSocket free = new ServerSocket(0)) {
      port = free.getLocalPort();
    }
    this.environment = environment;
    this.log = dir.resolve("node-" + name + ".log");
    Files.deleteIfExists(log);
  }

  String base() {
    return "http://localhost:" + port;
  }

  /** Starts the JVM and waits until {@code /readyz} answers 200. */
  synchronized void start() throws Exception {
    ProcessBuilder builder =
        JavaProcess.builder(List.of("-Xmx384m"), SoakNode.class.getName())
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
    builder.environment().putAll(environment);
    builder.environment().put("PORT", Integer.toString(port));
    process = builder.start();
    HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    HttpRequest readyz =
        HttpRequest.newBuilder(URI.create(base() + "/readyz"))
            .timeout(Duration.ofSeconds(2))
            .build();
    try {
      Await.until(
          Duration.ofSeconds(60),
          "node " + name + " ready",
          () -> {
            if (!process.isAlive()) {
              throw JavaProcess.failure("node " + name + " ended at start-up", process, log);
            }
            try {
              return http.send(readyz, HttpResponse.BodyHandlers.discarding()).statusCode() == 200;
            } catch (IOException notYet) {
              return false; // not listening yet
            }
          });
    } catch (AssertionError notReady) {
      throw JavaProcess.failure("node " + name + " was not ready within 60 s", process, log);
    }
  }

  /** {@code kill -9}: no shutdown hook runs, in-flight requests are cut. */
  synchronized void kill() throws InterruptedException {
    process.destroyForcibly();
    process.waitFor(30, TimeUnit.SECONDS);
  }

  /**
   * SIGTERM: Jetty's shutdown hook stops gracefully (in-flight requests finish, then the pool
   * closes).
   */
  synchronized void stopGracefully() throws InterruptedException {
    JavaProcess.stop(process);
  }

  /** The node log's length now: a mark to count stack traces from. */
  long logMark() throws IOException {
    return Files.exists(log) ? Files.size(log) : 0;
  }

  /** Stack traces the node logged between two {@link #logMark marks}: runs of "\tat" lines. */
  int stackTracesBetween(long from, long to) throws IOException {
    if (to <= from) {
      return 0;
    }
    byte[] all = Files.readAllBytes(log);
    String slice =
        new String(
            all, (int) from, (int) Math.min(to, all.length) - (int) from, StandardCharsets.UTF_8);
    int traces = 0;
    boolean inTrace = false;
    for (String line : slice.split("\n")) {
      boolean traceLine = TRACE_LINE.matcher(line).find();
      if (traceLine && !inTrace) {
        traces++;
      }
      inTrace = traceLine || (inTrace && line.startsWith("Caused by"));
    }
    return traces;
  }

  @Override
  public synchronized void close() throws InterruptedException {
    if (process != null) {
      JavaProcess.stop(process);
    }
  }

  /**
   * The node JVM's main: the launcher, plus an exit when the soak's end of standard input closes,
   * so that no node outlives a soak that died (the exit runs Jetty's graceful shutdown hook).
   */
  public static void main(String[] args) throws Exception {
    Thread watchdog =
        new Thread(
            () -> {
              try {
                while (System.in.read() >= 0) {
                  // the soak never writes; end of input means it is gone
                }
              } catch (IOException gone) {
                // the same
              }
              System.exit(0);
            },
            "soak-parent-watchdog");
    watchdog.setDaemon(true);
    watchdog.start();
    Main.main(args);
  }
}
