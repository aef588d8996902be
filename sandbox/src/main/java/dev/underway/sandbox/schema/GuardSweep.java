package dev.underway.sandbox.schema;

import dev.underway.activities.sql.schema.Backfill;
import dev.underway.activities.sql.schema.BackfillGuarding;
import dev.underway.activities.sql.schema.ChangeSpec;
import dev.underway.activities.sql.schema.ControlSource;
import dev.underway.activities.sql.schema.Expand;
import dev.underway.activities.sql.schema.LockRetry;
import dev.underway.activities.sql.schema.Pacing;
import dev.underway.activities.sql.schema.TableCatalogue;
import dev.underway.activities.sql.schema.TableKey;
import dev.underway.activities.sql.schema.TableObserver;
import dev.underway.guard.GuardSettings;
import dev.underway.guard.GuardState;
import dev.underway.activities.support.Polling;
import dev.underway.sandbox.load.LoadGenerator;
import dev.underway.sandbox.report.LoadReport.MarkKind;
import dev.underway.workflows.schema.contract.BackfillProgress;
import dev.underway.workflows.schema.contract.BackfillResult;
import dev.underway.workflows.schema.contract.BackfillSettings;
import dev.underway.workflows.schema.contract.ChangeKind;
import dev.underway.workflows.schema.contract.NewColumn;
import dev.underway.sandbox.schema.SchemaChangeCheck.GuardRunFigures;
import dev.underway.workflows.schema.contract.TableChange;
import java.io.PrintWriter;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;

/**
 * The benchmark's table of the backfill at several guard settings, after the run, under the same
 * load: for each setting, a column {@value #COLUMN} {@code = up} is added by the production
 * {@link Expand} (with its sync trigger, so the application's writes fill it, as in a real run),
 * every row of {@link CustomersTable} then needs a backfill, and the activities' own {@link
 * Backfill} fills it with {@link BackfillSettings#guard()} set to the setting, in a load phase
 * named after it ({@code guard-1.25}, ...), so that the load report measures the foreground p99
 * during it. The expand's undo then drops the column and the table is vacuumed, between phases
 * the report keeps apart ({@value #BETWEEN}).
 *
 * <p>When the guard samples its baseline before the first batch (its mode {@code baseline}), that
 * time is a phase of its own ({@code guard-1.25-baseline}): the setting's phase and its rows/s
 * are the backfill's work only. The settings run in a new random order in every run (each run's
 * order is in its report's marks), each after a {@code VACUUM} and once the standby has caught
 * up, so that no setting always runs last on a table the others churned.
 */
final class GuardSweep {
  private GuardSweep() {}

  /** The column each setting backfills (dropped afterwards). */
  static final String COLUMN = "bench_full_name";
  /** Who holds the table during the sweep (the run released it at its contract). */
  static final String OWNER = "underway-sandbox-benchmark";
  /** The load's phase while a column is added, dropped or the table vacuumed. */
  static final String BETWEEN = "guard-between";

  static final TableChange CHANGE = new TableChange(null, CustomersTable.TABLE, null,
      ChangeKind.ADD_COLUMN, List.of(new NewColumn(COLUMN, "text", CustomersTable.UP)),
      List.of());

  /** One guard setting: its phase's name and the guard's settings. */
  record Setting(String name, Double ratio, GuardSettings guard) {
    static Setting ratio(double r) {
      return new Setting("guard-" + trim(r), r, GuardSettings.ofRatio(r));
    }

    static Setting off() {
      return new Setting("guard-off", null, GuardSettings.disabled());
    }
  }

  /** The settings of the table, in the order it shows them (each run shuffles them). */
  static final List<Setting> SETTINGS = List.of(Setting.ratio(1.1), Setting.ratio(1.25),
      Setting.ratio(1.5), Setting.off());

  /** Connections to the scenario's primary. */
  @FunctionalInterface
  interface Connections {
    Connection open() throws SQLException;
  }

  static List<GuardRunFigures> run(Connections db, LoadGenerator load,
      long targetBatchMillis, PrintWriter out) throws SQLException {
    List<GuardRunFigures> all = new ArrayList<>();
    ChangeSpec spec = ChangeSpec.of(CHANGE);
    Expand expand = new Expand(LockRetry.standard(), new TableObserver());
    // a new order each run: no setting always runs on the table the others churned
    List<Setting> order = new ArrayList<>(SETTINGS);
    Collections.shuffle(order);
    for (Setting s : order) {
      out.println("Benchmark: the backfill with the latency guard at " + describe(s)
          + " under the same load ...");
      out.flush();
      load.mark(BETWEEN, BETWEEN);
      try (Connection c = db.open()) {
        vacuum(c);
        expand.expand(c, spec, OWNER);
        try {
          awaitStandbys(c);
          all.add(backfill(db, c, spec, s, load, targetBatchMillis));
        } finally {
          load.mark(BETWEEN, BETWEEN);
          expand.undo(c, spec, OWNER); // the column and its trigger go, whatever happened
        }
      }
    }
    try (Connection c = db.open()) {
      vacuum(c);
    }
    return all;
  }

