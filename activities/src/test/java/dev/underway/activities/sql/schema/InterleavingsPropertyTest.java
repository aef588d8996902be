package dev.underway.activities.sql.schema;

import static org.assertj.core.api.Assertions.assertThat;

import dev.underway.workflows.schema.contract.TableChange;
import dev.underway.workflows.schema.contract.VerifyResult;
import dev.underway.local.postgres.LocalPostgres;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;

/**
 * Any interleaving of application writes of either shape with the backfill's batches leaves
 * every row right, at a real PostgreSQL server, with the split example's names that do not
 * round-trip. jqwik generates the sequences (and shrinks a failing one to its smallest); each is
 * run, one statement after the other, on a fresh table: old-shape updates and inserts (the
 * name), new-shape ones (first and last name, or the last name alone, or both set to NULL),
 * updates of another column, deletes, and the
 * backfill's own batch statement walking the key two rows at a time. Afterwards the backfill
 * finishes, and every row must hold what its last writer meant (an old-shape write's name split
 * by {@code up}, a new-shape write's names as written and joined by {@code down}), and verify
 * must find no row whose shapes disagree.
 */
class InterleavingsPropertyTest {

  private static final String[] NAMES = {"Mary Ann Smith", "Bob", "Jo Ann Lee", "Al  Green",
      "Ann Lee"};
  private static final String[][] SPLITS = {{"Mary Ann", "Smith"}, {"Bob", null},
      {"Jo", "Ann Lee"}, {null, "Cher"}, {null, null}};
  private static final int ROWS = 6;

  private static Path dir;
  private static LocalPostgres pg;
  private static SchemaFixture db;
  private static int tables;

  @BeforeContainer
  static void start() throws Exception {
    dir = Files.createTempDirectory("underway-interleavings");
    pg = LocalPostgres.start(LocalPostgres.Options.under(dir));
    db = new SchemaFixture(pg, "interleavings");
  }

  @AfterContainer
  static void stop() throws java.io.IOException {
    if (pg != null) {
      pg.close();
    }
    PostgresDatabase.delete(dir);
  }

  /** One application write, or one backfill batch. */
  record Op(int kind, int row, int value) {
    static final int UPDATE_OLD = 0;
    static final int UPDATE_NEW = 1;
    static final int UPDATE_OTHER = 2;
    static final int INSERT_OLD = 3;
    static final int INSERT_NEW = 4;
    static final int DELETE = 5;
    static final int BATCH = 6;
    static final int UPDATE_LAST = 7;
  }

  @Provide
  Arbitrary<List<Op>> interleavings() {
    Arbitrary<Op> op = Combinators.combine(Arbitraries.integers().between(0, 7),
        Arbitraries.integers().between(1, ROWS + 4), Arbitraries.integers().between(0, 4))
        .as(Op::new);
    return op.list().ofMinSize(1).ofMaxSize(30);
  }

  @Property(tries = 60)
  void everyRowHoldsWhatItsLastWriterMeant(@ForAll("interleavings") List<Op> ops)
      throws Exception {
    String table = "people" + ++tables;
    db.sql("CREATE TABLE " + table + " (id bigint PRIMARY KEY, name text NOT NULL, note text)",
        "INSERT INTO " + table + " SELECT g, 'Ann Lee', 'n' FROM generate_series(1, " + ROWS
            + ") g");
    TableChange change = SchemaFixture.split(table);
    ChangeSpec spec = ChangeSpec.of(change);
    Map<Integer, String[]> meant = new HashMap<>();
    for (int id = 1; id <= ROWS; id++) {
      meant.put(id, old("Ann Lee"));
    }
    try (Connection c = db.connect()) {
      expand(c, spec, table);
      try (Connection app = db.connect(); Connection walk = db.connect()) {
        BackfillSession.prepare(walk, spec, java.time.Duration.ofSeconds(5));
        TableKey key = key(walk, spec);
        List<String> cursor = new ArrayList<>();
        for (Op op : ops) {
          if (op.kind() == Op.BATCH) {
            cursor = batch(walk, spec, key, cursor);
          } else {
            apply(app, table, op, meant);
          }
        }
        while (!(cursor = batch(walk, spec, key, cursor)).isEmpty()) {
          // the backfill goes on to the end
        }
      }
      for (var e : meant.entrySet()) {
        String[] row = row(c, table, e.getKey());
        assertThat(row).as("row " + e.getKey() + " after " + ops).isEqualTo(e.getValue());
      }
      VerifyResult v = new Verify(100, 5).run(c, spec, key(c, spec), null, p -> { });
      assertThat(v.mismatches()).as("verify after " + ops).isZero();
    }
  }

