package dev.underway.sandbox.load;

import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.stream.Stream;

/**
 * Two workloads in one load: {@code sharePercent} of the writes are {@code other}'s, the rest and
 * every read {@code main}'s. With the sandbox's 50% writes and a share of 20, one operation in
 * ten is {@code other}'s write. Failures of either count as the load's failed operations.
 */
public final class MixedWorkload implements Workload {

  private final Workload main;
  private final Workload other;
  private final int sharePercent;

  /** @param sharePercent of the writes that are {@code other}'s (0..100) */
  public MixedWorkload(Workload main, Workload other, int sharePercent) {
    if (sharePercent < 0 || sharePercent > 100) {
      throw new IllegalArgumentException("sharePercent must be in [0, 100]: " + sharePercent);
    }
    this.main = main;
    this.other = other;
    this.sharePercent = sharePercent;
  }

  @Override
  public String name() {
    return main.name() + " + " + sharePercent + "% of writes " + other.name();
  }

  @Override
  public List<String> schema() {
    return Stream.concat(main.schema().stream(), other.schema().stream()).toList();
  }

  @Override
  public Operation write(int thread, ThreadLocalRandom random) {
    return random.nextInt(100) < sharePercent ? other.write(thread, random)
        : main.write(thread, random);
  }

  @Override
  public Operation read(ThreadLocalRandom random) {
    return main.read(random);
  }
}
