package dev.underway.activities.sql.schema;

import static org.assertj.core.api.Assertions.assertThat;

import dev.underway.workflows.schema.contract.BackfillResult;
import dev.underway.workflows.schema.contract.BackfillSettings;
import dev.underway.workflows.schema.contract.ChangeKind;
import dev.underway.workflows.schema.contract.NewColumn;
import dev.underway.workflows.schema.contract.SchemaChangeActivities;
import dev.underway.workflows.schema.contract.TableChange;
import dev.underway.workflows.schema.contract.TableObservation;
import dev.underway.workflows.schema.contract.VerifyResult;
import dev.underway.workflows.schema.contract.VerifySettings;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The backfill's keyset walk reads the key's index, on tables big enough (200,000 rows) that
 * PostgreSQL prefers the index when it can use it: a unique key whose index has a collation of
 * its own ({@code COLLATE "en-x-icu"} in a database whose default is {@code C}) is walked, in the
 * batch and in the verify chunk, with that collation, so each batch reads its own rows instead of
 * sorting the whole table (an O(n²) backfill); and the observation tells how the walk is planned.
 */
class KeyWalkOnPostgresTest {

  private static final String OWNER = "schema-change/walks";
  private static final int ROWS = 200_000;

  @RegisterExtension static final PostgresDatabase db = new PostgresDatabase("walks");

  private SchemaChangeActivities activities;

  @BeforeAll
  static void start() throws Exception {
    db.amounts("plain", ROWS);
    db.sql("CREATE TABLE coded (code text NOT NULL, amount integer NOT NULL)",
        "INSERT INTO coded SELECT 'c' || g, g % 1000 FROM generate_series(1, " + ROWS + ") g",
        "CREATE UNIQUE INDEX coded_code ON coded (code COLLATE \"en-x-icu\")",
        "ANALYZE coded",
        "CREATE TABLE mixed (a int NOT NULL, b int NOT NULL, amount integer NOT NULL)",
        "INSERT INTO mixed SELECT g / 10, g % 10, g FROM generate_series(1, " + ROWS + ") g",
        "CREATE UNIQUE INDEX mixed_a_b ON mixed (a DESC, b)",
        "ANALYZE mixed",
        // orders differ: C puts 'B' before 'a', ICU puts 'a' before 'B'
        "CREATE TABLE lettered (code text NOT NULL, amount integer NOT NULL)",
        "INSERT INTO lettered SELECT chr(65 + g % 26) || chr(97 + g / 26 % 26) || g, g"
            + " FROM generate_series(1, 3000) g",
        "CREATE UNIQUE INDEX lettered_code ON lettered (code COLLATE \"en-x-icu\")",
        "ANALYZE lettered");
  }

  @BeforeEach
  void setUp() {
    activities = db.activities(db.environment());
  }

  private static TableChange change(String table, String uniqueKey) {
    return new TableChange(null, table, uniqueKey, ChangeKind.ADD_COLUMN,
        List.of(new NewColumn("amount_v2", "bigint", "amount::bigint")), List.of());
  }

  @Test
  void theBatchAndTheVerifyChunkWalkACollatedKeyThroughItsIndex() throws Exception {
    ChangeSpec spec = ChangeSpec.of(change("coded", "coded_code"));
    try (Connection c = db.connect()) {
      TableCatalogue cat = TableCatalogue.read(c, TableObserver.oid(c, spec.table()));
      TableKey key = TableKey.find(c, cat, "coded_code").key();
      assertThat(key.collation(0)).isEqualTo("pg_catalog.\"en-x-icu\"");

      c.setAutoCommit(false);
      try (Statement s = c.createStatement()) {
        s.execute("ALTER TABLE coded ADD COLUMN amount_v2 bigint"); // as expand would, rolled back
        for (String setting : BackfillSession.PLANNER) {
          s.execute(setting); // as the backfill's session plans its batches
        }
      }
      String batch = plan(c, PostgresSchemaDialect.backfillBatch(spec, key, true),
          "'c1', 1000");
      String chunk = plan(c, PostgresSchemaDialect.verifyChunk(spec, key, true, java.util.Set.of()),
          "'c1', 1000");
      c.rollback();

      // the walk locks its rows through the index (an index scan: the locks need the heap), the
      // update finds each through it; the one Sort left orders the batch's own 1,000 keys
      assertThat(batch).as(batch).contains("LockRows")
          .contains("Index Scan using coded_code on coded  ")
          .contains("Index Scan using coded_code on coded t").doesNotContain("Seq Scan")
          .doesNotContain("Sort Key: coded.code");
      assertThat(chunk).as(chunk).contains("Index Scan using coded_code on coded")
          .doesNotContain("Seq Scan").doesNotContain("Sort");
    }
  }

  @Test
  void theObservationTellsHowTheWalkIsPlanned() {
    TableObservation coded = activities.observe(db.target(), change("coded", "coded_code"),
        null);
    TableObservation plain = activities.observe(db.target(), change("plain", null), null);
    TableObservation mixed = activities.observe(db.target(), change("mixed", "mixed_a_b"),
        null);

    assertThat(coded.keyWalk().usesIndex("coded_code")).as(coded.keyWalk().describe()).isTrue();
    assertThat(coded.keyWalk().describe()).isEqualTo("Index Only Scan using coded_code");
    assertThat(plain.keyWalk().usesIndex("plain_pkey")).as(plain.keyWalk().describe()).isTrue();
    assertThat(mixed.keyWalk().usesIndex("mixed_a_b")).as(mixed.keyWalk().describe()).isFalse();
    assertThat(mixed.keyWalk().sorts()).isTrue();
  }

  @Test
  void aCollatedKeyIsBackfilledAndVerifiedInItsIndexsOrder() throws Exception {
    TableChange change = change("lettered", "lettered_code");
    activities.expand(db.target(), change, OWNER);

    BackfillResult done = activities.backfill(db.target(), change, new BackfillSettings(
        List.of("code"), 100, 500, 1_500, null, null, 100, 100));
    VerifyResult verified = activities.verify(db.target(), change,
        new VerifySettings(List.of("code"), 100, 5));

    assertThat(done.rowsUpdated()).isEqualTo(3_000);
    assertThat(db.count("SELECT count(*) FROM lettered WHERE amount_v2 IS NULL")).isZero();
    assertThat(verified.rowsChecked()).isEqualTo(3_000);
    assertThat(verified.mismatches()).isZero();
  }

  /**
   * The plan PostgreSQL makes for {@code sql} (JDBC {@code ?} parameters) with these arguments,
   * as for a batch: prepared, explained, deallocated.
   */
  static String plan(Connection c, String sql, String arguments) throws SQLException {
    StringBuilder numbered = new StringBuilder();
    int n = 0;
    for (char ch : sql.toCharArray()) {
      numbered.append(ch == '?' ? "$" + ++n : String.valueOf(ch));
    }
    List<String> lines = new ArrayList<>();
    try (Statement s = c.createStatement()) {
      s.execute("PREPARE walk AS " + numbered);
      s.execute("SET plan_cache_mode = force_custom_plan");
      try (ResultSet rs = s.executeQuery("EXPLAIN EXECUTE walk (" + arguments + ")")) {
        while (rs.next()) {
          lines.add(rs.getString(1));
        }
      } finally {
        s.execute("RESET plan_cache_mode");
        s.execute("DEALLOCATE walk");
      }
    }
    return String.join("\n", lines);
  }
}
