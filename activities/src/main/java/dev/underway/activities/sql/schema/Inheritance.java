package dev.underway.activities.sql.schema;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/**
 * Why a table in an inheritance tree cannot be changed: expand's {@code ALTER TABLE} reaches its
 * children (or is refused on a partition), the backfill's {@code UPDATE} reaches the children's
 * rows, but the sync trigger is on the one table only, so the writes made through the others are
 * not synced. Partitioned tables themselves are refused as not plain ({@link TableObserver}).
 */
final class Inheritance {
  private Inheritance() {}

  /** One sentence per side of the table's inheritance; empty when it has none. */
  static List<String> problems(Connection c, TableName table, long oid) throws SQLException {
    List<String> children = new ArrayList<>();
    List<String> parents = new ArrayList<>();
    boolean partition = false;
    try (PreparedStatement ps = c.prepareStatement(PostgresCatalogQueries.INHERITANCE)) {
      ps.setLong(1, oid);
      ps.setLong(2, oid);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          if (rs.getString(1).equals("child")) {
            children.add(rs.getString(2));
          } else {
            parents.add(rs.getString(2));
            partition |= rs.getBoolean(3);
          }
        }
      }
    }
    List<String> out = new ArrayList<>();
    if (!children.isEmpty()) {
      out.add(table + " has inheritance children (" + String.join(", ", children) + "):"
          + " expand's ALTER TABLE and the backfill's UPDATE reach them too, but the sync trigger"
          + " would be on " + table + " only, so writes to the children would not be synced;"
          + " change a table without inheritance");
    }
    if (partition) {
      out.add(table + " is a partition of " + String.join(", ", parents) + ": its columns are"
          + " the partitioned table's, and a trigger on one partition does not sync the others");
    } else if (!parents.isEmpty()) {
      out.add(table + " inherits from " + String.join(", ", parents) + ": rows read through the"
          + " parent do not show the new column(s), and the parent's writes are not synced;"
          + " change a table without inheritance");
    }
    return out;
  }
}
