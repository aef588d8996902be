package dev.underway.kernel;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Locale;

/** What a human can say at a gate. Written in lower case in JSON: {@code "approve"}. */
public enum DecisionKind {
  APPROVE,
  REJECT,
  ABORT;

  @JsonValue
  public String json() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** Lenient parse (any case); returns null for an unknown word so callers can refuse it. */
  @JsonCreator
  public static DecisionKind parse(String value) {
    if (value == null) {
      return null;
    }
    for (DecisionKind k : values()) {
      if (k.name().equalsIgnoreCase(value.trim())) {
        return k;
      }
    }
    return null;
  }
}
