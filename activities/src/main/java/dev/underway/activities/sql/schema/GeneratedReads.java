package dev.underway.activities.sql.schema;

import dev.underway.workflows.schema.contract.NewColumn;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/**
 * An {@code up} that reads a STORED generated column: the sync trigger runs BEFORE the row is
 * written, when PostgreSQL has not computed the generated column yet (it reads NULL there), so
 * every row an application writes would get a wrong new value and verify would hold for ever.
 * The columns an expression reads are PostgreSQL's ({@link ExpressionColumns}).
 */
final class GeneratedReads {
  private GeneratedReads() {}

  /** One sentence per {@code up} that reads a stored generated column; empty when none does. */
  static List<String> problems(Connection c, ChangeSpec spec, long oid) throws SQLException {
    List<String> out = new ArrayList<>();
    for (NewColumn col : spec.add()) {
      if (col.up() == null || col.up().isBlank()) {
        continue;
      }
      List<String> reads;
      try {
        reads = ExpressionColumns.of(c, spec.table(), oid, List.of(col.up()));
      } catch (SQLException e) {
        continue; // an up that does not resolve is the expression probe's to report
      }
      if (reads.isEmpty()) {
        continue;
      }
      try (PreparedStatement ps = c.prepareStatement(PostgresCatalogQueries.GENERATED_COLUMNS)) {
        Array names = c.createArrayOf("text", reads.toArray());
        ps.setLong(1, oid);
        ps.setArray(2, names);
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) {
            out.add("up of " + col.name() + " (" + col.up() + ") reads " + rs.getString(1)
                + ", a STORED generated column: the sync trigger runs before PostgreSQL"
                + " computes it (it reads NULL there), so every written row would differ; write"
                + " up over the columns " + rs.getString(1) + " is generated from ("
                + rs.getString(2) + ")");
          }
        }
      }
    }
    return out;
  }
}
