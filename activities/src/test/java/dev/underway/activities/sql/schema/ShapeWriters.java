package dev.underway.activities.sql.schema;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.LongSupplier;

/**
 * Every kind of application writer of the matrix, each writing through one connection (in
 * autocommit) and recording what it meant in {@link MeantRows}: old shape and new shape
 * (UPDATE and INSERT naming only that side, undeclared), both shapes consistently (declared
 * {@code both} with {@code SET LOCAL}, or undeclared while writes are {@code both}), an ORM
 * saving the whole row it read (and checking what it read), upserts in each shape repeating
 * their values, COPY of rows of each shape, and sessions under {@code session_replication_role
 * = replica}. Values come from {@link MatrixKind}.
 */
final class ShapeWriters {

  /** When the writers run, and what the application reads and writes then. */
  enum Phase {
    BEFORE_EXPAND("before expand", null),
    DURING_BACKFILL("writes=both during the backfill", "both"),
    AFTER_BACKFILL("writes=both after the backfill", "both"),
    READS_NEW("reads=new", "both"),
    WRITES_NEW("writes=new", "new"),
    ROLLBACK("writes=old in a rollback", "old"),
    /** Writers that run on while the flags change under them. */
    FLAGS_CHANGING("while the flags change", "changing");

    final String label;
    final String writes;

    Phase(String label, String writes) {
      this.label = label;
      this.writes = writes;
    }

    boolean expanded() {
      return writes != null;
    }
  }

  private final Connection c;
  private final MatrixKind kind;
  private final RowStatements sql;
  private final String shapeSetting;
  private final MeantRows model;
  private long nextId;
  private int n;

  ShapeWriters(Connection c, MatrixKind kind, String table, String shapeSetting, MeantRows model,
      long firstFreshId) {
    this.c = c;
    this.kind = kind;
    this.sql = new RowStatements(c, kind, table);
    this.shapeSetting = shapeSetting;
    this.model = model;
    this.nextId = firstFreshId;
  }

  /** Every writer the phase has, each on rows {@code target} names (and rows of its own). */
  void all(Phase p, LongSupplier target) throws SQLException {
    oldUpdate(p, target.getAsLong(), "old-shape UPDATE");
    oldInsert(p, "old-shape INSERT");
    orm(p, target.getAsLong());
    upsert(p, target.getAsLong(), false);
    upsert(p, nextId++, false);
    copy(p, false);
    replica(p, target.getAsLong(), target.getAsLong());
    if (!p.expanded()) {
      return;
    }
    newUpdate(p, target.getAsLong(), "new-shape UPDATE");
    newInsert(p, "new-shape INSERT");
    both(p, target.getAsLong(), true);
    if ("both".equals(p.writes)) {
      both(p, target.getAsLong(), false);
    }
    upsert(p, target.getAsLong(), true);
    upsert(p, nextId++, true);
    copy(p, true);
  }

  void oldUpdate(Phase p, long id, String who) throws SQLException {
    List<String> values = kind.oldValues(++n);
    assertThat(sql.update(kind.oldNames(), values, id)).isEqualTo(1);
    model.old(id, values, who + " at " + p.label);
  }

  long oldInsert(Phase p, String who) throws SQLException {
    long id = nextId++;
    List<String> values = kind.oldValues(++n);
    sql.insert(kind.oldNames(), values, id, "i" + n);
    model.old(id, values, who + " at " + p.label);
    model.note(id, "i" + n);
    return id;
  }

  void newUpdate(Phase p, long id, String who) throws SQLException {
    List<String> values = kind.newValues(++n, kind.replaces() ? List.of() : model.old(c, id));
    assertThat(sql.update(kind.newNames(), values, id)).isEqualTo(1);
    model.neu(id, values, who + " at " + p.label);
  }

  long newInsert(Phase p, String who) throws SQLException {
    long id = nextId++;
    List<String> values = kind.newInsertValues(++n);
    sql.insert(kind.newInsertNames(), values, id, "i" + n);
    recordNewInsert(id, values, who + " at " + p.label);
    model.note(id, "i" + n);
    return id;
  }

  private void recordNewInsert(long id, List<String> values, String by) {
    if (kind.replaces()) {
      model.neu(id, values, by);
    } else {
      int k = kind.oldNames().size();
      model.both(id, values.subList(0, k), values.subList(k, values.size()), by);
    }
  }

  /** Both shapes, consistently, in one transaction: declared {@code both}, or not. */
  void both(Phase p, long id, boolean declared) throws SQLException {
    String who = (declared ? "declared" : "undeclared") + " both-shape writer at " + p.label;
    List<String> names = new ArrayList<>(kind.oldNames());
    names.addAll(kind.newNames());
    List<List<String>> updated = kind.bothValues(++n);
    List<List<String>> inserted = kind.bothValues(++n);
    long fresh = nextId++;
    c.setAutoCommit(false);
    try {
      if (declared) {
        try (Statement s = c.createStatement()) {
          s.execute("SET LOCAL " + shapeSetting + " = 'both'");
        }
      }
      assertThat(sql.update(names, concat(updated), id)).isEqualTo(1);
      sql.insert(names, concat(inserted), fresh, "b" + n);
      c.commit();
    } finally {
      c.setAutoCommit(true);
    }
    model.both(id, updated.get(0), updated.get(1), who);
    model.both(fresh, inserted.get(0), inserted.get(1), who);
    model.note(fresh, "b" + n);
  }

