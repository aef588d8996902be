package dev.underway.sandbox.load;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.underway.local.postgres.LocalPostgres;
import dev.underway.sandbox.report.LoadReport;
import dev.underway.sandbox.report.LoadReport.PhaseReport;
import dev.underway.sandbox.report.LoadReport.TimelinePoint;
import dev.underway.sandbox.report.ReportWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Pattern;
import org.awaitility.core.ConditionFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The load generator against a real PostgreSQL server (small load: 2 shared cores). */
class LoadGeneratorTest {

  @TempDir static Path dir;
  static LocalPostgres pg;

  @BeforeAll
  static void startServer() throws Exception {
    pg = LocalPostgres.start(LocalPostgres.Options.under(dir.resolve("pg")));
  }

  @AfterAll
  static void stopServer() {
    if (pg != null) {
      pg.close();
    }
  }

  private static ConditionFactory waiting() {
    return await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200));
  }

  private static long phaseOk(LoadGenerator gen, String phase) {
    return gen.report().phase(phase).map(p -> p.all().ok()).orElse(0L);
  }

  /**
   * A workload of its own, as a later runbook adds one: one counter row per tenant, written by
   * upserts and read by tenant. The generator runs its schema, its writes on the writer path and
   * its reads, and counts them, without knowing what they do.
   */
  static final class TenantCounters implements Workload {
    static final String TABLE = "underway_test_tenant_counters";

    @Override
    public String name() {
      return "tenant-counters";
    }

    @Override
    public List<String> schema() {
      return List.of("CREATE TABLE IF NOT EXISTS " + TABLE
          + " (tenant int PRIMARY KEY, n bigint NOT NULL)");
    }

    @Override
    public Operation write(int thread, java.util.concurrent.ThreadLocalRandom random) {
      int tenant = random.nextInt(5);
      return new Operation("count", sql -> {
        var ps = sql.prepare("INSERT INTO " + TABLE + " VALUES (?, 1)"
            + " ON CONFLICT (tenant) DO UPDATE SET n = " + TABLE + ".n + 1");
        ps.setInt(1, tenant);
        return sql.retrying(ps::executeUpdate) == 1;
      });
    }

    @Override
    public Operation read(java.util.concurrent.ThreadLocalRandom random) {
      int tenant = random.nextInt(5);
      return new Operation("tenant read", sql -> {
        var ps = sql.prepare("SELECT n FROM " + TABLE + " WHERE tenant = ?");
        ps.setInt(1, tenant);
        return sql.retrying(() -> {
          try (ResultSet rs = ps.executeQuery()) {
            return rs.next();
          }
        });
      });
    }
  }

  @Test
  void runsAnyWorkloadItIsGiven() throws Exception {
    LoadReport report;
    try (LoadGenerator gen = new LoadGenerator(new TestEndpoints(pg), LoadOptions.of(100, 2, 50),
        new TenantCounters())) {
      gen.mark("phase-0", "steady");
      gen.start();
      waiting().until(() -> phaseOk(gen, "phase-0") >= 60);
      gen.stop();
      report = gen.report();
    }
    PhaseReport p = report.phase("phase-0").orElseThrow();
    assertThat(p.all().failed()).as("errors: %s", report.errors()).isZero();
    assertThat(p.writes().ok()).isPositive();
    assertThat(p.reads().ok()).isPositive();
    try (Connection c = pg.connect("postgres");
         Statement s = c.createStatement();
         ResultSet rs = s.executeQuery("SELECT sum(n) FROM " + TenantCounters.TABLE)) {
      rs.next();
      assertThat(rs.getLong(1)).as("every counted write is in the table")
          .isEqualTo(p.writes().ok());
    }
  }

  @Test
  void measuresEachPhaseAndWritesAReport(@TempDir Path out) throws Exception {
    double rate = 100;
    LoadReport report;
    long elapsedNanos;
    try (LoadGenerator gen = new LoadGenerator(new TestEndpoints(pg), LoadOptions.of(rate, 4, 50))) {
      gen.mark("phase-0", "steady");
      long t0 = System.nanoTime();
      gen.start();
      waiting().until(() -> phaseOk(gen, "phase-0") >= 100);
      gen.mark("phase-1", "scale");
      waiting().until(() -> phaseOk(gen, "phase-1") >= 60);
      gen.mark("phase-1", "scale"); // repeated: no new segment
      gen.mark("phase-1", "verify");
      waiting().until(() -> phaseOk(gen, "phase-1") >= 120);
      LoadSnapshot live = gen.snapshot();
      assertThat(live.phase()).isEqualTo("phase-1");
      assertThat(live.step()).isEqualTo("verify");
      assertThat(live.ok()).isPositive();
      assertThat(live.progressLine()).contains("ops/s").contains("phase-1 / verify");
      gen.stop();
      elapsedNanos = System.nanoTime() - t0;
      report = gen.report();
      assertThat(gen.report()).as("stable after stop").isEqualTo(report);
    }

    assertThat(report.phases()).extracting(PhaseReport::phase).containsExactly("phase-0", "phase-1");
    assertThat(report.phase("phase-1").orElseThrow().steps()).containsExactly("scale", "verify");
    assertThat(report.marks()).extracting(m -> m.phase() + "/" + m.step())
        .containsExactly("phase-0/steady", "phase-1/scale", "phase-1/verify");
    assertThat(report.marks().get(0).offsetMs()).isZero();

    long okSum = 0;
    long durationSum = 0;
    for (PhaseReport p : report.phases()) {
      assertSane(p);
      assertThat(p.all().failed()).as("failures in %s", p.phase()).isZero();
      assertThat(p.reads().ok()).isPositive();
      assertThat(p.writes().ok()).isPositive();
      assertThat(p.readsOnReaderPath()).as("no reader path yet").isZero();
      assertThat(p.readsServedByPrimary()).isEqualTo(p.reads().ok());
      assertThat(p.readsServedByStandby()).isZero();
      assertThat(p.opsPerSecond()).isPositive();
      okSum += p.all().ok();
      durationSum += p.durationMs();
    }
    assertSane(report.total());
    assertThat(report.total().all().ok()).isEqualTo(okSum);
    assertThat(report.total().all().failed()).isZero();
    assertThat(durationSum).isBetween(report.durationMs() - 5, report.durationMs() + 5);
    assertThat(report.errors()).isEmpty();

    // the rate is a ceiling (a bounded count, not a speed assertion)
    long ops = report.total().all().ok() + report.total().all().failed();
    assertThat((double) ops).isLessThanOrEqualTo(rate * elapsedNanos / 1e9 * 1.5);

    // the timeline adds up to the totals and is ordered
    List<TimelinePoint> timeline = report.timeline();
    assertThat(timeline).isNotEmpty();
    assertThat(timeline.stream().mapToLong(TimelinePoint::ok).sum()).isEqualTo(okSum);
    assertThat(timeline).isSortedAccordingTo((a, b) -> Long.compare(a.second(), b.second()));
    assertThat(timeline).extracting(TimelinePoint::second).doesNotHaveDuplicates();
    for (TimelinePoint t : timeline) {
      if (t.p50Ms() != null) {
        assertThat(t.p50Ms()).isLessThanOrEqualTo(t.p99Ms());
      }
    }

    assertThat(report.baselinePhase()).isEqualTo("phase-0");
    assertThat(report.baseline()).hasSize(2);
    assertThat(report.baseline().get(0).opsPerSecondRatio()).isEqualTo(1.0);
    assertThat(report.baseline().get(0).p99Ratio()).isEqualTo(1.0);
    assertThat(report.baseline().get(1).opsPerSecondRatio()).isPositive();

    // the rows are really there, and nothing was deleted
    try (Connection c = pg.connect("postgres");
         Statement s = c.createStatement();
         ResultSet rs = s.executeQuery("SELECT count(*) FROM " + KeyValueWorkload.TABLE)) {
      rs.next();
      assertThat(rs.getLong(1)).isPositive();
    }

    ReportWriter.Written written = ReportWriter.write(report, out);
    assertThat(ReportWriter.read(written.json())).isEqualTo(report);
    String html = Files.readString(written.html(), StandardCharsets.UTF_8);
    assertThat(html).contains("<svg").contains("</svg>").contains("phase-0").contains("phase-1")
        .contains("verify").doesNotContain("<script");
    assertThat(Pattern.compile("(?i)(src|href)\\s*=\\s*[\"']?\\s*(https?:)?//").matcher(html).find())
        .as("no remote resource").isFalse();
    assertThat(html).doesNotContain(pg.superuserPassword());
  }

  /**
   * Many threads reaching a fresh database at once must not race each other creating the table:
   * PostgreSQL's CREATE TABLE IF NOT EXISTS can still fail the loser (42710, 23505, 42P07), and
   * once did, failing operations in the sandbox's first second.
   */
  @Test
  void manyThreadsOnAFreshDatabaseCreateTheTableWithoutAFailedOperation() throws Exception {
    for (int attempt = 0; attempt < 5; attempt++) {
      String db = "fresh_" + attempt;
      createDatabase(db);
      LoadEndpoints fresh = LoadEndpoints.writerOnly(pg.jdbcUrl(db), superuser());
      try (LoadGenerator gen = new LoadGenerator(fresh, LoadOptions.of(400, 16, 50))) {
        gen.mark("fresh", "start");
        gen.start();
        waiting().until(() -> phaseOk(gen, "fresh") >= 100);
        gen.stop();
        LoadReport r = gen.report();
        assertThat(r.total().all().failed()).as("attempt %d: %s", attempt, r.errors()).isZero();
      }
    }
  }

  /**
   * CockroachDB runs every transaction SERIALIZABLE and answers contention with 40001, which
   * clients are to retry. PostgreSQL does the same under SERIALIZABLE: an update that waited for
   * a concurrent transaction which then changed the same row fails with 40001. The test holds
   * such a transaction over every row while the generator updates them, so the conflicts are
   * certain, not left to timing; the generator must retry them rather than count failed
   * operations (it counted them before retries existed).
   */
  @Test
  void serializationFailuresAreRetriedNotCountedAsFailedOperations() throws Exception {
    String db = "contended";
    createDatabase(db);
    Properties props = superuser();
    props.setProperty("options", "-c default_transaction_isolation=serializable");
    LoadEndpoints serializable = LoadEndpoints.writerOnly(pg.jdbcUrl(db), props);
    // all writes; after the first insert(s), every write updates one of those few rows
    LoadOptions updates = new LoadOptions(50, 4, 100, 100, Duration.ofSeconds(1),
        Duration.ofMillis(100), Duration.ofSeconds(2));
    try (LoadGenerator gen = new LoadGenerator(serializable, updates)) {
      gen.mark("contended", "updates");
      gen.start();
      waiting().until(() -> gen.report().total().writes().ok() >= 20);
      try (Connection holder = pg.connect(db); Statement st = holder.createStatement()) {
        holder.setAutoCommit(false);
        st.executeUpdate("UPDATE " + KeyValueWorkload.TABLE + " SET v = v || ''");
        waiting().atMost(Duration.ofSeconds(8)).until(() -> waitingForLocks(db) >= 2);
        holder.commit();
      }
      waiting().until(() -> gen.report().total().retries() >= 2);
      gen.stop();
      LoadReport r = gen.report();
      assertThat(r.total().retries()).isGreaterThanOrEqualTo(2);
      assertThat(r.total().all().failed()).as("errors: %s", r.errors()).isZero();
      assertThat(r.phase("contended").orElseThrow().retries()).isEqualTo(r.total().retries());
    }
  }

  private static void createDatabase(String name) throws Exception {
    try (Connection c = pg.connect("postgres"); Statement st = c.createStatement()) {
      st.execute("CREATE DATABASE " + name);
    }
  }

  private static Properties superuser() {
    Properties props = new Properties();
    props.setProperty("user", pg.superuser());
    props.setProperty("password", pg.superuserPassword());
    return props;
  }

  /** Sessions of the load generator on {@code db} blocked on a lock. */
  private static int waitingForLocks(String db) throws Exception {
    try (Connection c = pg.connect("postgres"); Statement st = c.createStatement();
         ResultSet rs = st.executeQuery("SELECT count(*) FROM pg_stat_activity WHERE datname = '"
             + db + "' AND application_name = 'underway-load' AND wait_event_type = 'Lock'")) {
      rs.next();
      return rs.getInt(1);
    }
  }

  /**
   * Endpoints move (a node added to the multi-host writer URL, the reader path appearing): the
   * new connections open off the operation path while the old ones serve, as a pool would. Both
   * new endpoints here are behind a proxy that holds each new connection for 5 s. The property,
   * checked without a knife-edge time: while the proxy still held every new connection, the
   * operations kept completing on the old ones, at about the load's rate (100/s). Operations
   * that set up their own connections (as they did before: every node added to the sandbox
   * showed up as a p99 spike of connection set-ups) stop within the endpoint check interval
   * (0.2 s) of the move, and complete nothing more until the proxy lets a connection through.
   * The bound asks for one second's worth of operations out of five: a pause of seconds on a
   * loaded machine does not break it, an operation path that waits for set-up cannot reach it.
   */
  @Test
  void movedEndpointsConnectOffTheOperationPath() throws Exception {
    Duration setup = Duration.ofSeconds(5);
    double rate = 100;
    TestEndpoints endpoints = new TestEndpoints(pg);
    LoadOptions options = LoadOptions.of(rate, 4, 50)
        .withEndpointCheckInterval(Duration.ofMillis(200));
    AtomicLong okWhileHeld = new AtomicLong(-1);
    try (SlowProxy slow = new SlowProxy(pg.port(), setup);
         LoadGenerator gen = new LoadGenerator(endpoints, options)) {
      gen.mark("before", "");
      gen.start();
      waiting().until(() -> phaseOk(gen, "before") >= 50);

      slow.beforeFirstRelease(() -> okWhileHeld.set(phaseOk(gen, "moved")));
      String viaProxy = "jdbc:postgresql://127.0.0.1:" + slow.port() + "/postgres?sslmode=disable";
      gen.mark("moved", "");
      endpoints.writer(viaProxy, pg);
      endpoints.reader(viaProxy + "&ApplicationName=underway-load-reader");
      // every worker's writer and reader connection went through the slow set-up...
      waiting().until(() -> slow.accepted() >= 2 * options.threads());
      // ...and then carried operations
      waiting().until(() -> gen.report().phase("moved")
          .map(PhaseReport::readsOnReaderPath).orElse(0L) >= 20);
      gen.stop();
      LoadReport report = gen.report();
      assertThat(report.total().all().failed()).as("errors: %s", report.errors()).isZero();
      assertThat(okWhileHeld.get())
          .as("operations completed while every new connection was still being set up")
          .isGreaterThanOrEqualTo((long) rate);
    }
  }

  @Test
  void readsMoveToTheReaderPathOnceItExists() {
    TestEndpoints endpoints = new TestEndpoints(pg);
    LoadOptions options = LoadOptions.of(100, 4, 50)
        .withEndpointCheckInterval(Duration.ofMillis(200));
    LoadReport report;
    try (LoadGenerator gen = new LoadGenerator(endpoints, options)) {
      gen.mark("writer-only", "");
      gen.start();
      waiting().until(() -> gen.report().total().reads().ok() >= 20);
      assertThat(gen.snapshot().readerPathInUse()).isFalse();

      // the reader path appears (the same server will do: it is a new connection either way)
      endpoints.reader(pg.jdbcUrl("postgres") + "&ApplicationName=underway-load-reader");
      gen.mark("with-reader", "");
      waiting().until(() -> gen.report().phase("with-reader")
          .map(PhaseReport::readsOnReaderPath).orElse(0L) >= 20);
      assertThat(gen.snapshot().readerPathInUse()).isTrue();
      gen.stop();
      report = gen.report();
    }
    PhaseReport before = report.phase("writer-only").orElseThrow();
    PhaseReport after = report.phase("with-reader").orElseThrow();
    assertThat(before.readsOnReaderPath()).isZero();
    assertThat(before.reads().ok()).isPositive();
    assertThat(after.readsOnReaderPath()).isPositive();
    // this server is a primary: the report says so (a standby would be counted as such)
    assertThat(after.readsServedByPrimary()).isEqualTo(after.reads().ok());
    assertThat(after.readsServedByStandby()).isZero();
    assertThat(report.total().all().failed()).isZero();
    assertSane(after);
  }

  @Test
  void countsFailuresWhileTheServerIsGoneAndRecoversWhenOneIsBack() throws Exception {
    LocalPostgres doomed = LocalPostgres.start(LocalPostgres.Options.under(dir.resolve("doomed")));
    String doomedPassword = doomed.superuserPassword();
    TestEndpoints endpoints = new TestEndpoints(doomed);
    LoadOptions options = LoadOptions.of(50, 2, 50)
        .withEndpointCheckInterval(Duration.ofMillis(200))
        .withBackoff(Duration.ofMillis(50), Duration.ofMillis(400));
    LoadReport report;
    try (LoadGenerator gen = new LoadGenerator(endpoints, options)) {
      gen.mark("up", "");
      gen.start();
      waiting().until(() -> gen.snapshot().ok() >= 20);

      doomed.close();
      gen.mark("down", "");
      waiting().until(() -> gen.snapshot().failed() >= 10);

      // the database is back (at another address, as after a failover)
      endpoints.writer(pg);
      gen.mark("back", "");
      waiting().until(() -> phaseOk(gen, "back") >= 20);
      gen.stop();
      report = gen.report();
    } finally {
      doomed.close();
    }
    assertThat(report.phase("up").orElseThrow().all().ok()).isPositive();
    assertThat(report.phase("down").orElseThrow().all().failed()).isPositive();
    assertThat(report.phase("back").orElseThrow().all().ok()).isGreaterThanOrEqualTo(20);
    assertThat(report.total().all().failed()).isPositive();
    report.phases().forEach(LoadGeneratorTest::assertSane);
    assertThat(report.errors()).isNotEmpty();
    assertThat(report.errors()).allSatisfy(e -> {
      assertThat(e.message()).doesNotContain(doomedPassword).doesNotContain(pg.superuserPassword());
      assertThat(e.count()).isPositive();
    });
    assertThat(report.errors().stream().mapToLong(LoadReport.ErrorSample::count).sum())
        .isEqualTo(report.total().all().failed());
  }

  static void assertSane(PhaseReport p) {
    var all = p.all();
    assertThat(all.ok()).isEqualTo(p.reads().ok() + p.writes().ok());
    assertThat(all.failed()).isEqualTo(p.reads().failed() + p.writes().failed());
    assertThat(p.readsServedByStandby() + p.readsServedByPrimary() + p.readsServedByUnknown())
        .isEqualTo(p.reads().ok());
    if (all.ok() > 0) {
      assertThat(all.p50Ms()).isPositive();
      assertThat(all.p50Ms()).isLessThanOrEqualTo(all.p99Ms());
      assertThat(all.p99Ms()).isLessThanOrEqualTo(all.maxMs());
    } else {
      assertThat(all.p50Ms()).isNull();
    }
  }
}
