package dev.underway.workflows.schema;

/**
 * How a schema change's body stops before its end (an abort, a gate not approved): one
 * mechanism instead of a return after every step, caught once where the body is called. It
 * carries the run's result: a run that did not complete ends through {@code Run.end}, which
 * throws its ending failure first in every run since the VIEW sequence; older sequences returned
 * the result.
 */
final class BodyStopped extends RuntimeException {
  private static final long serialVersionUID = 1L;
  private final transient SchemaChangeResult result;

  BodyStopped(SchemaChangeResult result) {
    super(null, null, false, false);
    this.result = result;
  }

  SchemaChangeResult result() {
    return result;
  }
}
