package dev.underway.activities.sql.schema;

import dev.underway.workflows.schema.contract.NewColumn;
import dev.underway.workflows.schema.contract.OldColumn;
import dev.underway.activities.sql.SqlQuoting;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Savepoint;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/**
 * Tries a change on a temporary, empty copy of the table's columns holding a few of its rows, in
 * a transaction that is rolled back (the table itself is only read): each column is added as
 * expand would add it (a type that does not exist, or that would make the real {@code ALTER
 * TABLE} rewrite the table, shows here: the copy gets a new file), each {@code up} fills its
 * column on the rows, then each {@code down} fills its old column from those computed new
 * columns. Every failure is collected, none stops the others.
 */
final class ExpressionProbe {
  private ExpressionProbe() {}

  /** Rows of the table the expressions are tried on. */
  static final int SAMPLE_ROWS = 5;

  /** What the probe found. */
  record Findings(List<String> expressionProblems, List<String> unsafe) {}

  static Findings run(Connection c, ChangeSpec spec, TableCatalogue cat) throws SQLException {
    List<String> problems = new ArrayList<>();
    List<String> unsafe = new ArrayList<>();
    for (NewColumn col : spec.add()) {
      if (col.up() != null && col.up().contains(SyncTriggers.DELIMITER)) {
        problems.add("up of " + col.name() + " contains " + SyncTriggers.DELIMITER);
      }
    }
    for (OldColumn col : spec.downColumns()) {
      if (col.down().contains(SyncTriggers.DELIMITER)) {
        problems.add("down of " + col.name() + " contains " + SyncTriggers.DELIMITER);
      }
    }
    boolean autoCommit = c.getAutoCommit();
    c.setAutoCommit(false);
    try (Statement s = c.createStatement()) {
      s.execute(PostgresSchemaDialect.probeTable(spec.table()));
      long file = filenode(s);
      List<String> added = new ArrayList<>();
      for (String name : spec.addedColumns()) {
        if (cat.column(name).isPresent()) {
          continue;
        }
        String type = PostgresSchemaDialect.typeOf(spec, name);
        String unresolved = typeProblem(c, name, type);
        if (unresolved != null) {
          problems.add(unresolved);
          continue;
        }
        if (attempt(c, s, "ALTER TABLE underway_probe ADD COLUMN "
            + SqlQuoting.identifier(name) + " " + type, "type of " + name, problems)) {
          added.add(name);
          if (filenode(s) != file) {
            unsafe.add("adding " + name + " " + type + " would rewrite the table (a type whose"
                + " constraints must be checked on every row)");
            file = filenode(s);
          }
        }
      }
      String columns = cat.columns().stream().map(col -> SqlQuoting.identifier(col.name()))
          .collect(Collectors.joining(", "));
      s.execute("INSERT INTO underway_probe (" + columns + ") SELECT " + columns + " FROM "
          + spec.table().qualified() + " LIMIT " + SAMPLE_ROWS);
      for (NewColumn col : spec.add()) {
        if (cat.column(col.name()).isPresent() || added.contains(col.name())) {
          attempt(c, s, "UPDATE underway_probe SET " + SqlQuoting.identifier(col.name())
              + " = (" + col.up() + ")", "up of " + col.name() + " (" + col.up() + ")",
              problems);
        }
      }
      for (OldColumn col : spec.downColumns()) {
        if (cat.column(col.name()).isPresent()) {
          attempt(c, s, "UPDATE underway_probe SET " + SqlQuoting.identifier(col.name())
              + " = (" + col.down() + ")", "down of " + col.name() + " (" + col.down() + ")",
              problems);
        }
      }
      if (problems.isEmpty()) {
        problems.addAll(ExpressionRules.problems(c, spec, cat.oid(), probeOid(s)));
      }
    } finally {
      c.rollback();
      c.setAutoCommit(autoCommit);
    }
    return new Findings(problems, unsafe);
  }

  /**
   * Why {@code type} is not exactly one existing type name (a column clause after it, {@code
   * bigint not null default 0}, does not parse as one), as {@code to_regtype} resolves it under a
   * savepoint; null when it is one.
   */
  private static String typeProblem(Connection c, String column, String type)
      throws SQLException {
    Savepoint sp = c.setSavepoint();
    try (PreparedStatement ps = c.prepareStatement(PostgresCatalogQueries.RESOLVE_TYPE)) {
      ps.setString(1, type);
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        String resolved = rs.getString(1);
        c.releaseSavepoint(sp);
        return resolved != null ? null
            : "type of " + column + ": type " + type + " does not exist";
      }
    } catch (SQLException e) {
      c.rollback(sp);
      return "type of " + column + ": '" + type + "' is not one type name ("
          + firstLine(e.getMessage()) + "): give the type alone, e.g. bigint; expand adds the"
          + " column nullable, without a default, constraint or index";
    }
  }

  /** Runs {@code sql} under a savepoint; a failure is recorded as a problem, not thrown. */
  private static boolean attempt(Connection c, Statement s, String sql, String what,
      List<String> problems) throws SQLException {
    Savepoint sp = c.setSavepoint();
    try {
      s.execute(sql);
      c.releaseSavepoint(sp);
      return true;
    } catch (SQLException e) {
      c.rollback(sp);
      problems.add(what + ": " + firstLine(e.getMessage()));
      return false;
    }
  }

  private static String firstLine(String message) {
    int nl = message == null ? -1 : message.indexOf('\n');
    return nl < 0 ? String.valueOf(message) : message.substring(0, nl);
  }

  private static long probeOid(Statement s) throws SQLException {
    try (ResultSet rs = s.executeQuery("SELECT 'pg_temp.underway_probe'::regclass::oid")) {
      rs.next();
      return rs.getLong(1);
    }
  }

  private static long filenode(Statement s) throws SQLException {
    try (ResultSet rs = s.executeQuery(PostgresSchemaDialect.PROBE_FILENODE)) {
      rs.next();
      return rs.getLong(1);
    }
  }
}
