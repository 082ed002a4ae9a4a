package io.github.gmailoauth.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs the whole benchmark harness with tiny parameters (fractions of a second of load, a handful
 * of samples and sessions, one start-up): every row is there, and the counts, which do not depend
 * on the machine, are exact. No timing is asserted.
 */
class BenchmarksSmokeTest {
  @TempDir Path dir;

  @Test
  void tinyRunFillsEveryRowWithExactRoundTripAndRefreshCounts() throws Exception {
    Benchmarks.Report report = Benchmarks.run(Benchmarks.Params.tiny(dir));
    System.out.println(report.markdown);

    assertEquals(Benchmarks.FIGURES.size(), report.rows.size(), report.markdown);
    for (int i = 0; i < Benchmarks.FIGURES.size(); i++) {
      assertTrue(
          report.rows.get(i).figure().startsWith(Benchmarks.FIGURES.get(i)),
          report.rows.get(i).figure());
      assertTrue(
          report.markdown.contains("| " + report.rows.get(i).figure() + " |"),
          Benchmarks.FIGURES.get(i));
    }
    assertTrue(
        report.markdown.contains("| figure | measured | target | met? | anchors |"),
        report.markdown);
    assertTrue(report.header.contains("Runtime.availableProcessors()"), report.header);

    // Upstream round trips of a page: one messages.list and one batch per 50 messages.
    assertEquals(2, report.appRoundTrips.get(25), report.markdown);
    assertEquals(2, report.appRoundTrips.get(50), report.markdown);
    assertEquals(3, report.appRoundTrips.get(100), report.markdown);
    // The anchors: 1 + N for the naive strategies, every list page of the 500-message mailbox for
    // the seed.
    assertEquals(1 + 25, report.naiveSequentialRoundTrips);
    assertEquals(1 + 25, report.naivePooledRoundTrips);
    assertEquals(5, report.seedRoundTrips);
    // 100 views within a token's lifetime: no refresh; the seed's rebuild: one per view.
    assertEquals(0, report.appRefreshes);
    assertEquals(100, report.seedRefreshes);
    // A reader page is one messages.get; its body frame another (the newsletter has no cid:
    // images); a streamed attachment is not held whole.
    assertEquals(1, report.readerPageCalls, report.markdown);
    assertEquals(1, report.readerBodyCalls, report.markdown);
    assertTrue(report.streamingHeapMiB < 1, report.markdown);
    // The row cache: a page seen before is the list and the history at once, nothing fetched, 5 + 2
    // quota units; a first visit is today's two round trips with getProfile beside the list.
    assertEquals(1, report.cachedPage.roundTrips(), report.markdown);
    assertEquals(0, report.cachedPage.rowsFetched(), report.markdown);
    assertEquals(7, report.cachedPage.quotaUnits(), report.markdown);
    assertEquals(2, report.firstVisitWithCache.roundTrips(), report.markdown);
    assertEquals(1, report.firstVisitWithCache.profiles(), report.markdown);
    assertEquals(5 + 25 * 5, report.todaysPage.quotaUnits(), report.markdown);
    assertTrue(report.heapPerHeldRow > 0, report.markdown);
  }
}
