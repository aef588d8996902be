package dev.underway.kernel;

/**
 * An undo a step registered: a step that opens something (a read-only window, a paused pooler)
 * registers how to close it before it opens it, and the run closes it when it is rejected,
 * aborted or fails after that step (samples-java's {@code Saga.addCompensation}).
 *
 * @param name what the undo does, shown in the timeline ({@code resume the pooler})
 * @param undo the activity calls that undo it; idempotent, as every activity is
 */
public record Compensation(String name, Runnable undo) {}
