package dev.underway.sandbox;

import static org.assertj.core.api.Assertions.assertThat;

import dev.underway.workflows.evolution.model.EvolutionResult;
import dev.underway.kernel.RunState;
import dev.underway.sandbox.report.LoadReport;
import dev.underway.sandbox.report.LoadReport.OperationStats;
import dev.underway.sandbox.report.LoadReport.PhaseReport;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class SummaryTest {

  private static LoadReport report(long retries) {
    return report(retries, List.of());
  }

  private static LoadReport report(long retries, List<PhaseReport> waits) {
    OperationStats all = new OperationStats(1200, 0, 0.5, 2.5, 9.0);
    PhaseReport phase = new PhaseReport("phase-1", List.of("scale"), 0, 6900, all, all, all,
        173.9, 0, retries, 0, 0, 0, 0, 0);
    return new LoadReport("2026-01-01T00:00:00Z", 6000, 200, 4, 50, phase, List.of(phase),
        waits, List.of(), List.of(), "phase-1", List.of(), List.of());
  }

  private static final EvolutionResult DONE =
      new EvolutionResult(RunState.COMPLETED, null, "all phases done", List.of(), List.of(),
          List.of());

  @Test
  void aLinePerPhaseAndTheTotalRoundedAsTheReportRoundsThem() {
    String table = Summary.table(report(0), DONE, Duration.ofMillis(75_400),
        Duration.ofMillis(89_600));
    assertThat(table).contains("Run ended COMPLETED: all phases done")
        .contains("Evolution took 1 min 15 s; sandbox ran 1 min 30 s.")
        .containsPattern("phase-1\\s+1200\\s+0\\s+0\\.5\\s+2\\.5\\s+9\\.0\\s+174\\s+6\\.9 s")
        .containsPattern("total\\s+1200\\s+0")
        .doesNotContain("retried").doesNotContain("gates").doesNotContain("too short");
  }

  @Test
  void aPhaseShorterThanASecondIsGivenNoRate() {
    OperationStats one = new OperationStats(221, 0, 0.5, 2.5, 9.0);
    PhaseReport expand = new PhaseReport("expand", List.of("expand"), 0, 400, one, one, one,
        552.5, 0, 0, 0, 0, 0, 0, 0);
    LoadReport r = new LoadReport("2026-01-01T00:00:00Z", 6000, 200, 4, 50, expand,
        List.of(expand), List.of(), List.of(), List.of(), null, List.of(), List.of());
    String table = Summary.table(r, DONE, Duration.ofSeconds(5), Duration.ofSeconds(6));
    assertThat(table).containsPattern("expand\\s+221\\s+0\\s+0\\.5\\s+2\\.5\\s+9\\.0\\s+-\\s+400 ms")
        .contains("expand: 400 ms \u2014 too short for a rate").doesNotContain("552");
  }

  @Test
  void timeAtGatesIsSaidApartFromThePhases() {
    OperationStats none = new OperationStats(40, 0, 0.5, 2.5, 9.0);
    PhaseReport waited = new PhaseReport("phase-1", List.of("gate"), 0, 125_000, none, none,
        none, 0.3, 0, 0, 0, 0, 0, 0, 0);
    String table = Summary.table(report(0, List.of(waited)), DONE, Duration.ofSeconds(5),
        Duration.ofSeconds(6));
    assertThat(table)
        .contains("Waiting at gates (not in the phases' figures): phase-1 2 min 05 s");
  }

  @Test
  void retriesAreSaidApartFromFailures() {
    String table = Summary.table(report(7), DONE, Duration.ofSeconds(5), Duration.ofSeconds(6));
    assertThat(table).contains("7 statement(s) retried at the database's request");
  }
}
