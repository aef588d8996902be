package dev.underway.kernel;

/**
 * What the {@code decide} update's validator throws: one sentence that the UI's Send an Update
 * dialog and the CLI show as it is. It has no stack trace (nothing went wrong in the code: a
 * person is told why a decision is not taken), and it is not a Temporal failure, so the SDK
 * rejects the update without logging a workflow failure.
 */
public final class DecisionRefused extends IllegalArgumentException {
  private static final long serialVersionUID = 1L;

  public DecisionRefused(String sentence) {
    super(sentence);
  }

  @Override
  public synchronized Throwable fillInStackTrace() {
    return this; // no stack trace: the message is the whole story
  }
}
