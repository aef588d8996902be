package dev.underway.activities.sql.schema;

import dev.underway.workflows.schema.contract.TableObservation;
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
 * expressions and types that fail on a few rows, an {@code up} over a stored generated column
 * ({@link GeneratedReads}) and a latency probe that cannot run read-only {@code
 * expressionProblems}, what would rewrite the table or leave writes unsynced ({@link
 * ExpressionProbe}, {@link Inheritance}) {@code unsafe}; it also plans the key walk ({@link
 * KeyWalkPlan}), lists the table's logical replication ({@link Replication}) and what must change
 * before the contract ({@link Dependents}). {@link Refusals} and the workflow's planner turn
 * these into refusals. Rows are counted (the exact count, rows per version) only when counting is
 * cheap ({@link #cheap}).
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
    long[] size = size(c, oid);
    return observer.cheap(size[0], size[1]) ? observer.count(c, table) : Math.max(0, size[0]);
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
    return observe(c, spec, null);
  }

  /**
   * Observes the table for {@code spec}; {@code latencyProbe}, when given, is run once in a
   * read-only transaction rolled back, and its failure is an expression problem.
   */
  public TableObservation observe(Connection c, ChangeSpec spec, String latencyProbe)
      throws SQLException {
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
    boolean plain = found.get()[1] == 'r';
    TableCatalogue cat = TableCatalogue.read(c, oid);
    List<String> unsafe = new ArrayList<>();
    if (!plain) {
      unsafe.add(notPlain(table, (char) found.get()[1]));
    }
    unsafe.addAll(Inheritance.problems(c, table, oid));
    TableKey.Found key = TableKey.find(c, cat, spec.uniqueKey());
    long[] size = size(c, oid);
    boolean cheap = cheap(size[0], size[1]);
    Long exact = cheap ? Long.valueOf(count(c, table)) : null;
    Optional<RunMarker.Row> marker = RunMarker.read(c, table);
    List<String> problems = new ArrayList<>();
    if (plain) {
      ExpressionProbe.Findings probe = ExpressionProbe.run(c, spec, cat);
      problems.addAll(probe.expressionProblems());
      unsafe.addAll(probe.unsafe());
      problems.addAll(GeneratedReads.problems(c, spec, oid));
    }
    if (latencyProbe != null && !latencyProbe.isBlank()) {
      String failed = LatencyProbe.problem(c, latencyProbe);
      if (failed != null) {
        problems.add(failed);
      }
    }
    return new TableObservation(version, true, columns(cat),
        key.key() == null ? null : new TableObservation.Key(key.key().name(),
            key.key().columns().stream().map(n -> column(cat.column(n).orElseThrow())).toList()),
        key.problem(), size[0], exact, size[1],
        cat.indexes().stream().map(TableCatalogue.Named::definition).toList(),
        cat.triggers().stream().map(TableCatalogue.Named::name).toList(),
        standbys, longTransactions(c),
        marker.map(RunMarker.Row::holder).orElse(null),
        marker.map(RunMarker.Row::addedColumns).orElse(List.of()),
        Flags.read(c, spec), cheap ? versions(c, spec, cat) : null, problems, unsafe, cat.text(),
        size[2], size[3],
        key.key() == null || !plain ? null : KeyWalkPlan.explain(c, table, key.key()),
        Replication.publications(c, table, oid), Replication.subscriptions(c, oid),
        Dependents.blocking(c, oid, spec),
        Dependents.triggersAfterSync(c, oid, spec, changedColumns(c, spec, oid)),
        plain ? CarriedConstraints.describe(c, spec, oid) : List.of());
  }

  /** Estimate, total bytes, heap bytes, index bytes. */
  private static long[] size(Connection c, long oid) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(PostgresSchemaDialect.SIZE)) {
      ps.setLong(1, oid);
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        return new long[] {rs.getLong(1), rs.getLong(2), rs.getLong(3), rs.getLong(4)};
      }
    }
  }

  /**
   * The columns the change touches: the replaced ones, the new ones (and the version column), and
   * those its {@code up}s read (none when they do not resolve: the probe reports that).
   */
  private static List<String> changedColumns(Connection c, ChangeSpec spec, long oid)
      throws SQLException {
    java.util.Set<String> out = new java.util.LinkedHashSet<>(spec.dropped());
    out.addAll(spec.addedColumns());
    List<String> ups = spec.add().stream().map(n -> n.up())
        .filter(u -> u != null && !u.isBlank()).toList();
    try {
      out.addAll(ExpressionColumns.of(c, spec.table(), oid, ups));
    } catch (SQLException e) {
      // an up that does not resolve is refused from the probe's findings
    }
    return List.copyOf(out);
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
