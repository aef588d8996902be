package dev.underway.example.reindex;

import dev.underway.kernel.ChangeResult;
import dev.underway.targets.PostgresTarget;
import io.temporal.activity.ActivityInterface;
import io.temporal.activity.ActivityMethod;

/** What a {@code ReindexIndex} run does to the database: every method idempotent. */
@ActivityInterface
public interface ReindexActivities {

  /** An index as the catalogue shows it: {@code valid} is {@code pg_index.indisvalid}. */
  record IndexState(boolean exists, long bytes, boolean valid) {}

  /** The index as it is: read-only. */
  @ActivityMethod(name = "Reindex.Observe")
  IndexState observe(PostgresTarget target, String index);

  /**
   * {@code REINDEX INDEX CONCURRENTLY}, heartbeating while it runs. Idempotent: an attempt
   * first drops the invalid copy ({@code <index>_ccnew}) an interrupted one left.
   */
  @ActivityMethod(name = "Reindex.Rebuild")
  ChangeResult rebuild(PostgresTarget target, String index);
}
