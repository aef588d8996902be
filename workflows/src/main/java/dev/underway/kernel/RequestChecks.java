package dev.underway.kernel;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * The checks every runbook's request validation makes of its fields, in the same words: unknown
 * fields (a typo), whole numbers that were not, a required or optional name that does not match
 * its pattern. Pure; each adds its problems to the list given.
 */
public final class RequestChecks {
  private RequestChecks() {}

  /**
   * Unknown fields of {@code where} (pointing at {@code guide} for the fields there are), and
   * the {@code wholeNumberFields} JSON gave something else for.
   */
  public static void unknown(String where, Map<String, Object> unknown, List<String> problems,
      String guide, String... wholeNumberFields) {
    Set<String> names = new TreeSet<>(unknown.keySet());
    for (String field : wholeNumberFields) {
      if (names.remove(field)) {
        Object value = unknown.get(field);
        problems.add(where + "." + field + " is "
            + (value instanceof String text ? "\"" + text + "\"" : String.valueOf(value))
            + ": it must be a whole number (it is never rounded)");
      }
    }
    if (!names.isEmpty()) {
      problems.add(where + " has unknown field(s) " + names
          + ": check the spelling (see " + guide + " for the fields)");
    }
  }

  /** {@code field} must be given and match {@code pattern} ({@code what} names it). */
  public static void required(String field, String value, Pattern pattern, String what,
      List<String> problems) {
    if (value == null || value.isBlank()) {
      problems.add(field + " is missing: it must name " + what);
    } else {
      optional(field, value, pattern, what, problems);
    }
  }

  /** {@code field}, when given, must match {@code pattern}. */
  public static void optional(String field, String value, Pattern pattern, String what,
      List<String> problems) {
    if (value != null && !pattern.matcher(value).matches()) {
      problems.add(field + " '" + value + "' is not " + what);
    }
  }
}
