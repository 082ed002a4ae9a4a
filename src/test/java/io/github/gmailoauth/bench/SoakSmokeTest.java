package io.github.gmailoauth.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code bench/soak --quick} in {@code mvn verify}: the whole topology (two node JVMs, a real
 * PostgreSQL, the proxy, the stand-in Google) through every fault, with tiny phases. It asserts the
 * soak's verdicts, which are counts: no cross-user answer, nobody sent to sign-in, no 5xx outside
 * the faults, every fault recovered from, no duplicate refresh; and that each fault really bit (a
 * soak whose faults change nothing proves nothing).
 */
class SoakSmokeTest {
  @TempDir Path dir;

  @Test
  void everyFaultIsSurvivedAndTheVerdictsHold() throws Exception {
    SoakReport.Report report = Soak.run(Soak.Settings.quick(), dir);
    String table = report.table() + String.join("\n", report.verdicts());

    assertTrue(report.passed(), table);
    assertEquals(11, report.phases().size(), table);
    for (SoakReport.Phase phase : report.phases()) {
      assertTrue(
          phase.statuses.getOrDefault(200, new java.util.concurrent.atomic.AtomicInteger()).get()
              > 0,
          phase.name + " served pages\n" + table);
    }
    SoakReport.Phase tokenOutage = phase(report, "token endpoint");
    SoakReport.Phase gmailOutage = phase(report, "Gmail");
    SoakReport.Phase postgresRestart = phase(report, "PostgreSQL");
    assertTrue(tokenOutage.fivexx() > 0, "the token outage answered 503s\n" + table);
    assertTrue(gmailOutage.fivexx() > 0, "the Gmail outage answered 503s\n" + table);
    assertTrue(postgresRestart.fivexx() > 0, "the PostgreSQL restart answered 503s\n" + table);
    assertTrue(
        report.refreshCallsTotal() > report.settings().users(),
        "tokens fell due and were refreshed\n" + table);
    assertFalse(report.table().contains("NOT RECOVERED"), table);
  }

  private static SoakReport.Phase phase(SoakReport.Report report, String prefix) {
    List<SoakReport.Phase> found =
        report.phases().stream().filter(p -> p.name.startsWith(prefix)).toList();
    assertEquals(1, found.size(), prefix);
    return found.get(0);
  }
}
