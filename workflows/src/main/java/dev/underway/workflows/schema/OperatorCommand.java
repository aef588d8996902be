package dev.underway.workflows.schema;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * The payload of the runbook's own updates ({@code throttle}, {@code unthrottle}, {@code
 * set-batch}, {@code revert}), as typed into the UI's Send an Update dialog.
 *
 * @param by who asks (kept in the timeline)
 * @param reason why (shown as the throttle reason, kept in the timeline)
 * @param batchSize {@code set-batch} only: the batch size to pin, 1 to 50,000; 0 makes the
 *     backfill adaptive again
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record OperatorCommand(String by, String reason, Integer batchSize) {

  public OperatorCommand(String by, String reason) {
    this(by, reason, null);
  }
}
