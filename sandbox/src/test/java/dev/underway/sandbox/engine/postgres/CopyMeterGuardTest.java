package dev.underway.sandbox.engine.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.underway.activities.support.guard.ForegroundProbe;
import dev.underway.activities.support.guard.LatencyGuard;
import dev.underway.guard.GuardSettings;
import dev.underway.guard.GuardState;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The base backup's copy on the latency guard, with an in-memory foreground whose latency the
 * test sets (deterministic): a slowed guard lowers the copy's byte rate beneath its ceiling, or,
 * without a ceiling, rests after each chunk; the copy still completes, and what it reports says
 * the rate and the guard's state.
 */
class CopyMeterGuardTest {

  private static final long MIB = 1024L * 1024;
  private static final GuardSettings GUARD =
      new GuardSettings(1.25, 2L, null, null, null, 200L, 5L);
  /** A baseline of 1 ms, as the guard took it before the copy. */
  private static final GuardState BASELINE = new GuardState(GuardState.FREE, 1.0, 1.0, 2.0,
      1.25, 1.0, 0L, null, "baseline p99 1.0 ms");

  private static final class Foreground implements ForegroundProbe {
    volatile long millis = 1;

    @Override
    public Duration sample() {
      return Duration.ofMillis(millis);
    }
  }

  private static Path data(Path root, int megabytes) throws Exception {
    Path data = Files.createDirectories(root.resolve("data/base/1")).getParent().getParent();
    Files.write(data.resolve("base/1/16384"), new byte[megabytes * 1024 * 1024]);
    return data;
  }

  private static LatencyGuard slowed(Foreground foreground) {
    LatencyGuard guard = LatencyGuard.open(GUARD, foreground, BASELINE);
    foreground.millis = 20; // the copy hurts: p99 20x the baseline
    await().atMost(Duration.ofSeconds(20)).until(() -> guard.adjust() < 1.0);
    return guard;
  }

  @Test
  void aFreeGuardLeavesTheCeilingASlowedOneLowersTheRateBeneathItAndTheCopyCompletes(
      @TempDir Path tmp) throws Exception {
    Foreground foreground = new Foreground();
    try (LatencyGuard free = LatencyGuard.open(GUARD, foreground, BASELINE)) {
      assertThat(new CopyMeter(64 * MIB, free, m -> { }).targetBytesPerSecond())
          .isEqualTo(64 * MIB);
    }
    Foreground hurt = new Foreground();
    List<String> reports = new CopyOnWriteArrayList<>();
    List<Long> targets = new CopyOnWriteArrayList<>();
    try (LatencyGuard guard = slowed(hurt)) {
      CopyMeter meter = new CopyMeter(64 * MIB, guard, m -> {
        reports.add(m.describe());
        targets.add(m.targetBytesPerSecond());
      });
      BaseBackup.copyDataDirectory(data(tmp, 2), tmp.resolve("copy"), meter);

      assertThat(meter.bytes()).isEqualTo(2 * MIB);
      assertThat(tmp.resolve("copy/base/1/16384")).hasSize(2 * MIB);
      assertThat(targets).as("duty x ceiling, beneath the ceiling").isNotEmpty()
          .allSatisfy(t -> assertThat(t).isLessThan(64 * MIB).isPositive());
      assertThat(reports).last().asString().contains("2 MiB copied at").contains("held to")
          .containsPattern("latency guard (slowed|floor)").contains("baseline p99 1.0 ms");
    }
  }

  @Test
  void withoutACeilingASlowedGuardRestsAfterEachChunk(@TempDir Path tmp) throws Exception {
    try (LatencyGuard free = LatencyGuard.open(GUARD, new Foreground(), BASELINE)) {
      CopyMeter meter = new CopyMeter(0, free, m -> { });
      BaseBackup.copyDataDirectory(data(tmp.resolve("a"), 1), tmp.resolve("a/copy"), meter);
      assertThat(meter.rested()).as("free: no rest").isZero();
      assertThat(meter.targetBytesPerSecond()).isNull();
    }
    try (LatencyGuard guard = slowed(new Foreground())) {
      CopyMeter meter = new CopyMeter(0, guard, m -> { });
      BaseBackup.copyDataDirectory(data(tmp.resolve("b"), 2), tmp.resolve("b/copy"), meter);
      assertThat(meter.bytes()).isEqualTo(2 * MIB);
      assertThat(meter.rested()).as("slowed: a rest after each chunk").isPositive();
      assertThat(meter.guardState().restMillis()).isNotNull();
    }
  }
}
