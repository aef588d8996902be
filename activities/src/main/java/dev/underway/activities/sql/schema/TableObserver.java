package dev.underway.activities.sql.schema;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** Observes a table and its server without changing anything. */
public final class TableObserver {

  /** An exact count is taken when the estimate is below this many rows. */
  public static final long EXACT_COUNT_BELOW = 1_000_000;
  /** Transactions open longer than this are listed. */
  public static final Duration LONG_TRANSACTION = Duration.ofSeconds(30);

  private final long exactCountBelow;
  private final Duration longTransaction;

  public TableObserver() {
    this(EXACT_COUNT_BELOW, LONG_TRANSACTION);
  }

  public TableObserver(long exactCountBelow, Duration longTransaction) {
    this.exactCountBelow = exactCountBelow;
    this.longTransaction = longTransaction;
  }

  /** The table's oid; refused when it does not exist or is not a plain table. */
  public static long oid(Connection c, TableName table) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(PostgresSchemaDialect.TABLE)) {
      ps.setString(1, table.schema());
      ps.setString(2, table.table());
      try (ResultSet rs = ps.executeQuery()) {
        if (!rs.next()) {
          throw SchemaRefusals.unknownTable(table);
        }
        String kind = rs.getString(2);
        if (!"r".equals(kind)) {
          throw SchemaRefusals.notATable(table, kind);
        }
        return rs.getLong(1);
      }
    }
  }

  /** Observes {@code table}, walking {@code keyColumns} (empty: its primary key). */
  public TableObservation observe(Connection c, TableName table, List<String> keyColumns)
      throws SQLException {
    long oid = oid(c, table);
    TableCatalogue catalogue = TableCatalogue.read(c, oid);
    TableKey key = TableKey.resolve(c, table, catalogue, keyColumns);
    long estimate;
    long bytes;
    try (PreparedStatement ps = c.prepareStatement(PostgresSchemaDialect.SIZE)) {
      ps.setLong(1, oid);
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        estimate = rs.getLong(1);
        bytes = rs.getLong(2);
      }
    }
    Long exact = null;
    if (estimate < exactCountBelow) {
      try (Statement s = c.createStatement();
           ResultSet rs = s.executeQuery("SELECT count(*) FROM " + table.qualified())) {
        rs.next();
        exact = rs.getLong(1);
      }
    }
    return new TableObservation(table, estimate, exact, bytes, key, catalogue,
        new ReplicaLagGauge().read(c), longTransactions(c), RunMarker.read(c, table));
  }

  private List<TableObservation.LongTransaction> longTransactions(Connection c)
      throws SQLException {
    List<TableObservation.LongTransaction> out = new ArrayList<>();
    try (PreparedStatement ps = c.prepareStatement(PostgresSchemaDialect.LONG_TRANSACTIONS)) {
      ps.setDouble(1, longTransaction.toMillis() / 1000.0);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          out.add(new TableObservation.LongTransaction(rs.getInt(1), rs.getString(2),
              rs.getString(3), rs.getString(4), rs.getLong(5)));
        }
      }
    }
    return out;
  }
}
