package io.github.gmailoauth.bench;

import io.github.gmailoauth.bench.Benchmarks.Params;
import io.github.gmailoauth.bench.Benchmarks.Report;
import io.github.gmailoauth.bench.Benchmarks.Row;

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
}
