package dev.underway.kernel;

import java.math.BigDecimal;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Reads whole-number fields of a request without ever truncating. Jackson coerces {@code 2.5}
 * to {@code 2} for an {@code Integer} field; a request record's JSON factory takes such a field
 * as {@code Object} instead and passes it here: a whole number comes back as an {@link Integer},
 * anything else (a fraction, text, a number out of range) is kept, as given, among the record's
 * rejected fields, so that request validation refuses it naming the field. Pure and
 * deterministic: workflow code decodes requests with it.
 */
public final class WholeNumbers {
  private WholeNumbers() {}

  /**
   * The value of field {@code name} as an {@code Integer}, or null when it is absent or not a
   * whole number; in the latter case {@code rejected} gets {@code name -> raw}.
   */
  public static Integer take(String name, Object raw, Map<String, Object> rejected) {
    if (raw == null) {
      return null;
    }
    Integer whole = asInt(raw);
    if (whole == null) {
      rejected.put(name, raw);
    }
    return whole;
  }

  /** A mutable copy of what the any-setter collected, to add rejected fields to. */
  public static Map<String, Object> copy(Map<String, Object> unknown) {
    return unknown == null ? new LinkedHashMap<>() : new LinkedHashMap<>(unknown);
  }

  private static Integer asInt(Object raw) {
    BigDecimal n;
    if (raw instanceof Number number) {
      try {
        n = new BigDecimal(number.toString());
      } catch (NumberFormatException e) {
        return null; // NaN or infinity
      }
    } else if (raw instanceof String text && text.strip().matches("[-+]?[0-9]+")) {
      n = new BigDecimal(text.strip()); // "2", as Jackson has always accepted it
    } else {
      return null;
    }
    try {
      return n.intValueExact();
    } catch (ArithmeticException e) {
      return null; // a fraction (2.5), or beyond int's range
    }
  }
}