  /** What an old-shape write of {@code name} means: the name, split by up. */
  private static String[] old(String name) {
    String first = name.split(" ", 2)[0];
    String rest = name.indexOf(' ') < 0 ? null : name.substring(first.length() + 1);
    return new String[] {name, first, rest == null || rest.isEmpty() ? null : rest};
  }

  /** What a new-shape write of first and last name means: those, joined by down. */
  private static String[] split(String first, String last) {
    String joined = first == null ? (last == null ? "" : last)
        : last == null ? first : first + " " + last;
    return new String[] {joined, first, last};
  }

  private static void apply(Connection app, String table, Op op, Map<Integer, String[]> meant)
      throws SQLException {
    int id = op.row();
    String name = NAMES[op.value()];
    String[] names = SPLITS[op.value()];
    boolean exists = meant.containsKey(id);
    switch (op.kind()) {
      case Op.UPDATE_OLD -> {
        if (update(app, "UPDATE " + table + " SET name = ? WHERE id = ?", id, name)) {
          meant.put(id, old(name));
        }
      }
      case Op.UPDATE_NEW -> {
        if (update(app, "UPDATE " + table + " SET first_name = ?, last_name = ? WHERE id = ?",
            id, names[0], names[1])) {
          meant.put(id, split(names[0], names[1]));
        }
      }
      case Op.UPDATE_LAST -> {
        if (update(app, "UPDATE " + table + " SET last_name = ? WHERE id = ?", id, names[1])) {
          meant.put(id, split(meant.get(id)[1], names[1]));
        }
      }
      case Op.UPDATE_OTHER -> update(app, "UPDATE " + table + " SET note = 'x' WHERE id = ?", id);
      case Op.INSERT_OLD -> {
        if (!exists) {
          update(app, "INSERT INTO " + table + " (name, id) VALUES (?, ?)", id, name);
          meant.put(id, old(name));
        }
      }
      case Op.INSERT_NEW -> {
        if (!exists && (names[0] != null || names[1] != null)) {
          update(app, "INSERT INTO " + table + " (first_name, last_name, id) VALUES (?, ?, ?)",
              id, names[0], names[1]);
          meant.put(id, split(names[0], names[1]));
        }
      }
      case Op.DELETE -> {
        update(app, "DELETE FROM " + table + " WHERE id = ?", id);
        meant.remove(id);
      }
      default -> throw new IllegalArgumentException("op " + op);
    }
  }

  /** Runs a statement with {@code values} then the id last; whether it touched a row. */
  private static boolean update(Connection c, String sql, int id, String... values)
      throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(sql)) {
      int i = 1;
      for (String v : values) {
        ps.setString(i++, v);
      }
      ps.setLong(i, id);
      return ps.executeUpdate() > 0;
    }
  }

  private static void expand(Connection c, ChangeSpec spec, String table) throws SQLException {
    new Expand(new LockRetry(java.time.Duration.ofSeconds(1), 3,
        java.time.Duration.ofMillis(50)), new TableObserver())
        .expand(c, spec, "schema-change/interleavings/" + table);
  }

  private static TableKey key(Connection c, ChangeSpec spec) throws SQLException {
    TableCatalogue cat = TableCatalogue.read(c, TableObserver.oid(c, spec.table()));
    return TableKey.find(c, cat, null).key();
  }

  /** One production batch of two rows after {@code cursor}; the new cursor (empty: done). */
  private static List<String> batch(Connection walk, ChangeSpec spec, TableKey key,
      List<String> cursor) throws SQLException {
    String writtenWithNulls = SyncColumns.read(walk, spec,
        TableObserver.oid(walk, spec.table())).writtenWithNulls("t.");
    try (PreparedStatement ps = walk.prepareStatement(
        PostgresSchemaDialect.backfillBatch(spec, key, !cursor.isEmpty(), writtenWithNulls))) {
      int i = 1;
      for (String v : cursor) {
        ps.setString(i++, v);
      }
      ps.setInt(i, 2);
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next() ? List.of(rs.getString(2)) : List.of();
      }
    }
  }

  private static String[] row(Connection c, String table, int id) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(
        "SELECT name, first_name, last_name FROM " + table + " WHERE id = ?")) {
      ps.setLong(1, id);
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next() ? new String[] {rs.getString(1), rs.getString(2), rs.getString(3)}
            : null;
      }
    }
  }
}
