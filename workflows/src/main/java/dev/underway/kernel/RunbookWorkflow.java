package dev.underway.kernel;

/** @deprecated the status query is {@link StatusQuery} */
@Deprecated(forRemoval = true)
public interface RunbookWorkflow extends StatusQuery {}
