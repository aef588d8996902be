package dev.underway.kernel;

/**
 * The one way a runbook's body stops before its end: thrown by the kernel from any step once an
 * abort is accepted, or by the body with its own {@link Ending} (a gate rejected or expired).
 * The template ({@link RunProtocol}) catches it and ends the run as it says; a body never
 * swallows it (a step that must tidy up first, e.g. wait for its cancelled activity to stop,
 * catches it and throws it again).
 */
public final class RunStopped extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final transient Ending ending;

  public RunStopped(Ending ending) {
    super(ending.state() + (ending.text() == null ? "" : ": " + ending.text()), null, false,
        false);
    this.ending = ending;
  }

  public Ending ending() {
    return ending;
  }
}
