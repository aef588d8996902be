package dev.underway.sandbox.engine.postgres;

import dev.underway.model.TargetRef;
import io.temporal.activity.ActivityOptions;
import io.temporal.common.RetryOptions;
import java.time.Duration;

/** What the tests of the sandbox's PostgreSQL engine run their activities with. */
final class LocalTargets {
  private LocalTargets() {}

  static final TargetRef TARGET =
      TargetRef.of("local", "sandbox", "sandbox-writer", LocalPostgresCluster.DEFAULT_DATABASE);
  static final Duration POLL = Duration.ofMillis(100);
  /** One attempt: a failure shows at once instead of being retried. */
  static final ActivityOptions OPTIONS = ActivityOptions.newBuilder()
      .setStartToCloseTimeout(Duration.ofMinutes(2))
      .setRetryOptions(RetryOptions.newBuilder().setMaximumAttempts(1).build())
      .build();
}
