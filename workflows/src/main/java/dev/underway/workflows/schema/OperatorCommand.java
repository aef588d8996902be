package dev.underway.workflows.schema;

import com.fasterxml.jackson.annotation.JsonAnySetter;
import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import dev.underway.kernel.DecideCommands;
import dev.underway.kernel.DecisionRefused;
import dev.underway.kernel.JsonFields;
import dev.underway.kernel.WholeNumbers;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The payload of the runbook's own updates ({@code throttle}, {@code unthrottle}, {@code
 * set-batch}, {@code set-ratio}, {@code revert}, {@code override}), as typed into the UI's Send an Update dialog.
 * Every field is read as any JSON value and checked by the validators: a wrong type, a fraction
 * or an unknown key is refused in one sentence naming the field.
 *
 * @param by who asks (kept in the timeline)
 * @param reason why (shown as the throttle reason, kept in the timeline)
 * @param batchSize {@code set-batch} only: the batch size to pin, 1 to 50,000; 0 makes the
 *     backfill adaptive again
 * @param confirm {@code override} only: what the hold says to type, exactly
 * @param ratio {@code set-ratio} only: the latency guard's ratio from now on, above 1.0 and at
 *     most {@value RequestValidation#MAX_LATENCY_RATIO}
 * @param rejected unknown keys and fields of the wrong type (a {@code batchSize} that is not a
 *     whole number, a {@code ratio} that is not a number), as given, never truncated
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record OperatorCommand(String by, String reason, Integer batchSize, String confirm,
    Double ratio, @JsonAnySetter @JsonIgnore Map<String, Object> rejected) {

  /** The fields of the payload, in the order the refusals name them. */
  public static final List<String> FIELDS = List.of("by", "reason", "batchSize", "confirm",
      "ratio");

  public OperatorCommand {
    rejected = rejected == null ? Map.of()
        : Collections.unmodifiableMap(new LinkedHashMap<>(rejected)); // null values kept
  }

  public OperatorCommand(String by, String reason) {
    this(by, reason, null, null, null, null);
  }

  public OperatorCommand(String by, String reason, Integer batchSize) {
    this(by, reason, batchSize, null, null, null);
  }

  public OperatorCommand(String by, String reason, Integer batchSize, String confirm) {
    this(by, reason, batchSize, confirm, null, null);
  }

  public OperatorCommand(String by, String reason, Integer batchSize, String confirm,
      Map<String, Object> rejected) {
    this(by, reason, batchSize, confirm, null, rejected);
  }

  /** A {@code set-ratio}. */
  public static OperatorCommand ofRatio(String by, String reason, double ratio) {
    return new OperatorCommand(by, reason, null, null, ratio, null);
  }

  /** How JSON becomes a command: every field any JSON value, checked, never thrown. */
  @JsonCreator
  static OperatorCommand fromJson(@JsonProperty("by") Object by,
      @JsonProperty("reason") Object reason, @JsonProperty("batchSize") Object batchSize,
      @JsonProperty("confirm") Object confirm, @JsonProperty("ratio") Object ratio,
      @JsonAnySetter Map<String, Object> unknown) {
    Map<String, Object> rejected = WholeNumbers.copy(unknown);
    return new OperatorCommand(JsonFields.text("by", by, rejected),
        JsonFields.text("reason", reason, rejected),
        WholeNumbers.take("batchSize", batchSize, rejected),
        JsonFields.text("confirm", confirm, rejected), Numbers.take("ratio", ratio, rejected),
        rejected);
  }

  /**
   * A validator's first check: every field as typed (types, unknown keys) and no placeholder
   * left from a printed command.
   */
  static void wellFormed(OperatorCommand c) {
    if (c == null) {
      return;
    }
    String why = JsonFields.refusal(c.rejected(), FIELDS, f -> f.equals("batchSize")
        ? "a whole number from 0 (adaptive again) to " + RequestValidation.MAX_BATCH_SIZE
        : f.equals("ratio") ? "a number above 1.0 and at most "
            + GuardTexts.ratio(RequestValidation.MAX_LATENCY_RATIO) + ", e.g. 1.5"
        : JsonFields.TEXT);
    if (why == null) {
      why = DecideCommands.placeholderRefusal(c.by(), "reason", c.reason());
    }
    if (why != null) {
      throw new DecisionRefused(why);
    }
  }

  /** A validator's first check: the fields are well formed and the command says who asks. */
  static void who(OperatorCommand c) {
    wellFormed(c);
    if (c == null || c.by() == null || c.by().isBlank()) {
      throw new DecisionRefused("say who asks: {\"by\": \"" + DecideCommands.NAME_PLACEHOLDER
          + "\", \"reason\": \"" + DecideCommands.COMMENT_PLACEHOLDER + "\"}");
    }
  }
}
