package dev.underway.kernel;

import com.fasterxml.jackson.annotation.JsonAnySetter;
import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;
import java.util.Map;

/**
 * Argument of the {@code decide} update: like {@link DecisionSignal} plus the decision, and
 * validated before it is accepted, so the caller hears at once when it is refused.
 *
 * @param gate the gate this decision is for (required)
 * @param decision {@code approve}, {@code reject} or {@code abort}
 * @param by who decides (required)
 * @param comment why
 * @param plan the digest of the plan decided (see {@link DecisionSignal#plan()})
 * @param issuedAt when the decision was made (see {@link DecisionSignal#issuedAt()})
 * @param confirm at a destructive gate, the name of what it drops, typed exactly (see {@link
 *     DecisionSignal#confirm()})
 * @param rejected unknown keys and fields that are not text, as given (see {@link
 *     DecisionSignal#rejected()})
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record DecisionRequest(String gate, String decision, String by, String comment,
    String plan, String issuedAt, String confirm,
    @JsonAnySetter @JsonIgnore Map<String, Object> rejected) {

  /** The fields of the input, in the order the refusals name them. */
  public static final List<String> FIELDS =
      List.of("gate", "decision", "by", "comment", "plan", "issuedAt", "confirm");

  public DecisionRequest {
    rejected = rejected == null ? Map.of() : java.util.Collections.unmodifiableMap(
        new java.util.LinkedHashMap<>(rejected)); // null values kept: Map.copyOf would throw
  }

  public DecisionRequest(String gate, String decision, String by, String comment, String plan,
      String issuedAt, String confirm) {
    this(gate, decision, by, comment, plan, issuedAt, confirm, null);
  }

  public DecisionRequest(String gate, String decision, String by, String comment) {
    this(gate, decision, by, comment, null, null, null);
  }

  public DecisionRequest(String gate, String decision, String by, String comment, String plan,
      String issuedAt) {
    this(gate, decision, by, comment, plan, issuedAt, null);
  }

  /** The same decision as a signal's payload. */
  public DecisionSignal asSignal() {
    return new DecisionSignal(gate, by, comment, plan, issuedAt, confirm, rejected);
  }

  /** How JSON becomes a request: every field any JSON value, checked, never thrown. */
  @JsonCreator
  static DecisionRequest fromJson(@JsonProperty("gate") Object gate,
      @JsonProperty("decision") Object decision, @JsonProperty("by") Object by,
      @JsonProperty("comment") Object comment, @JsonProperty("plan") Object plan,
      @JsonProperty("issuedAt") Object issuedAt, @JsonProperty("confirm") Object confirm,
      @JsonAnySetter Map<String, Object> unknown) {
    Map<String, Object> rejected = WholeNumbers.copy(unknown);
    return new DecisionRequest(JsonFields.text("gate", gate, rejected),
        JsonFields.text("decision", decision, rejected), JsonFields.text("by", by, rejected),
        JsonFields.text("comment", comment, rejected), JsonFields.text("plan", plan, rejected),
        JsonFields.text("issuedAt", issuedAt, rejected),
        JsonFields.text("confirm", confirm, rejected), rejected);
  }

  /** Why the input cannot be read as typed (a wrong type, an unknown key), or null. */
  public String fieldRefusal() {
    return JsonFields.refusal(rejected, FIELDS, f -> JsonFields.TEXT);
  }
}
