package dev.underway.worker;

/**
 * An expected failure with a message for the operator and an exit code: printed without a stack
 * trace (unless {@code --verbose}).
 */
public class CommandFailure extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final int exitCode;

  public CommandFailure(int exitCode, String message) {
    super(message);
    this.exitCode = exitCode;
  }

  public CommandFailure(int exitCode, String message, Throwable cause) {
    super(message, cause);
    this.exitCode = exitCode;
  }

  /** Bad input or usage: exit 2, before anything was sent to Temporal. */
  public static CommandFailure badInput(String message) {
    return new CommandFailure(ExitCodes.BAD_INPUT, message);
  }

  public static CommandFailure badInput(String message, Throwable cause) {
    return new CommandFailure(ExitCodes.BAD_INPUT, message, cause);
  }

  /** The operation failed or was refused: exit 1. */
  public static CommandFailure failed(String message) {
    return new CommandFailure(ExitCodes.FAILED, message);
  }

  public static CommandFailure failed(String message, Throwable cause) {
    return new CommandFailure(ExitCodes.FAILED, message, cause);
  }

  public int exitCode() {
    return exitCode;
  }
}
