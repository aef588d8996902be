package dev.underway.workflows.schema;

import java.math.BigDecimal;
import java.util.Map;

/**
 * Reads a field that is a number with a fraction (a ratio such as {@code 1.25}) as the person
 * typed it: a JSON number, or text that is one ({@code "1.5"}, as Jackson has always accepted);
 * anything else (other text, a list, NaN) is kept, as given, among the input's rejected fields,
 * so that validation refuses it naming the field. Pure and deterministic.
 */
final class Numbers {
  private Numbers() {}

  /**
   * The value of field {@code name}, or null when it is absent or not a number; in the latter
   * case {@code rejected} gets {@code name -> raw}.
   */
  static Double take(String name, Object raw, Map<String, Object> rejected) {
    if (raw == null) {
      return null;
    }
    Double d = asDouble(raw);
    if (d == null) {
      rejected.put(name, raw);
    }
    return d;
  }

  private static Double asDouble(Object raw) {
    String text = raw instanceof Number n ? n.toString()
        : raw instanceof String s && s.strip().matches("[-+]?[0-9]+(\\.[0-9]+)?") ? s.strip()
        : null;
    if (text == null) {
      return null;
    }
    try {
      double d = new BigDecimal(text).doubleValue();
      return Double.isFinite(d) ? d : null;
    } catch (NumberFormatException e) {
      return null; // NaN or infinity
    }
  }
}
