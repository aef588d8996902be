package dev.underway.workflows.drift;

/**
 * What the {@code status} query of a {@code DriftCheck} returns.
 *
 * @param step {@code validating}, {@code observing}, {@code done} or {@code refused}
 * @param message what is happening or what was found, in one line
 * @param report the report once the check is done, else null
 */
public record DriftStatus(String step, String message, DriftReport report) {}
