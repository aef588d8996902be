package dev.underway.workflows.schema;

import static dev.underway.targets.TargetPatterns.SQL_NAME;

import dev.underway.workflows.schema.contract.BackfillSettings;
import dev.underway.workflows.schema.contract.ChangeKind;
import dev.underway.workflows.schema.contract.NewColumn;
import dev.underway.workflows.schema.contract.OldColumn;
import dev.underway.workflows.schema.contract.TableChange;
import dev.underway.kernel.ApprovalRules;
import dev.underway.kernel.RequestChecks;
import dev.underway.targets.PostgresTarget;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Checks a schema change request before anything runs. Pure: the workflow calls it first, the
 * CLI before starting a run. Every problem is reported at once. What only the database can
 * judge (the table, its key, whether the expressions type-check) is the planner's, from the
 * observation.
 */
public final class RequestValidation {
  private RequestValidation() {}

  /** Where unknown fields point the operator. */
  private static final String GUIDE = "runbooks/schema-change.md";
  /**
   * The type pattern of runs started before {@link #problems(SchemaChangeRequest, boolean)}'s
   * strict checks (it let column clauses through): kept so that their histories replay.
   */
  static final Pattern LEGACY_SQL_TYPE =
      Pattern.compile("[a-z][a-z0-9_ ]*(\\([0-9, ]+\\))?(\\[\\])?");
  private static final Pattern ANY = Pattern.compile("(?s).*");

  /** The largest batch a request may ask for (the backfill adapts up to this too). */
  public static final int MAX_BATCH_SIZE = BackfillSettings.DEFAULT_MAX_BATCH_SIZE;
  /** The longest soak. */
  public static final Duration MAX_SOAK = Duration.ofDays(7);
  /** The quiet period's bounds: longer than the read contract's 5 s, at most a day. */
  public static final Duration MIN_QUIET_PERIOD = Duration.ofSeconds(10);
  public static final Duration MAX_QUIET_PERIOD = Duration.ofDays(1);

  /** Every problem with the request; empty when it is fine. */
  public static List<String> problems(SchemaChangeRequest r) {
    return problems(r, true);
  }

  /**
   * Every problem with the request.
   *
   * @param strict with the checks of the SQL's shape (a type is a type name and nothing else, the
   *     latency probe is one SELECT, no system schema, no template database); false only for runs
   *     recorded before them, which replay as they ran
   */
  public static List<String> problems(SchemaChangeRequest r, boolean strict) {
    Problems p = new Problems(strict);
    if (r == null) {
      p.add("the request is empty: give at least a target and a change");
      return p.list();
    }
    p.unknown("request", r.unknownFields(), "batchSize");
    target(r.target(), p);
    change(r.change(), p);
    if (r.batchSize() != null && (r.batchSize() < 1 || r.batchSize() > MAX_BATCH_SIZE)) {
      p.add("batchSize " + r.batchSize() + " is not between 1 and " + MAX_BATCH_SIZE);
    }
    positive("targetBatchTime", r.targetBatchTime(), Duration.ofMinutes(1), p);
    positive("maxReplicaLag", r.maxReplicaLag(), Duration.ofHours(1), p);
    positive("latencyBudget", r.latencyBudget(), Duration.ofMinutes(1), p);
    positive("soak", r.soak(), MAX_SOAK, p);
    positive("quietPeriod", r.quietPeriod(), MAX_QUIET_PERIOD, p);
    if (r.quietPeriod() != null && p.list().stream().noneMatch(x -> x.startsWith("quietPeriod"))
        && Duration.parse(r.quietPeriod()).compareTo(MIN_QUIET_PERIOD) < 0) {
      p.add("quietPeriod " + r.quietPeriod() + " is shorter than " + MIN_QUIET_PERIOD
          + ": applications may use a flag's previous value for up to 5 s (the read contract),"
          + " and the wait must be longer than that");
    }
    if (r.latencyProbe() != null) {
      expression("latencyProbe", r.latencyProbe(), p);
      if (p.strict && !r.latencyProbe().isBlank()) {
        p.addIfAny(SqlInputChecks.probeProblem(r.latencyProbe()));
      }
      if (r.latencyBudget() == null) {
        p.add("latencyProbe is given without latencyBudget: say how long the probe may take");
      }
    }
    if (r.approval() != null) {
      p.unknown("approval", r.approval().unknownFields(), "requiredApprovals");
      ApprovalRules.check(r.approval(), r.requestedBy(), 1, p.list());
    }
    if (r.requestedBy() != null && r.requestedBy().isBlank()) {
      p.add("requestedBy is blank: name who asks for this run, or leave it out");
    }
    return p.list();
  }

  /** The gate expiry, or null when gates wait indefinitely. Call after {@link #problems}. */
  public static Duration gateExpiry(SchemaChangeRequest r) {
    return ApprovalRules.gateExpiry(r.approvalOrDefault());
  }

  private static void target(PostgresTarget t, Problems p) {
    PostgresTarget.check(t, "target", GUIDE, p.list());
    if (p.strict && t != null && t.database() != null) {
      p.addIfAny(SqlInputChecks.templateProblem(t.database()));
    }
  }

