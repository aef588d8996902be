package dev.underway.workflows.evolution;

import dev.underway.guard.GuardSettings;
import dev.underway.guard.GuardState;
import dev.underway.kernel.ChangeResult;
import dev.underway.kernel.ChangeResult.Outcome;
import dev.underway.workflows.evolution.model.PacedReplication;
import dev.underway.workflows.evolution.model.ReplicationProgress;
import dev.underway.workflows.evolution.model.SnapshotRate;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

/**
 * The snapshot rate of the {@link InMemoryCluster} STAND-IN: absent by default (the runs of the
 * older tests see a database without it, as the sandbox's PostgreSQL is), or a CockroachDB-like
 * {@code kv.snapshot_rebalance.max_rate} whose every value is recorded. While the replication
 * wait runs, a guard that is {@linkplain #slowTo slowed} has it lowered to duty x found.
 */
final class InMemorySnapshotRate {

  static final String SETTING = "kv.snapshot_rebalance.max_rate";
  static final long MIB = 1024L * 1024;

  private Long value;
  private boolean explicit;
  private double duty = 1.0;
  private final List<Long> history = new ArrayList<>();

  /** The setting exists, set explicitly to {@code bytesPerSecond}. */
  synchronized void set(long bytesPerSecond) {
    value = bytesPerSecond;
    explicit = true;
  }

  /** The guard's duty during the replication wait. */
  synchronized void slowTo(double duty) {
    this.duty = duty;
  }

  synchronized Long value() {
    return value;
  }

  /** Every value the setting took, in order. */
  synchronized List<Long> history() {
    return List.copyOf(history);
  }

  synchronized SnapshotRate read() {
    if (value == null) {
      return SnapshotRate.notApplicable("no snapshot rate setting (in-memory stand-in)");
    }
    return SnapshotRate.of(List.of(new SnapshotRate.Setting(SETTING, value / MIB + " MiB",
        value, explicit, explicit ? String.valueOf(value) : null)));
  }

  GuardState baseline(GuardSettings guard) {
    return new GuardState(GuardState.FREE, 2.0, 2.0, 2.5, 1.25, 1.0, 0L, null, null);
  }

  /** Lowers the setting to max(floor, duty x found), then waits as {@code wait} does. */
  PacedReplication paced(SnapshotRate found, Supplier<ReplicationProgress> wait) {
    long foundRate = found.settings().get(0).bytesPerSecond();
    long rate;
    synchronized (this) {
      rate = Math.min(foundRate, Math.max(8 * MIB, (long) (duty * foundRate)));
      change(rate);
    }
    GuardState state = new GuardState(duty < 1 ? GuardState.SLOWED : GuardState.FREE, 2.0, 3.0,
        2.5, 1.25, duty, 0L, null, duty < 1 ? "p99 3.0 ms = 1.50x baseline 2.0 ms > 1.25x"
            : null);
    return new PacedReplication(wait.get(), state, rate, foundRate, rate, 1);
  }

  synchronized ChangeResult restore(SnapshotRate found) {
    if (!found.applicable()) {
      return ChangeResult.unchanged("snapshot rate", "not applicable");
    }
    long wanted = found.settings().get(0).bytesPerSecond();
    if (value != null && value == wanted) {
      return ChangeResult.unchanged(SETTING, "already " + found.describe());
    }
    change(wanted);
    return new ChangeResult(SETTING, Outcome.UPDATED, "back to " + found.describe());
  }

  private void change(long rate) {
    if (value == null || value != rate) {
      value = rate;
      history.add(rate);
    }
  }
}
