package dev.underway.sandbox.load;

import java.time.Duration;
import java.util.Objects;

/**
 * How much load, and of which kind.
 *
 * @param opsPerSecond total target rate over all threads (open loop: operations are scheduled at
 *     this rate whatever the latency)
 * @param threads concurrency: worker threads, each with its own connection(s)
 * @param writePercent share of writes, 0..100 (the rest are point reads of recent keys)
 * @param updatePercentOfWrites share of the writes that update a recent row instead of inserting
 * @param endpointCheckInterval how often the endpoints are asked again
 * @param minBackoff first wait before reconnecting after a failed connection attempt
 * @param maxBackoff upper bound of the (doubling) reconnect wait
 */
public record LoadOptions(
    double opsPerSecond,
    int threads,
    int writePercent,
    int updatePercentOfWrites,
    Duration endpointCheckInterval,
    Duration minBackoff,
    Duration maxBackoff) {

  public LoadOptions {
    if (!(opsPerSecond > 0) || opsPerSecond > 100_000) {
      throw new IllegalArgumentException("opsPerSecond must be in (0, 100000]: " + opsPerSecond);
    }
    if (threads < 1 || threads > 256) {
      throw new IllegalArgumentException("threads must be in [1, 256]: " + threads);
    }
    if (writePercent < 0 || writePercent > 100) {
      throw new IllegalArgumentException("writePercent must be in [0, 100]: " + writePercent);
    }
    if (updatePercentOfWrites < 0 || updatePercentOfWrites > 100) {
      throw new IllegalArgumentException(
          "updatePercentOfWrites must be in [0, 100]: " + updatePercentOfWrites);
    }
    Objects.requireNonNull(endpointCheckInterval, "endpointCheckInterval");
    Objects.requireNonNull(minBackoff, "minBackoff");
    Objects.requireNonNull(maxBackoff, "maxBackoff");
    if (endpointCheckInterval.isNegative() || endpointCheckInterval.isZero()
        || minBackoff.isNegative() || minBackoff.isZero() || maxBackoff.compareTo(minBackoff) < 0) {
      throw new IllegalArgumentException("intervals must be positive and maxBackoff >= minBackoff");
    }
  }

  /** The given rate, concurrency and mix; 20% of writes are updates; check endpoints each second. */
  public static LoadOptions of(double opsPerSecond, int threads, int writePercent) {
    return new LoadOptions(opsPerSecond, threads, writePercent, 20,
        Duration.ofSeconds(1), Duration.ofMillis(100), Duration.ofSeconds(2));
  }

  public LoadOptions withEndpointCheckInterval(Duration interval) {
    return new LoadOptions(opsPerSecond, threads, writePercent, updatePercentOfWrites, interval,
        minBackoff, maxBackoff);
  }

  public LoadOptions withBackoff(Duration min, Duration max) {
    return new LoadOptions(opsPerSecond, threads, writePercent, updatePercentOfWrites,
        endpointCheckInterval, min, max);
  }
}
