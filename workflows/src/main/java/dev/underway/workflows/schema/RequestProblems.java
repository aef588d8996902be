package dev.underway.workflows.schema;

import dev.underway.kernel.RequestChecks;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The problems found so far in a schema change request, with the checks that add to them, and
 * whether the strict checks of the SQL's shape apply ({@link RequestValidation#problems}).
 */
final class RequestProblems {

  /** Where unknown fields point the operator. */
  static final String GUIDE = "runbooks/schema-change.md";

  private final List<String> list = new ArrayList<>();
  final boolean strict;

  RequestProblems(boolean strict) {
    this.strict = strict;
  }

  void add(String problem) {
    list.add(problem);
  }

  void addIfAny(String problem) {
    if (problem != null) {
      list.add(problem);
    }
  }

  List<String> list() {
    return list;
  }

  void unknown(String where, Map<String, Object> unknown, String... wholeNumberFields) {
    RequestChecks.unknown(where, unknown, list, GUIDE, wholeNumberFields);
  }

  void required(String field, String value, Pattern pattern, String what) {
    RequestChecks.required(field, value, pattern, what, list);
  }

  void optional(String field, String value, Pattern pattern, String what) {
    RequestChecks.optional(field, value, pattern, what, list);
  }

  /**
   * An expression is inserted into SQL Underway runs: one expression, no statement separator
   * and no comment (they could hide a second statement).
   */
  void expression(String where, String sql) {
    if (sql.isBlank()) {
      add(where + " is blank");
    } else if (sql.contains(";") || sql.contains("--") || sql.contains("/*")) {
      add(where + " holds ';', '--' or '/*': give one SQL expression, no statements or"
          + " comments");
    }
  }
}
