package dev.underway.activities.sql.schema;

import dev.underway.workflows.schema.contract.NewColumn;
import dev.underway.workflows.schema.contract.OldColumn;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/**
 * What the sync trigger needs of the expressions, checked on the columns they really read
 * ({@link ExpressionColumns}): no column whose name PL/pgSQL keeps for itself; and for a change
 * that replaces columns, an {@code up} that reads only the replaced columns and a {@code down}
 * that reads only the new ones, so that which shape a write names says which side to recompute
 * (a write naming only a third column would otherwise leave the other side stale).
 */
final class ExpressionRules {
  private ExpressionRules() {}

  /**
   * The problems, one sentence each. Runs inside the probe's transaction: {@code probe} is the
   * oid of its temporary copy of the table with the new columns added.
   */
  static List<String> problems(Connection c, ChangeSpec spec, long table, long probe)
      throws SQLException {
    List<String> out = new ArrayList<>();
    for (NewColumn col : spec.add()) {
      List<String> read = ExpressionColumns.of(c, spec.table(), table, List.of(col.up()));
      reserved("up of " + col.name(), read, out);
      if (!spec.replace().isEmpty()) {
        List<String> others = read.stream().filter(r -> !spec.dropped().contains(r)).toList();
        if (!others.isEmpty()) {
          out.add("up of " + col.name() + " reads " + String.join(", ", others) + ", which the"
              + " change does not replace: a change that replaces columns computes the new ones"
              + " from the replaced ones only (" + String.join(", ", spec.dropped()) + ")");
        }
      }
    }
    List<String> added = spec.add().stream().map(NewColumn::name).toList();
    for (OldColumn col : spec.downColumns()) {
      List<String> read = ExpressionColumns.of(c, new TableName("pg_temp", probeName(c, probe)),
          probe, List.of(col.down()));
      reserved("down of " + col.name(), read, out);
      List<String> others = read.stream().filter(r -> !added.contains(r)).toList();
      if (!others.isEmpty()) {
        out.add("down of " + col.name() + " reads " + String.join(", ", others) + ", which the"
            + " change does not add: a down computes the old column from the new columns only ("
            + String.join(", ", added) + ")");
      }
    }
    return out;
  }

  private static void reserved(String what, List<String> read, List<String> out) {
    for (String col : read) {
      if (SyncTriggers.reserved(col)) {
        out.add(what + " reads column " + col + ", a name the sync trigger's PL/pgSQL function"
            + " cannot use as a variable (new, old, found, tg_*, underway_*): rename the column"
            + " first");
      }
    }
  }

  private static String probeName(Connection c, long oid) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement("SELECT relname FROM pg_class WHERE oid = ?")) {
      ps.setLong(1, oid);
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        return rs.getString(1);
      }
    }
  }
}