  private static GuardRunFigures backfill(Connections db, Connection c, ChangeSpec spec,
      Setting s, LoadGenerator load, long targetBatchMillis) throws SQLException {
    long rows = count(c);
    TableKey key = TableKey.find(c, TableCatalogue.read(c, TableObserver.oid(c, spec.table())),
        null).key();
    // what the workflow sends for the sandbox's request, normalized as the activity does
    BackfillSettings settings = BackfillGuarding.normal(new BackfillSettings(null,
        BackfillSettings.DEFAULT_BATCH_SIZE, targetBatchMillis,
        BackfillSettings.DEFAULT_MAX_REPLICA_LAG_MILLIS, null, null,
        BackfillSettings.DEFAULT_MIN_BATCH_SIZE, BackfillSettings.DEFAULT_MAX_BATCH_SIZE,
        s.guard()));
    PhaseClock clock = new PhaseClock(load, s.name());
    BackfillResult r = new Backfill(settings, Pacing.DEFAULT, ControlSource.row(spec.table()),
        BackfillGuarding.of(settings, db::open, spec.table(), key), clock::progress)
        .run(c, spec, key, null, rows);
    long millis = clock.workedMillis();
    return new GuardRunFigures(s.name(), s.ratio(), r.rowsUpdated(), millis,
        millis == 0 ? r.rowsUpdated() : r.rowsUpdated() * 1000.0 / millis);
  }

  /**
   * Marks the setting's phase, and its baseline apart while the guard samples one: the phase
   * starts again when the guard left its baseline (the {@code since} of its first other mode,
   * the activity's clock on this machine), so the setting's rows/s and p99 are the backfill's
   * work only, its rests included.
   */
  private static final class PhaseClock {
    private final LoadGenerator load;
    private final String phase;
    private boolean inBaseline;
    private Instant workingSince;

    PhaseClock(LoadGenerator load, String phase) {
      this.load = load;
      this.phase = phase;
      load.mark(phase, phase);
      workingSince = Instant.now();
    }

    void progress(BackfillProgress p) {
      GuardState g = p.guard();
      boolean baseline = g != null && GuardState.BASELINE.equals(g.mode());
      if (baseline && !inBaseline) {
        load.mark(phase + "-baseline", phase + "-baseline");
        inBaseline = true;
      } else if (!baseline && inBaseline) {
        Instant from = baselineEnd(p);
        load.mark(phase, phase, MarkKind.LOAD, from);
        workingSince = from;
        inBaseline = false;
      }
    }

    /** When the guard's first mode after its baseline began; now if the progress does not say. */
    private static Instant baselineEnd(BackfillProgress p) {
      List<GuardState> changes = new ArrayList<>(
          p.guardChanges() == null ? List.of() : p.guardChanges());
      changes.add(p.guard());
      for (GuardState c : changes) {
        if (c != null && !GuardState.BASELINE.equals(c.mode()) && c.since() != null) {
          try {
            Instant since = Instant.parse(c.since());
            return since.isAfter(Instant.now()) ? Instant.now() : since;
          } catch (DateTimeParseException e) {
            break;
          }
        }
      }
      return Instant.now();
    }

    long workedMillis() {
      return Math.max(0, Duration.between(workingSince, Instant.now()).toMillis());
    }
  }

  /**
   * Waits (at most {@link #CATCH_UP}) until every standby replays within {@link #CAUGHT_UP} of
   * the primary, so that no setting starts behind the previous one's WAL.
   */
  private static void awaitStandbys(Connection c) throws SQLException {
    long deadline = System.nanoTime() + CATCH_UP.toNanos();
    while (System.nanoTime() < deadline) {
      try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery(
          "SELECT coalesce(max(extract(epoch FROM replay_lag)) * 1000, 0)"
              + " FROM pg_stat_replication")) {
        rs.next();
        if (rs.getDouble(1) <= CAUGHT_UP.toMillis()) {
          return;
        }
      }
      Polling.pause(Duration.ofMillis(200));
    }
  }

  static final Duration CATCH_UP = Duration.ofSeconds(30);
  static final Duration CAUGHT_UP = Duration.ofMillis(100);

  static String describe(Setting s) {
    return s.ratio() == null ? "off" : "ratio " + trim(s.ratio()) + "x";
  }

  private static String trim(double r) {
    String t = String.format(Locale.ROOT, "%.2f", r);
    return t.endsWith("0") ? t.substring(0, t.length() - 1) : t;
  }

  private static long count(Connection c) throws SQLException {
    try (Statement st = c.createStatement();
        ResultSet rs = st.executeQuery("SELECT count(*) FROM " + CustomersTable.TABLE)) {
      rs.next();
      return rs.getLong(1);
    }
  }

  private static void vacuum(Connection c) throws SQLException {
    c.setAutoCommit(true);
    try (Statement st = c.createStatement()) {
      st.execute("VACUUM (ANALYZE) " + CustomersTable.TABLE);
    }
  }
}
