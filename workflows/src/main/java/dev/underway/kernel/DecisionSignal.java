package dev.underway.kernel;

import com.fasterxml.jackson.annotation.JsonAnySetter;
import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;
import java.util.Map;

/**
 * Payload of the {@code approve}, {@code reject} and {@code abort} signals, as typed into the UI's
 * signal dialog: {@code {"gate": "phase-1", "by": "alice", "comment": "dashboards green"}}.
 *
 * @param gate the gate this decision is for; absent means the gate open now. Naming it protects
 *     against approving a gate you have not read.
 * @param by who decides
 * @param comment why
 * @param plan the digest of the plan the decision is for (the gate shows it); when given, a
 *     decision for a plan that has changed since is refused
 * @param issuedAt when the decision was made (ISO-8601 instant, e.g. {@code
 *     2026-11-29T10:15:30Z}); when given, a decision that reaches the run after the policy's
 *     {@code decisionValidity}, or that was made before its gate opened, is refused. The
 *     {@code underway} commands always set it
 * @param confirm at a destructive gate, the name of what it drops, typed exactly: an approval
 *     without it is refused (see {@link GateView#confirm()}); ignored elsewhere
 * @param rejected what the JSON gave that this record could not take, as given: unknown keys,
 *     and fields that are not text; a decision with any is refused naming the first (see {@link
 *     JsonFields})
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record DecisionSignal(String gate, String by, String comment, String plan,
    String issuedAt, String confirm, @JsonAnySetter @JsonIgnore Map<String, Object> rejected) {

  /** The fields of the payload, in the order the refusals name them. */
  public static final List<String> FIELDS =
      List.of("gate", "by", "comment", "plan", "issuedAt", "confirm");

  public DecisionSignal {
    rejected = rejected == null ? Map.of() : java.util.Collections.unmodifiableMap(
        new java.util.LinkedHashMap<>(rejected)); // null values kept: Map.copyOf would throw
  }

  public DecisionSignal(
      String gate, String by, String comment, String plan, String issuedAt, String confirm) {
    this(gate, by, comment, plan, issuedAt, confirm, null);
  }

  public DecisionSignal(String gate, String by, String comment) {
    this(gate, by, comment, null, null, null);
  }

  public DecisionSignal(String gate, String by, String comment, String plan, String issuedAt) {
    this(gate, by, comment, plan, issuedAt, null);
  }

  /** How JSON becomes a signal's payload: every field any JSON value, checked, never thrown. */
  @JsonCreator
  static DecisionSignal fromJson(@JsonProperty("gate") Object gate,
      @JsonProperty("by") Object by, @JsonProperty("comment") Object comment,
      @JsonProperty("plan") Object plan, @JsonProperty("issuedAt") Object issuedAt,
      @JsonProperty("confirm") Object confirm, @JsonAnySetter Map<String, Object> unknown) {
    Map<String, Object> rejected = WholeNumbers.copy(unknown);
    return new DecisionSignal(JsonFields.text("gate", gate, rejected),
        JsonFields.text("by", by, rejected), JsonFields.text("comment", comment, rejected),
        JsonFields.text("plan", plan, rejected), JsonFields.text("issuedAt", issuedAt, rejected),
        JsonFields.text("confirm", confirm, rejected), rejected);
  }

  /** Why the payload cannot be read as typed (a wrong type, an unknown key), or null. */
  public String fieldRefusal() {
    return JsonFields.refusal(rejected, FIELDS, f -> JsonFields.TEXT);
  }
}
