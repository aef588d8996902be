package dev.underway.worker;

/** Exit codes of the {@code underway} command. Scripts depend on them. */
public final class ExitCodes {
  private ExitCodes() {}

  public static final int OK = 0;
  /** The operation failed or was refused (a refused update, a failed run, a run already there). */
  public static final int FAILED = 1;
  /** Usage or input error; nothing was sent to Temporal. */
  public static final int BAD_INPUT = 2;
  /** Temporal could not be reached. */
  public static final int UNREACHABLE = 3;
}
