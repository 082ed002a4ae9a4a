package io.github.gmailoauth.bench;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The load generator, run as its own JVM process so that its work is not booked to the server's JVM
 * (both still share the machine's cores). A closed loop: {@code concurrency} threads, each sending
 * one request at a time with the JDK's {@link HttpClient} (HTTP/1.1, keep-alive, one client shared
 * by all threads, redirects not followed) and the next as soon as the answer's body is read.
 *
 * <p>It reads commands on standard input, one a line, and answers each on standard output:
 *
 * <pre>
 * run WARMUP_MS MEASURE_MS CONCURRENCY EXPECTED_STATUS URL [COOKIE...]
 *   -> result REQUESTS ERRORS ELAPSED_NANOS P50_NANOS P99_NANOS LAST_UNEXPECTED_STATUS
 * quit
 * </pre>
 *
 * Thread {@code i} sends {@code COOKIE[i % n]} as its Cookie header (none when no cookie is given,
 * so that every request comes from a new visitor). Only answers completed inside the measuring
 * window count; an answer with another status than the expected one counts as an error.
 */
public final class LoadGenerator {
  static final String READY = "load-generator ready";

  private final HttpClient client =
      HttpClient.newBuilder()
          .version(HttpClient.Version.HTTP_1_1)
          .followRedirects(HttpClient.Redirect.NEVER)
          .connectTimeout(Duration.ofSeconds(10))
          .build();

  public static void main(String[] args) throws Exception {
    PrintStream out = new PrintStream(System.out, true, StandardCharsets.UTF_8);
    LoadGenerator generator = new LoadGenerator();
    BufferedReader in =
        new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
    out.println(READY);
    for (String line; (line = in.readLine()) != null; ) {
      String[] words = line.trim().split(" ");
      if (words[0].equals("quit")) {
        break;
      }
      if (!words[0].equals("run") || words.length < 6) {
        out.println("error unknown command: " + line);
        continue;
      }
      Result r =
          generator.run(
              Long.parseLong(words[1]),
              Long.parseLong(words[2]),
              Integer.parseInt(words[3]),
              Integer.parseInt(words[4]),
              URI.create(words[5]),
              Arrays.asList(words).subList(6, words.length));
      out.println(
          "result "
              + r.requests
              + " "
              + r.errors
              + " "
              + r.elapsedNanos
              + " "
              + r.p50Nanos
              + " "
              + r.p99Nanos
              + " "
              + r.lastUnexpectedStatus);
    }
    System.exit(0);
  }

  record Result(
      long requests,
      long errors,
      long elapsedNanos,
      long p50Nanos,
      long p99Nanos,
      int lastUnexpectedStatus) {
    double perSecond() {
      return requests / (elapsedNanos / 1e9);
    }
  }

  Result run(
      long warmupMillis,
      long measureMillis,
      int concurrency,
      int expectedStatus,
      URI uri,
      List<String> cookies)
      throws InterruptedException {
    // Phases, read by every client thread: 0 warm-up, 1 measuring, 2 stop.
    AtomicInteger phase = new AtomicInteger();
    long[] window = new long[2];
    List<Client> clients = new ArrayList<>();
    for (int i = 0; i < concurrency; i++) {
      String cookie = cookies.isEmpty() ? null : cookies.get(i % cookies.size());
      Client c = new Client(uri, cookie, expectedStatus, phase, window);
      clients.add(c);
    }
    List<Thread> threads = new ArrayList<>();
    for (Client c : clients) {
      Thread t = new Thread(c, "load-" + threads.size());
      t.setDaemon(true);
      threads.add(t);
      t.start();
    }
    Thread.sleep(warmupMillis);
    window[0] = System.nanoTime();
    phase.set(1);
    Thread.sleep(measureMillis);
    window[1] = System.nanoTime();
    phase.set(2);
    for (Thread t : threads) {
      t.join(30_000);
    }
    long requests = 0;
    long errors = 0;
    int lastUnexpected = 0;
    long[] all = new long[0];
    for (Client c : clients) {
      requests += c.count;
      errors += c.errors;
      if (c.lastUnexpectedStatus != 0) {
        lastUnexpected = c.lastUnexpectedStatus;
      }
      int from = all.length;
      all = Arrays.copyOf(all, from + c.latencyCount);
      System.arraycopy(c.latencies, 0, all, from, c.latencyCount);
    }
    Arrays.sort(all);
    long p50 =
        all.length == 0 ? 0 : all[Math.min(all.length - 1, (int) Math.ceil(0.50 * all.length) - 1)];
    long p99 =
        all.length == 0 ? 0 : all[Math.min(all.length - 1, (int) Math.ceil(0.99 * all.length) - 1)];
    return new Result(requests, errors, window[1] - window[0], p50, p99, lastUnexpected);
  }

  private final class Client implements Runnable {
    final HttpRequest request;
    final int expectedStatus;
    final AtomicInteger phase;
    final long[] window;
    long count;
    long errors;
    int lastUnexpectedStatus;
    long[] latencies = new long[1024];
    int latencyCount;

    Client(URI uri, String cookie, int expectedStatus, AtomicInteger phase, long[] window) {
      HttpRequest.Builder b = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(30)).GET();
      if (cookie != null) {
        b.header("Cookie", cookie);
      }
      this.request = b.build();
      this.expectedStatus = expectedStatus;
      this.phase = phase;
      this.window = window;
    }

    @Override
    public void run() {
      while (phase.get() < 2) {
        long t0 = System.nanoTime();
        int status;
        try {
          status = client.send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
        } catch (Exception e) {
          status = -1;
        }
        long t1 = System.nanoTime();
        // Counted only when the whole exchange lies inside the measuring window.
        if (phase.get() == 1 && t0 >= window[0]) {
          if (status == expectedStatus) {
            count++;
            if (latencyCount == latencies.length) {
              latencies = Arrays.copyOf(latencies, latencies.length * 2);
            }
            latencies[latencyCount++] = t1 - t0;
          } else {
            errors++;
            lastUnexpectedStatus = status;
          }
        }
      }
    }
  }
}
