package dev.underway.activities.sql.schema;

import dev.underway.activities.sql.SqlQuoting;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.stream.Collectors;

/**
 * Everything a change is refused for, checked before anything changes: the table and its key,
 * another run's marker, the old columns, new columns that exist (unless this run added them: a
 * repeated expand), and the expressions and defaults, tried on a temporary copy of a few rows in
 * a transaction that is rolled back (the table itself is only read).
 */
public final class Preflight {
  private Preflight() {}

  /** Rows of the table the expressions are tried on. */
  static final int SAMPLE_ROWS = 5;

  /** Observes the table and refuses what cannot be done safely. */
  public static TableObservation check(Connection c, ChangeSpec spec, TableObserver observer)
      throws SQLException {
    TableName table = spec.table();
    TableObservation seen = observer.observe(c, table, spec.keyColumns());
    RunMarker.Marker marker = seen.marker();
    boolean oursInProgress = marker != null && !marker.finished() && marker.ownedBy(spec.runId());
    if (marker != null && !marker.finished() && !oursInProgress) {
      throw SchemaRefusals.anotherRun(table, marker.runId(), marker.state());
    }
    if (marker != null && marker.ownedBy(spec.runId()) && marker.finished()) {
      // this run already contracted or rolled back: nothing to refuse, nothing to try
      return seen;
    }
    TableCatalogue cat = seen.catalogue();
    for (ChangeSpec.OldColumn old : spec.oldColumns()) {
      if (cat.column(old.name()).isEmpty()) {
        throw SchemaRefusals.unknownColumn(table, old.name());
      }
    }
    for (ChangeSpec.NewColumn col : spec.newColumns()) {
      if (cat.column(col.name()).isPresent() && !oursInProgress) {
        throw SchemaRefusals.columnExists(table, col.name());
      }
      SyncTriggers.refuseDelimiter("up of " + col.name(), col.up());
    }
    for (ChangeSpec.OldColumn old : spec.downColumns()) {
      SyncTriggers.refuseDelimiter("down of " + old.name(), old.down());
    }
    tryOnSample(c, spec, cat);
    return seen;
  }

  /** Adds the columns to an empty copy, fills a few rows with up and down, rolls it all back. */
  private static void tryOnSample(Connection c, ChangeSpec spec, TableCatalogue cat)
      throws SQLException {
    boolean autoCommit = c.getAutoCommit();
    c.setAutoCommit(false);
    try (Statement s = c.createStatement()) {
      s.execute(PostgresSchemaDialect.probeTable(spec.table()));
      long before = filenode(s);
      for (ChangeSpec.NewColumn col : spec.newColumns()) {
        if (cat.column(col.name()).isPresent()) {
          continue;
        }
        String add = "ALTER TABLE underway_probe ADD COLUMN " + SqlQuoting.identifier(col.name())
            + " " + col.type()
            + (col.defaultExpression() == null ? "" : " DEFAULT " + col.defaultExpression());
        try {
          s.execute(add);
        } catch (SQLException e) {
          throw SchemaRefusals.badExpression("type or default of " + col.name(),
              col.type() + (col.defaultExpression() == null ? ""
                  : " DEFAULT " + col.defaultExpression()), e.getMessage());
        }
        if (filenode(s) != before) {
          throw SchemaRefusals.rewrites(spec.table(), col.name(),
              "a volatile default, or a type whose constraints must be checked on every row");
        }
      }
      String columns = cat.columns().stream().map(col -> SqlQuoting.identifier(col.name()))
          .collect(Collectors.joining(", "));
      s.execute("INSERT INTO underway_probe (" + columns + ") SELECT " + columns + " FROM "
          + spec.table().qualified() + " LIMIT " + SAMPLE_ROWS);
      for (ChangeSpec.NewColumn col : spec.newColumns()) {
        tryExpression(c, "up of " + col.name(), col.name(), col.up());
      }
      for (ChangeSpec.OldColumn old : spec.downColumns()) {
        tryExpression(c, "down of " + old.name(), old.name(), old.down());
      }
    } finally {
      c.rollback();
      c.setAutoCommit(autoCommit);
    }
  }

  /** The expression assigned to the column on the sample rows (all rolled back). */
  private static void tryExpression(Connection c, String which, String column, String expression)
      throws SQLException {
    String sql = "UPDATE underway_probe SET " + SqlQuoting.identifier(column) + " = ("
        + expression + ")";
    try (PreparedStatement ps = c.prepareStatement(sql)) {
      ps.executeUpdate();
    } catch (SQLException e) {
      throw SchemaRefusals.badExpression(which, expression, e.getMessage());
    }
  }

  private static long filenode(Statement s) throws SQLException {
    try (ResultSet rs = s.executeQuery(PostgresSchemaDialect.PROBE_FILENODE)) {
      rs.next();
      return rs.getLong(1);
    }
  }

  /** The new columns that are missing from the table. */
  static List<String> missing(ChangeSpec spec, TableCatalogue cat) {
    return spec.newColumns().stream().map(ChangeSpec.NewColumn::name)
        .filter(n -> cat.column(n).isEmpty()).toList();
  }
}
