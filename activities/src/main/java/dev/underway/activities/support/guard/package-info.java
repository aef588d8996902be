/**
 * The latency guard: one controller, used by every activity that moves data, that holds the
 * foreground's latency within a ratio of its own baseline by setting the step's duty cycle.
 * See {@link dev.underway.activities.support.guard.LatencyGuard}.
 */
package dev.underway.activities.support.guard;
