package dev.underway.workflows.schema;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The SQL a schema change request carries, checked for its shape before anything runs: a new
 * column's type is a type name and nothing else, the latency probe is one SELECT, the table is
 * not in a system schema and the database is not a template. Pure; the database judges the rest
 * at the observation (the type resolves, the probe runs in a read-only transaction).
 */
final class SqlInputChecks {
  private SqlInputChecks() {}

  private static final String NAME = dev.underway.targets.TargetPatterns.SQL_NAME.pattern();
  /** Type modifiers: {@code (12,2)}, {@code (3)}, a user type's {@code (point, 4326)}. */
  private static final String MODIFIERS =
      "\\(\\s*-?[a-z0-9_]+(\\s*,\\s*-?[a-z0-9_]+)*\\s*\\)";
  private static final String INTERVAL_FIELDS =
      "(year|month|day|hour|minute|second)(\\s+to\\s+(month|hour|minute|second))?";
  /** The SQL standard's type names of more than one word, with their modifiers. */
  private static final String MULTI_WORD = String.join("|",
      "double\\s+precision",
      "(character|char|national\\s+character|national\\s+char|nchar|bit)\\s+varying(\\s*"
          + MODIFIERS + ")?",
      "national\\s+(character|char)(\\s*" + MODIFIERS + ")?",
      "(time|timestamp)(\\s*" + MODIFIERS + ")?\\s+(with|without)\\s+time\\s+zone",
      "interval\\s+" + INTERVAL_FIELDS + "(\\s*" + MODIFIERS + ")?");
  /** One type name: optionally schema-qualified, with modifiers, then array brackets. */
  static final Pattern TYPE_NAME = Pattern.compile("(" + MULTI_WORD + "|(" + NAME + "\\.)?"
      + NAME + "(\\s*" + MODIFIERS + ")?)(\\s*\\[\\s*[0-9]*\\s*\\])*");

  /** Words that start a column clause (constraint, default, collation, ...), never a type's. */
  static final Set<String> CLAUSE_WORDS = Set.of("not", "null", "default", "unique", "primary",
      "key", "references", "check", "collate", "constraint", "generated", "always", "identity",
      "stored", "deferrable", "initially", "compression", "storage", "using", "as");

  private static final Pattern WORDS = Pattern.compile("[a-z_][a-z0-9_]*");
  private static final Pattern SELECT = Pattern.compile("(?is)\\s*select\\b.*");

  /** Why {@code type} is not one type name; null when it is. */
  static String typeProblem(String field, String type) {
    String t = type.strip();
    if (TYPE_NAME.matcher(t).matches()) {
      return null;
    }
    List<String> clauses = new ArrayList<>();
    var words = WORDS.matcher(t.toLowerCase(Locale.ROOT));
    boolean first = true;
    while (words.find()) {
      String w = words.group();
      if (!first && CLAUSE_WORDS.contains(w) && !clauses.contains(w)) {
        clauses.add(w);
      }
      first = false;
    }
    if (!clauses.isEmpty()) {
      return field + " '" + type + "' holds column clauses (" + String.join(", ", clauses)
          + "): give the type alone, e.g. bigint. Expand adds the column nullable, without a"
          + " default, a constraint or an index (each of them would lock or rewrite the table,"
          + " and a default would make old-shape writes look new); add those in a change of"
          + " their own";
    }
    return field + " '" + type + "' is not a type name: give one SQL type, e.g. bigint,"
        + " numeric(12,2), character varying(20), timestamp(3) with time zone, text[] or"
        + " app.money_amount";
  }

  /** Why the latency probe is not one SELECT; null when it is. */
  static String probeProblem(String sql) {
    if (SELECT.matcher(sql).matches()) {
      return null;
    }
    return "latencyProbe must be one SELECT (a read the application makes, e.g. SELECT * FROM"
        + " orders WHERE id = 42): it runs between batches, in a read-only transaction";
  }

  /** Why Underway does not change tables in {@code schema}; null when it may. */
  static String systemSchemaProblem(String schema) {
    if (schema.startsWith("pg_") || schema.equals("information_schema")) {
      return "change.schema '" + schema + "' is a system schema (pg_catalog, pg_toast,"
          + " information_schema, temporary schemas): PostgreSQL's own tables are not changed by"
          + " a runbook";
    }
    return null;
  }

  /** Why Underway does not change {@code database}; null when it may. */
  static String templateProblem(String database) {
    if (database.equals("template0") || database.equals("template1")) {
      return "target.database '" + database + "' is a template: every new database is copied"
          + " from it; name the application's database";
    }
    return null;
  }
}
