package dev.underway.activities.sql.schema;

import dev.underway.activities.schema.TableObservation;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Observes a table and its server for a change without changing anything, and never refuses: an
 * unknown table is {@code tableExists = false}, a key that cannot be walked a {@code keyProblem},
 * expressions that fail on a few rows {@code expressionProblems}, what would rewrite the table
 * {@code unsafe} ({@link ExpressionProbe}). {@link Refusals} turns these into refusals.
 */
public final class TableObserver {

  /** An exact count is taken when the estimate is below this many rows. */
  public static final long EXACT_COUNT_BELOW = 1_000_000;
  /** No exact count of a table bigger than this (with its indexes). */
  public static final long EXACT_COUNT_MAX_BYTES = 1L << 30;
  /** Transactions open longer than this are listed. */
  public static final Duration LONG_TRANSACTION = Duration.ofSeconds(5);

  private final long exactCountBelow;
  private final Duration longTransaction;
  private final LongStatement scans;

  public TableObserver() {
    this(EXACT_COUNT_BELOW, LONG_TRANSACTION);
  }

  public TableObserver(long exactCountBelow, Duration longTransaction) {
    this(exactCountBelow, longTransaction, LongStatement.unwatched());
  }

  private TableObserver(long exactCountBelow, Duration longTransaction, LongStatement scans) {
    this.exactCountBelow = exactCountBelow;
    this.longTransaction = longTransaction;
    this.scans = scans;
  }

  /**
   * The same observer for one step, whose scans of the whole table (the exact count, the rows
   * per version) run as {@code scans}: bounded, heartbeating while they run.
   */
  public TableObserver with(LongStatement scans) {
    return new TableObserver(exactCountBelow, longTransaction, scans);
  }

  /** The table's oid and kind ({@code r}: a plain table), if it exists. */
  public static Optional<long[]> find(Connection c, TableName table) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(PostgresSchemaDialect.TABLE)) {
      ps.setString(1, table.schema());
      ps.setString(2, table.table());
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next() ? Optional.of(new long[] {rs.getLong(1), rs.getString(2).charAt(0)})
            : Optional.empty();
      }
    }
  }

  /** The oid of an existing plain table; refused otherwise. */
  public static long oid(Connection c, TableName table) throws SQLException {
    long[] found = find(c, table).orElseThrow(() -> SchemaRefusals.unknownTable(table));
    if (found[1] != 'r') {
      throw SchemaRefusals.unsafe(List.of(notPlain(table, (char) found[1])));
    }
    return found[0];
  }

  /** The rows to backfill: an exact count when the estimate says it is cheap, else the estimate. */
  static long rows(Connection c, TableName table, long oid, TableObserver observer)
      throws SQLException {
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
    return observer.cheap(estimate, bytes) ? observer.count(c, table) : Math.max(0, estimate);
  }

  /**
   * Whether counting is cheap: the estimate is below the threshold and the table is not big (a
   * table never analysed has no estimate, -1; its size still tells).
   */
  boolean cheap(long estimate, long bytes) {
    return estimate < exactCountBelow && bytes < EXACT_COUNT_MAX_BYTES;
  }

  private static String notPlain(TableName table, char kind) {
    return table + " is not a plain table (relkind '" + kind + "'): partitioned tables, views"
        + " and others are not supported";
  }

  public TableObservation observe(Connection c, ChangeSpec spec) throws SQLException {
    TableName table = spec.table();
    String version = scalar(c, PostgresSchemaDialect.SERVER_VERSION);
    Optional<long[]> found = find(c, table);
    List<TableObservation.Standby> standbys = standbys(c);
    if (found.isEmpty()) {
      return new TableObservation(version, false, List.of(), null, null, -1, null, 0, List.of(),
          List.of(), standbys, longTransactions(c), null, List.of(), Map.of(), null, List.of(),
          List.of(), "");
    }
    long oid = found.get()[0];
    TableCatalogue cat = TableCatalogue.read(c, oid);
    List<String> unsafe = new ArrayList<>();
    if (found.get()[1] != 'r') {
      unsafe.add(notPlain(table, (char) found.get()[1]));
    }
    TableKey.Found key = TableKey.find(c, cat, spec.uniqueKey());
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
    Long exact = cheap(estimate, bytes) ? Long.valueOf(count(c, table)) : null;
    Optional<RunMarker.Row> marker = RunMarker.read(c, table);
    List<String> problems = new ArrayList<>();
    if (found.get()[1] == 'r') {
      ExpressionProbe.Findings probe = ExpressionProbe.run(c, spec, cat);
      problems.addAll(probe.expressionProblems());
      unsafe.addAll(probe.unsafe());
    }
    return new TableObservation(version, true, columns(cat),
        key.key() == null ? null : new TableObservation.Key(key.key().name(),
            key.key().columns().stream().map(n -> column(cat.column(n).orElseThrow())).toList()),
        key.problem(), estimate, exact, bytes,
        cat.indexes().stream().map(TableCatalogue.Named::definition).toList(),
        cat.triggers().stream().map(TableCatalogue.Named::name).toList(),
        standbys, longTransactions(c),
        marker.map(RunMarker.Row::holder).orElse(null),
        marker.map(RunMarker.Row::addedColumns).orElse(List.of()),
        Flags.read(c, spec), versions(c, spec, cat), problems, unsafe, cat.text());
  }

  private static List<TableObservation.Column> columns(TableCatalogue cat) {
    return cat.columns().stream().map(TableObserver::column).toList();
  }

  private static TableObservation.Column column(TableCatalogue.Column c) {
    return new TableObservation.Column(c.name(), c.type(), !c.notNull(), c.defaultExpression());
  }

  private static List<TableObservation.Standby> standbys(Connection c) throws SQLException {
    return new ReplicaLagGauge().read(c).stream()
        .map(s -> new TableObservation.Standby(s.name(), s.state(), s.lagMillis())).toList();
  }

  /** The exact count of the table's rows: a scan, bounded and heartbeating. */
  private long count(Connection c, TableName table) throws SQLException {
    return scans.run(c, cc -> Long.parseLong(scalar(cc, "SELECT count(*) FROM "
        + table.qualified())));
  }

  private Map<Integer, Long> versions(Connection c, ChangeSpec spec, TableCatalogue cat)
      throws SQLException {
    if (spec.versionColumn() == null || cat.column(spec.versionColumn()).isEmpty()) {
      return null;
    }
    return scans.run(c, cc -> {
      Map<Integer, Long> out = new LinkedHashMap<>();
      try (Statement s = cc.createStatement();
           ResultSet rs = s.executeQuery(
               PostgresSchemaDialect.versions(spec.table(), spec.versionColumn()))) {
        while (rs.next()) {
          out.put(rs.getInt(1), rs.getLong(2));
        }
      }
      return out;
    });
  }

  private List<TableObservation.LongTransaction> longTransactions(Connection c)
      throws SQLException {
    List<TableObservation.LongTransaction> out = new ArrayList<>();
    try (PreparedStatement ps = c.prepareStatement(PostgresSchemaDialect.LONG_TRANSACTIONS)) {
      ps.setDouble(1, longTransaction.toMillis() / 1000.0);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          out.add(new TableObservation.LongTransaction(rs.getInt(1), rs.getLong(5),
              rs.getString(4)));
        }
      }
    }
    return out;
  }

  static String scalar(Connection c, String sql) throws SQLException {
    try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
      rs.next();
      return rs.getString(1);
    }
  }
}
