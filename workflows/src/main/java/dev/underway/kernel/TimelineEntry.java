package dev.underway.kernel;

/**
 * One step of a run, as the status query shows it.
 *
 * @param phase phase name, or {@code run} for run-level steps
 * @param step step name (see {@code Steps})
 * @param state started, done, skipped or failed
 * @param at workflow time (ISO-8601)
 * @param detail a sentence for the operator
 */
public record TimelineEntry(String phase, String step, String state, String at, String detail) {}
