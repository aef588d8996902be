/**
 * What a step that moves data is told about the latency guard ({@link GuardSettings}) and what
 * it tells about it ({@link GuardState}): records shared by every runbook whose steps move data
 * (the schema change's backfill and verify, the evolution's copies and snapshot rate, later the
 * tenant copies and the server move's initial copy). The guard itself runs in the activities
 * ({@code dev.underway.activities.support.guard.LatencyGuard}). Imports nothing of the kernel or
 * of a runbook.
 */
package dev.underway.guard;
