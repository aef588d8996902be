package dev.underway.sandbox;

import dev.underway.kernel.Run;
import dev.underway.kernel.Timeline;
import dev.underway.kernel.TimelineEntry;
import dev.underway.sandbox.load.LoadGenerator;
import dev.underway.sandbox.report.LoadReport.MarkKind;
import java.time.Instant;
import java.util.List;

/**
 * Marks the load with the run's steps and gates at the times the run's own timeline recorded
 * them, however short a step was and however late the sandbox reads the status. A run-level
 * step (validate, an abort, an undo) belongs to the phase the run was in.
 */
final class RunMarks {

  private final LoadGenerator load;
  private String phase;
  private int marked;

  /** {@code phase}: where the load stands when the run starts (its baseline). */
  RunMarks(LoadGenerator load, String phase) {
    this.load = load;
    this.phase = phase;
  }

  /** Marks the entries of {@code timeline} not marked yet (a timeline only grows). */
  void update(List<TimelineEntry> timeline) {
    for (; marked < timeline.size(); marked++) {
      TimelineEntry e = timeline.get(marked);
      if (!Timeline.RUN.equals(e.phase())) {
        phase = e.phase();
      }
      load.mark(phase, e.step(), Run.GATE.equals(e.step()) ? MarkKind.GATE : MarkKind.STEP,
          Instant.parse(e.at()));
    }
  }

  /** The phase of the latest step marked. */
  String phase() {
    return phase;
  }
}
