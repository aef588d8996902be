package dev.underway.activities.sql.schema;

import static dev.underway.activities.sql.schema.ShapeWriters.Phase.AFTER_BACKFILL;
import static dev.underway.activities.sql.schema.ShapeWriters.Phase.BEFORE_EXPAND;
import static dev.underway.activities.sql.schema.ShapeWriters.Phase.DURING_BACKFILL;
import static dev.underway.activities.sql.schema.ShapeWriters.Phase.READS_NEW;
import static dev.underway.activities.sql.schema.ShapeWriters.Phase.ROLLBACK;
import static dev.underway.activities.sql.schema.ShapeWriters.Phase.WRITES_NEW;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.underway.local.postgres.LocalPostgres;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The table under change subscribes (logical replication) to a publisher whose table keeps the
 * old shape: the publisher's writes arrive through the apply worker, which runs as a replica
 * session, and the sync triggers (ENABLE ALWAYS) take them as old-shape writes (the apply
 * names every published column) at every phase, beside local new-shape writers. Two servers,
 * both {@code wal_level = logical}. A run ends with a rollback (the subscription goes on
 * applying into the old shape) or with the contract, before which the subscription is dropped:
 * the publisher still sends the column the contract drops.
 */
class WritersUnderLogicalReplicationTest {

  private static final int ROWS = 1_500;
  private static final long PUBLISHED_IDS = 10_000;
  private static final long LOCAL_IDS = 500_000;

  @TempDir static Path dir;
  private static LocalPostgres publisher;
  private static LocalPostgres subscriber;
  private static SchemaFixture pub;
  private static SchemaFixture sub;

  @BeforeAll
  static void start() throws Exception {
    Map<String, String> logical = Map.of("wal_level", "logical");
    publisher = LocalPostgres.start(LocalPostgres.Options.under(dir)
        .withInstanceName("publisher").withSettings(logical));
    subscriber = LocalPostgres.start(LocalPostgres.Options.under(dir)
        .withInstanceName("subscriber").withSettings(logical));
    pub = new SchemaFixture(publisher, "shop");
    sub = new SchemaFixture(subscriber, "shop");
  }

  @AfterAll
  static void stop() {
    if (subscriber != null) {
      subscriber.close();
    }
    if (publisher != null) {
      publisher.close();
    }
  }

  static Stream<Arguments> scenarios() {
    return Arrays.stream(MatrixKind.values()).flatMap(kind -> Stream.of(
        Arguments.of(kind, false), Arguments.of(kind, true)));
  }

