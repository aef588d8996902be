package dev.underway.workflows.schema;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.underway.kernel.DecisionRefused;

/**
 * The payload of the runbook's own updates ({@code throttle}, {@code unthrottle}, {@code
 * set-batch}, {@code revert}, {@code override}), as typed into the UI's Send an Update dialog.
 *
 * @param by who asks (kept in the timeline)
 * @param reason why (shown as the throttle reason, kept in the timeline)
 * @param batchSize {@code set-batch} only: the batch size to pin, 1 to 50,000; 0 makes the
 *     backfill adaptive again
 * @param confirm {@code override} only: what the hold says to type, exactly
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record OperatorCommand(String by, String reason, Integer batchSize, String confirm) {

  public OperatorCommand(String by, String reason) {
    this(by, reason, null, null);
  }

  public OperatorCommand(String by, String reason, Integer batchSize) {
    this(by, reason, batchSize, null);
  }

  /** A validator's first check: the command says who asks. */
  static void who(OperatorCommand c) {
    if (c == null || c.by() == null || c.by().isBlank()) {
      throw new DecisionRefused("say who asks: {\"by\": \"YOUR-NAME\", \"reason\": \"why\"}");
    }
  }
}
