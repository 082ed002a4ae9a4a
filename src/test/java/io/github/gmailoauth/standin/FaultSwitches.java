package io.github.gmailoauth.standin;

import io.github.gmailoauth.standin.Web.Reply;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.zip.GZIPOutputStream;

/**
 * The stand-in's fault switches: canned answers, outages, gzip bombs, hung, held and dropped
 * requests, latency and injected Gmail failures. {@link StandInGoogle} documents each switch; this
 * class keeps their state, keyed by "METHOD /path", and applies them to each request it is told of.
 */
final class FaultSwitches {

  /** An injected Gmail failure: status, errors[0].reason, and Retry-After (null: none). */
  record GmailFailure(int status, String reason, String retryAfter) {}

  /**
   * Set by {@link StandInGoogle#close()}: a request that has not begun waiting must not start to.
   */
  private final AtomicBoolean closed;

  private volatile Duration latency = Duration.ZERO;

  /** Per "METHOD /path": how many of the next answers are gzip bombs, and their decoded size. */
  private final Map<String, AtomicInteger> gzips = new ConcurrentHashMap<>();

  private final Map<String, Integer> gzipPadding = new ConcurrentHashMap<>();

  /** Canned answers queued per "METHOD /path", served instead of the real handler. */
  private final Map<String, Deque<Reply>> canned = new ConcurrentHashMap<>();

  /** Answers given to every request of a method and path until {@link #restore} (outages). */
  private final Map<String, Reply> outages = new ConcurrentHashMap<>();

  private final Object failureLock = new Object();
  private GmailFailure failure; // guarded by failureLock
  private int failRemaining; // guarded by failureLock

  /** Per "METHOD /path": how long each of the next requests hangs before being served. */
  private final Map<String, Deque<Duration>> hangs = new ConcurrentHashMap<>();

  /** Per "METHOD /path": gates that each of the next requests waits at before being served. */
  private final Map<String, Deque<CountDownLatch>> holds = new ConcurrentHashMap<>();

  /** Per "METHOD /path": how many of the next requests get their connection dropped unanswered. */
  private final Map<String, AtomicInteger> resets = new ConcurrentHashMap<>();

  /** Handler threads sleeping in a hang, interrupted by close() so that they never outlive us. */
  private final Set<Thread> hangingThreads = ConcurrentHashMap.newKeySet();

  FaultSwitches(AtomicBoolean closed) {
    this.closed = closed;
  }

  static String key(String method, String path) {
    return method.toUpperCase(Locale.ROOT) + " " + path;
  }

  void setGmailFailure(int status, String reason, String retryAfter, int times) {
    if (times > 0 && (status < 400 || status > 599)) {
      throw new IllegalArgumentException("status must be an HTTP error status: " + status);
    }
    synchronized (failureLock) {
      failure = new GmailFailure(status, reason, retryAfter);
      failRemaining = Math.max(0, times);
    }
  }

  void hangNext(String method, String path, Duration howLong, int times) {
    if (howLong == null || howLong.isNegative()) {
      throw new IllegalArgumentException("howLong must be zero or positive");
    }
    Deque<Duration> queue =
        hangs.computeIfAbsent(key(method, path), k -> new ConcurrentLinkedDeque<>());
    for (int i = 0; i < times; i++) {
      queue.add(howLong);
    }
  }

  CountDownLatch holdNext(String method, String path) {
    CountDownLatch gate = new CountDownLatch(1);
    holds.computeIfAbsent(key(method, path), k -> new ConcurrentLinkedDeque<>()).add(gate);
    return gate;
  }

  void resetNext(String method, String path, int times) {
    resets
        .computeIfAbsent(key(method, path), k -> new AtomicInteger())
        .addAndGet(Math.max(0, times));
  }

  void answerNext(
      String method, String path, int status, String contentType, byte[] body, int times) {
    Deque<Reply> queue =
        canned.computeIfAbsent(key(method, path), k -> new ConcurrentLinkedDeque<>());
    Map<String, String> headers = new LinkedHashMap<>();
    if (contentType != null) {
      headers.put("Content-Type", contentType);
    }
    for (int i = 0; i < times; i++) {
      queue.add(new Reply(status, headers, body));
    }
  }

  void failUntilRestored(String method, String path, int status) {
    outages.put(key(method, path), Reply.html(status, "<h1>Error " + status + "</h1>"));
  }

  void restore(String method, String path) {
    outages.remove(key(method, path));
  }

