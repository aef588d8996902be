package dev.underway.targets;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * A target's JSON object as Jackson read it, taken field by field: what no field took is left,
 * for validation to name. A field given as {@code null} is a field not given. Pure.
 */
final class JsonFields {
  private final Map<String, Object> left;

  JsonFields(Map<String, Object> json) {
    left = json == null ? new LinkedHashMap<>() : new LinkedHashMap<>(json);
    left.values().removeIf(Objects::isNull);
  }

  /** The field's value, taken. */
  Object take(String name) {
    return left.remove(name);
  }

  /** A text field, taken: a number or a boolean as Jackson would read it into a String. */
  String text(String name) {
    Object value = left.remove(name);
    if (value == null || value instanceof String) {
      return (String) value;
    }
    if (value instanceof Number || value instanceof Boolean) {
      return String.valueOf(value);
    }
    throw new IllegalArgumentException("target." + name + " must be text, not " + value);
  }

  /** What no field took. */
  Map<String, Object> left() {
    return left;
  }
}
