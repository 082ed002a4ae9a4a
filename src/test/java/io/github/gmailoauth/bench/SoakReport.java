package io.github.gmailoauth.bench;

import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * What {@link Soak} counts: one {@link Phase} per row of its table, and the run's {@link Report}.
 */
final class SoakReport {
  private SoakReport() {}

  /** One row of the table. */
  public static final class Phase {
    final String name;
    final boolean fault;
    final long startNanos = System.nanoTime();
    long endNanos;

    /** Nanos when the fault's cause ended (restored, restarted); recovery counts from here. */
    volatile long faultEndNanos;

    final Map<Integer, AtomicInteger> statuses = new ConcurrentHashMap<>();
    final AtomicInteger noAnswer = new AtomicInteger();
    final AtomicInteger toSignIn = new AtomicInteger();
    final AtomicInteger crossUser = new AtomicInteger();
    final AtomicLong slowestNanos = new AtomicLong();

    /**
     * Nanos at which the last answer other than 200, to a request sent after the fault ended,
     * arrived.
     */
    final AtomicLong lastFailureNanos = new AtomicLong();

    /** Per user: nanos of the first 200 after {@link #faultEndNanos}. */
    final Map<Integer, Long> recoveredAt = new ConcurrentHashMap<>();

    int refreshCalls;
    int refreshesDue;
    int stackTraces;
    Duration recovery; // null: not a fault, or not recovered within the limit

    Phase(String name, boolean fault) {
      this.name = name;
      this.fault = fault;
    }

    int answers() {
      return statuses.values().stream().mapToInt(AtomicInteger::get).sum();
    }

    int fivexx() {
      return statuses.entrySet().stream()
          .filter(e -> e.getKey() >= 500)
          .mapToInt(e -> e.getValue().get())
          .sum();
    }

    String byStatus() {
      Map<Integer, Integer> sorted = new TreeMap<>();
      statuses.forEach((status, n) -> sorted.put(status, n.get()));
      String s = sorted.toString();
      return noAnswer.get() == 0 ? s : s + " + " + noAnswer.get() + " without answer";
    }

    double seconds() {
      return (endNanos - startNanos) / 1e9;
    }
  }

  /** What a run found. */
  public record Report(
      Soak.Settings settings,
      List<Phase> phases,
      int refreshCallsTotal,
      int earlyRefreshes,
      int signIns,
      int reSignIns,
      List<String> verdicts,
      boolean passed) {
    int total(java.util.function.ToIntFunction<Phase> f) {
      return phases.stream().mapToInt(f).sum();
    }

    String table() {
      StringBuilder t = new StringBuilder();
      t.append(
          "| phase | s | answers by status | slowest | 5xx | sent to sign-in | cross-user | refresh calls"
              + " | refreshes due | recovery | stack traces |\n");
      t.append("|---|---|---|---|---|---|---|---|---|---|---|\n");
      for (Phase p : phases) {
        t.append(
            String.format(
                Locale.ROOT,
                "| %s | %.1f | %s | %d ms | %d | %d | %d | %d | %d | %s | %d |%n",
                p.name,
                p.seconds(),
                p.byStatus(),
                p.slowestNanos.get() / 1_000_000,
                p.fivexx(),
                p.toSignIn.get(),
                p.crossUser.get(),
                p.refreshCalls,
                p.refreshesDue,
                !p.fault
                    ? ""
                    : p.recovery == null
                        ? "NOT RECOVERED"
                        : String.format(Locale.ROOT, "%.1f s", p.recovery.toMillis() / 1000.0),
                p.stackTraces));
      }
      return t.toString();
    }
  }
}
