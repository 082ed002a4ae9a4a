package io.github.gmailoauth.bench;

import static io.github.gmailoauth.bench.Benchmarks.quantile;

import io.github.gmailoauth.bench.Benchmarks.Params;
import io.github.gmailoauth.bench.Benchmarks.Report;
import io.github.gmailoauth.bench.Benchmarks.Row;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;

/** A group of figures of one {@link Benchmarks} run: its parameters, and the report it fills. */
abstract class FigureGroup {
  /**
   * The run this group measures for; another group of it is made with {@code new XFigures(run)}.
   */
  final Benchmarks run;

  final Params params;
  final Report report;

  FigureGroup(Benchmarks run) {
    this.run = run;
    this.params = run.params;
    this.report = run.report;
  }

  /** Keeps {@code row} as the row of figure {@code index} of {@link Benchmarks#FIGURES}. */
  void row(int index, Row row) {
    run.row(index, row);
  }

  interface Work {
    Object run() throws Exception;
  }

  record Stats(int n, double p50Ms, double p95Ms) {
    @Override
    public String toString() {
      return String.format(Locale.ROOT, "%.1f ms (p95 %.1f)", p50Ms, p95Ms);
    }

    /** The "met?" cell for a p50 target: "yes", or by how much the p50 is over it. */
    String withinTarget(double targetMs) {
      return p50Ms <= targetMs
          ? "yes"
          : String.format(Locale.ROOT, "no: %.1f ms over", p50Ms - targetMs);
    }
  }

  Stats sample(Work work) throws Exception {
    return sample(() -> null, work);
  }

  /** As {@link #sample(Work)}, with {@code prepare} run untimed before each run of {@code work}. */
  Stats sample(Work prepare, Work work) throws Exception {
    for (int i = 0; i < params.latencyWarmup(); i++) {
      prepare.run();
      work.run();
    }
    List<Long> nanos = new ArrayList<>();
    for (int i = 0; i < params.latencySamples(); i++) {
      prepare.run();
      long t0 = System.nanoTime();
      work.run();
      nanos.add(System.nanoTime() - t0);
    }
    Collections.sort(nanos);
    return new Stats(nanos.size(), quantile(nanos, 0.50) / 1e6, quantile(nanos, 0.95) / 1e6);
  }
}