  private static void change(TableChange c, Problems p) {
    if (c == null) {
      p.add("change is missing: name the table, the kind of change and its columns");
      return;
    }
    p.unknown("change", c.unknownFields());
    p.optional("change.schema", c.schema(), SQL_NAME, "a SQL schema name");
    if (p.strict && c.schema() != null) {
      p.addIfAny(SqlInputChecks.systemSchemaProblem(c.schema()));
    }
    p.required("change.table", c.table(), SQL_NAME, "a SQL table name");
    p.optional("change.uniqueKey", c.uniqueKey(), SQL_NAME,
        "a unique index or constraint name (leave it out for the primary key)");
    if (c.table() != null && c.table().startsWith("underway_")) {
      p.add("change.table '" + c.table() + "' is one of Underway's own tables");
    }
    if (c.kind() == null) {
      p.add("change.kind is missing: one of " + Arrays.toString(ChangeKind.values()));
      return;
    }
    List<NewColumn> add = c.addOrEmpty();
    List<OldColumn> replace = c.replaceOrEmpty();
    Set<String> names = new HashSet<>();
    if (add.isEmpty()) {
      p.add("change.add is empty: name the new column(s), each with name, type and up");
    }
    for (int i = 0; i < add.size(); i++) {
      NewColumn n = add.get(i);
      String where = "change.add[" + i + "]";
      if (n == null) {
        p.add(where + " is empty");
        continue;
      }
      p.required(where + ".name", n.name(), SQL_NAME, "a SQL column name");
      p.required(where + ".type", n.type(), p.strict ? ANY : LEGACY_SQL_TYPE,
          "a SQL type, e.g. bigint or text");
      if (p.strict && n.type() != null && !n.type().isBlank()) {
        p.addIfAny(SqlInputChecks.typeProblem(where + ".type", n.type()));
      }
      if (n.up() == null || n.up().isBlank()) {
        p.add(where + ".up is missing: the SQL expression over the old columns giving its value");
      } else {
        expression(where + ".up", n.up(), p);
      }
      if (n.name() != null && !names.add(n.name())) {
        p.add(where + ".name '" + n.name() + "' is named twice");
      }
    }
    for (int i = 0; i < replace.size(); i++) {
      OldColumn o = replace.get(i);
      String where = "change.replace[" + i + "]";
      if (o == null) {
        p.add(where + " is empty");
        continue;
      }
      p.required(where + ".name", o.name(), SQL_NAME, "a SQL column name");
      if (o.down() != null) {
        expression(where + ".down", o.down(), p);
      }
      if (o.name() != null && !names.add(o.name())) {
        p.add(where + ".name '" + o.name() + "' is also a new column or named twice");
      }
    }
    switch (c.kind()) {
      case ADD_COLUMN -> {
        if (add.size() != 1) {
          p.add("change.kind ADD_COLUMN adds one column; change.add has " + add.size());
        }
        if (!replace.isEmpty()) {
          p.add("change.kind ADD_COLUMN replaces nothing: leave change.replace out");
        }
      }
      case CHANGE_TYPE, RENAME_COLUMN -> {
        if (add.size() != 1 || replace.size() != 1) {
          p.add("change.kind " + c.kind() + " adds one column and replaces one; change.add has "
              + add.size() + ", change.replace " + replace.size());
        }
      }
      case SPLIT_COLUMN -> {
        if (add.size() < 2 || replace.size() != 1) {
          p.add("change.kind SPLIT_COLUMN adds two or more columns and replaces one;"
              + " change.add has " + add.size() + ", change.replace " + replace.size());
        }
      }
    }
    if (c.versionColumn() != null || c.version() != null) {
      p.required("change.versionColumn", c.versionColumn(), SQL_NAME, "a SQL column name");
      if (c.version() == null || c.version() < 1) {
        p.add("change.version must be a whole number from 1 with change.versionColumn (it is "
            + c.version() + ")");
      }
      if (c.versionColumn() != null && names.contains(c.versionColumn())) {
        p.add("change.versionColumn '" + c.versionColumn() + "' is also a changed column");
      }
    }
  }

  /**
   * An expression is inserted into SQL Underway runs: one expression, no statement separator
   * and no comment (they could hide a second statement).
   */
  private static void expression(String where, String sql, Problems p) {
    if (sql.isBlank()) {
      p.add(where + " is blank");
    } else if (sql.contains(";") || sql.contains("--") || sql.contains("/*")) {
      p.add(where + " holds ';', '--' or '/*': give one SQL expression, no statements or"
          + " comments");
    }
  }

  private static void positive(String field, String value, Duration max, Problems p) {
    if (value == null) {
      return;
    }
    try {
      Duration d = Duration.parse(value);
      if (d.isZero() || d.isNegative() || d.compareTo(max) > 0) {
        p.add(field + " " + value + " must be more than zero and at most " + max);
      }
    } catch (DateTimeParseException e) {
      p.add(field + " '" + value + "' is not an ISO-8601 duration, e.g. PT0.5S or PT10M");
    }
  }

  /** The problems found so far, with the checks that add to them. */
  private static final class Problems {
    private final List<String> list = new java.util.ArrayList<>();
    private final boolean strict;

    Problems(boolean strict) {
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
  }
}
