package dev.underway.activities.sql.schema;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/**
 * The table's logical replication: the publications that publish it (listed, {@code FOR ALL
 * TABLES} or {@code FOR TABLES IN SCHEMA}) and the subscriptions whose apply writes it. A
 * subscriber's apply stops on a column it does not have, and a subscribed table's apply stops on
 * a column the contract dropped while its publisher still sends it.
 */
final class Replication {
  private Replication() {}

  /** The publications of the table, each named with how it publishes it. */
  static List<String> publications(Connection c, TableName table, long oid)
      throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(PostgresCatalogQueries.PUBLICATIONS)) {
      ps.setLong(1, oid);
      ps.setString(2, table.schema());
      ps.setString(3, table.table());
      return strings(ps);
    }
  }

  /** The subscriptions that write the table. */
  static List<String> subscriptions(Connection c, long oid) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(PostgresCatalogQueries.SUBSCRIPTIONS)) {
      ps.setLong(1, oid);
      return strings(ps);
    }
  }

  private static List<String> strings(PreparedStatement ps) throws SQLException {
    List<String> out = new ArrayList<>();
    try (ResultSet rs = ps.executeQuery()) {
      while (rs.next()) {
        out.add(rs.getString(1));
      }
    }
    return out;
  }
}