  /**
   * An ORM: reads the whole row (every column of the shapes it maps), checks it holds what was
   * meant, and saves every column back, all unchanged but the note (and, where the phase has
   * one shape, one column of that shape).
   */
  void orm(Phase p, long id) throws SQLException {
    List<String> names = new ArrayList<>(kind.oldNames());
    if (p.expanded()) {
      names.addAll(kind.newNames());
    }
    List<String> read = sql.read(names, id);
    int k = kind.oldNames().size();
    List<String> old = new ArrayList<>(read.subList(0, k));
    List<String> neu = new ArrayList<>(read.subList(k, read.size()));
    assertThat(old).as("the old side an ORM read of row %d at %s", id, p.label)
        .isEqualTo(model.old(c, id));
    boolean unfilled = p == Phase.DURING_BACKFILL && neu.stream().allMatch(Objects::isNull);
    if (p.expanded() && !unfilled) {
      assertThat(neu).as("the new side an ORM read of row %d at %s", id, p.label)
          .isEqualTo(model.neu(c, id));
    }
    String note = "orm" + ++n;
    if (p == Phase.WRITES_NEW && kind.replaces()) {
      neu.set(0, kind.newValues(n, List.of()).get(0));
    } else if (p == Phase.BEFORE_EXPAND || p == Phase.ROLLBACK) {
      old.set(0, kind.oldValues(n).get(0));
    }
    List<String> values = new ArrayList<>(old);
    values.addAll(neu);
    List<String> all = new ArrayList<>(names);
    all.add("note");
    values.add(note);
    all.add(0, "id");
    values.add(0, String.valueOf(id));
    assertThat(sql.update(all, values, id)).isEqualTo(1);
    String by = "ORM full-row save at " + p.label;
    if (p == Phase.WRITES_NEW) {
      model.neu(id, neu, by);
    } else if (!p.expanded() || p == Phase.ROLLBACK || unfilled) {
      model.old(id, old, by);
    } else {
      model.both(id, old, neu, by);
    }
    model.note(id, note);
  }

  /** {@code INSERT … ON CONFLICT (id) DO UPDATE} in one shape, run twice with the same values. */
  void upsert(Phase p, long id, boolean newShape) throws SQLException {
    List<String> names = newShape ? kind.newInsertNames() : kind.oldNames();
    List<String> values = newShape ? kind.newInsertValues(++n) : kind.oldValues(++n);
    sql.upsert(names, values, id, "u" + n);
    sql.upsert(names, values, id, "u" + n);
    String by = (newShape ? "new" : "old") + "-shape upsert at " + p.label;
    if (newShape) {
      recordNewInsert(id, values, by);
    } else {
      model.old(id, values, by);
    }
    model.note(id, "u" + n);
  }

  /** Two rows of one shape through COPY (pgjdbc's CopyManager). */
  void copy(Phase p, boolean newShape) throws SQLException {
    List<List<String>> rows = new ArrayList<>();
    String by = (newShape ? "new" : "old") + "-shape COPY at " + p.label;
    for (int row = 0; row < 2; row++) {
      long id = nextId++;
      List<String> values = newShape ? kind.newInsertValues(++n) : kind.oldValues(++n);
      List<String> line = new ArrayList<>(List.of(String.valueOf(id)));
      line.addAll(values);
      line.add("c" + n);
      rows.add(line);
      if (newShape) {
        recordNewInsert(id, values, by);
      } else {
        model.old(id, values, by);
      }
      model.note(id, "c" + n);
    }
    sql.copy(newShape ? kind.newInsertNames() : kind.oldNames(), rows);
  }

  /** Writers whose session runs with {@code session_replication_role = replica}. */
  void replica(Phase p, long oldRow, long newRow) throws SQLException {
    try (Statement s = c.createStatement()) {
      s.execute("SET session_replication_role = replica");
    }
    try {
      oldUpdate(p, oldRow, "replica-role old-shape UPDATE");
      oldInsert(p, "replica-role old-shape INSERT");
      if (p.expanded()) {
        newUpdate(p, newRow, "replica-role new-shape UPDATE");
        newInsert(p, "replica-role new-shape INSERT");
      }
    } finally {
      try (Statement s = c.createStatement()) {
        s.execute("SET session_replication_role = origin");
      }
    }
  }

  private static List<String> concat(List<List<String>> sides) {
    List<String> out = new ArrayList<>(sides.get(0));
    out.addAll(sides.get(1));
    return out;
  }
}