  @ParameterizedTest(name = "{0}, contracted: {1}")
  @MethodSource("scenarios")
  void appliedOldShapeWritesAreSyncedAtEveryPhase(MatrixKind kind, boolean contracted)
      throws Exception {
    String table = ("repl_" + kind + (contracted ? "_done" : "_back")).toLowerCase(Locale.ROOT);
    try (Connection p = pub.connect(); Connection s = sub.connect();
         ChangeDriver run = new ChangeDriver(sub, kind.replicated(table))) {
      MeantRows model = MeantRows.populate(p, kind, table, ROWS);
      exec(s, kind.createTable(table));
      exec(p, "CREATE PUBLICATION " + table + " FOR TABLE " + table);
      exec(s, "CREATE SUBSCRIPTION " + table + " CONNECTION 'host=" + publisher.host()
          + " port=" + publisher.port() + " dbname=shop user=" + publisher.superuser()
          + " password=" + publisher.superuserPassword() + "' PUBLICATION " + table);
      try {
        await().atMost(Duration.ofSeconds(60)).until(
            () -> sub.count("SELECT count(*) FROM " + table) == ROWS);
        Published published = new Published(p, s, kind, table, model);
        ShapeWriters local = new ShapeWriters(s, kind, table, run.names().shapeSetting(), model,
            LOCAL_IDS);
        List<Long> localRows = new ArrayList<>(List.of(local.oldInsert(BEFORE_EXPAND,
            "local old-shape INSERT")));
        published.write(BEFORE_EXPAND, 1 + published.random.nextInt(ROWS));
        run.expand();
        run.backfillPausedHalfWay(paused -> {
          long cursor = Long.parseLong(paused.cursor().get(0));
          List<Long> rows = model.ids().stream().filter(id -> id < LOCAL_IDS).toList();
          // a row the backfill has not reached yet, and one it has filled
          published.write(DURING_BACKFILL, published.pick(
              rows.stream().filter(id -> id > cursor).toList()));
          published.write(DURING_BACKFILL, published.pick(
              rows.stream().filter(id -> id <= cursor).toList()));
          localRows.add(local.newInsert(DURING_BACKFILL, "local new-shape INSERT"));
        });
        for (var phase : List.of(AFTER_BACKFILL, READS_NEW, WRITES_NEW)) {
          switch (phase) {
            case READS_NEW -> run.reads("new");
            case WRITES_NEW -> run.writes("new");
            default -> {
              run.verifiesClean();
              run.constraints();
            }
          }
          published.write(phase, 1 + published.random.nextInt(ROWS));
          local.newUpdate(phase, localRows.get(0), "local new-shape UPDATE");
          localRows.add(local.newInsert(phase, "local new-shape INSERT"));
        }
        assertThat(run.evidence().strayWrites()).as("the apply's old-shape writes after"
            + " writes=new").isEqualTo(2);
        if (contracted) {
          exec(s, "DROP SUBSCRIPTION " + table);
          run.verifiesClean();
          run.contract();
          model.assertTable(s, table, true);
          return;
        }
        run.rollBackToWritesOld(true, true);
        published.write(ROLLBACK, 1 + published.random.nextInt(ROWS));
        local.newUpdate(ROLLBACK, localRows.get(1), "local new-shape UPDATE");
        run.undoExpand();
        published.write(ROLLBACK, 1 + published.random.nextInt(ROWS));
        model.assertTable(s, table, false);
      } finally {
        exec(s, "DROP SUBSCRIPTION IF EXISTS " + table);
      }
    }
  }

  /** Old-shape writes at the publisher, each awaited at the subscriber. */
  private static final class Published {
    final Random random = new Random(7);
    private final MatrixKind kind;
    private final RowStatements at;
    private final RowStatements arrived;
    private final MeantRows model;
    private long nextId = PUBLISHED_IDS;
    private int n;

    Published(Connection publisher, Connection subscriber, MatrixKind kind, String table,
        MeantRows model) {
      this.kind = kind;
      this.at = new RowStatements(publisher, kind, table);
      this.arrived = new RowStatements(subscriber, kind, table);
      this.model = model;
    }

    long pick(List<Long> ids) {
      return ids.get(random.nextInt(ids.size()));
    }

    /** Updates the published row {@code id} and inserts one; both arrive through apply. */
    void write(ShapeWriters.Phase phase, long id) throws SQLException {
      List<String> updated = kind.oldValues(++n);
      assertThat(at.update(kind.oldNames(), updated, id)).isEqualTo(1);
      model.old(id, updated, "the publisher's UPDATE, applied at " + phase.label);
      long fresh = nextId++;
      List<String> inserted = kind.oldValues(++n);
      at.insert(kind.oldNames(), inserted, fresh, "p" + n);
      model.old(fresh, inserted, "the publisher's INSERT, applied at " + phase.label);
      model.note(fresh, "p" + n);
      await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(20))
          .until(() -> applied(fresh, inserted) && applied(id, updated));
    }

    /** Whether the row is at the subscriber with the values (the apply has committed it). */
    private boolean applied(long id, List<String> values) throws SQLException {
      return arrived.find(kind.oldNames(), id).map(values::equals).orElse(false);
    }
  }

  private static void exec(Connection c, String sql) throws SQLException {
    try (Statement s = c.createStatement()) {
      s.execute(sql);
    }
  }
}