  void answerNext(
      String method, String path, int status, Map<String, String> headers, byte[] body, int times) {
    Deque<Reply> queue =
        canned.computeIfAbsent(key(method, path), k -> new ConcurrentLinkedDeque<>());
    for (int i = 0; i < times; i++) {
      queue.add(new Reply(status, new LinkedHashMap<>(headers), body));
    }
  }

  void gzipNext(String method, String path, int decodedBytes, int times) {
    AtomicInteger pending = gzips.computeIfAbsent(key(method, path), k -> new AtomicInteger());
    pending.addAndGet(Math.max(0, times));
    gzipPadding.put(key(method, path), decodedBytes);
  }

  Reply maybeGzip(RecordedRequest r, Reply reply) throws IOException {
    AtomicInteger pending = gzips.get(key(r.method(), r.path()));
    if (pending == null || pending.getAndUpdate(v -> Math.max(0, v - 1)) <= 0) {
      return reply;
    }
    int decoded = gzipPadding.get(key(r.method(), r.path()));
    String type = reply.headers().getOrDefault("Content-Type", "");
    byte[] padding = new byte[Math.max(0, decoded - reply.body().length)];
    Arrays.fill(padding, (byte) ' ');
    ByteArrayOutputStream zipped = new ByteArrayOutputStream();
    try (GZIPOutputStream gzip = new GZIPOutputStream(zipped)) {
      gzip.write(padding);
      if (type.startsWith("multipart/")) {
        gzip.write("\r\n".getBytes(StandardCharsets.US_ASCII)); // the preamble ends with a line
      }
      gzip.write(reply.body());
    }
    return reply.withHeader("Content-Encoding", "gzip").withBody(zipped.toByteArray());
  }

  void setLatency(Duration perRequest) {
    latency = perRequest == null || perRequest.isNegative() ? Duration.ZERO : perRequest;
  }

  /** The pending Gmail failure, if any, without counting it. */
  GmailFailure peekGmailFailure() {
    synchronized (failureLock) {
      return failRemaining <= 0 ? null : failure;
    }
  }

  GmailFailure takeGmailFailure() {
    synchronized (failureLock) {
      if (failRemaining <= 0) {
        return null;
      }
      failRemaining--;
      return failure;
    }
  }

  /** Takes one pending reset for this request; true when its connection must be dropped. */
  boolean takeReset(RecordedRequest r) {
    AtomicInteger n = resets.get(key(r.method(), r.path()));
    return n != null && n.getAndUpdate(v -> Math.max(0, v - 1)) > 0;
  }

  /**
   * Sleeps for a pending {@link #hangNext} of this request, if any; false when close() interrupted
   * the sleep, and the request must then not be served.
   */
  boolean hang(RecordedRequest r) {
    Deque<Duration> queue = hangs.get(key(r.method(), r.path()));
    Duration d = queue == null ? null : queue.poll();
    return d == null || waitUnlessClosed(() -> TimeUnit.NANOSECONDS.sleep(d.toNanos()));
  }

  /**
   * Waits at a pending {@link #holdNext} gate of this request, if any; false as for {@link #hang}.
   */
  boolean hold(RecordedRequest r) {
    Deque<CountDownLatch> queue = holds.get(key(r.method(), r.path()));
    CountDownLatch gate = queue == null ? null : queue.poll();
    return gate == null || waitUnlessClosed(gate::await);
  }

  private interface Wait {
    void run() throws InterruptedException;
  }

  /** Runs {@code wait} where close() can interrupt it; false when it did (or had already run). */
  private boolean waitUnlessClosed(Wait wait) {
    Thread self = Thread.currentThread();
    hangingThreads.add(self);
    try {
      if (closed.get()) {
        return false; // close() ran before we were registered, so it could not interrupt us
      }
      wait.run();
      return true;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    } finally {
      hangingThreads.remove(self);
    }
  }

  void sleepLatency() {
    Duration d = latency;
    if (!d.isZero()) {
      try {
        TimeUnit.NANOSECONDS.sleep(d.toNanos());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  /** The next canned answer queued for this request, or null. */
  Reply takeCanned(RecordedRequest r) {
    Deque<Reply> queue = canned.get(key(r.method(), r.path()));
    return queue == null ? null : queue.poll();
  }

  /** The answer of an outage of this request's method and path, or null when there is none. */
  Reply outage(RecordedRequest r) {
    return outages.get(key(r.method(), r.path()));
  }

  /**
   * Interrupts every handler sleeping in a hang or waiting at a hold, so that none outlives
   * close().
   */
  void interruptWaits() {
    hangingThreads.forEach(Thread::interrupt);
  }
}
