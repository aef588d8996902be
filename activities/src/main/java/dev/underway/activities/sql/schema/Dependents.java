package dev.underway.activities.sql.schema;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * What stands in the way of a change besides the table itself, found the same way at the
 * observation (shown at the first gate) and at the contract (refused there before anything is
 * dropped):
 *
 * <ul>
 *   <li>{@link #blocking}: every object that must change before the contract can drop the
 *       replaced columns: what {@code pg_depend} records (views, rules, constraints, indexes over
 *       other columns too, triggers with a column list or WHEN, policies), and the functions of
 *       the table's other triggers whose source names a dropped column as a whole word (after the
 *       drop, each of their writes fails: {@code record "new" has no field});
 *   <li>{@link #triggersAfterSync}: the application's BEFORE ROW triggers on INSERT or UPDATE that
 *       fire after the sync trigger (row triggers fire in name order) and whose function names a
 *       changed column: they change values after the shapes were synced, and the shapes diverge.
 * </ul>
 *
 * A function's source is matched as text: a name in a comment or a string counts too.
 */
public final class Dependents {
  private Dependents() {}

  /** A trigger of the table and its function. */
  record Trigger(String name, String function, String source, int type) {

    boolean beforeRowInsertOrUpdate() {
      return (type & PostgresCatalogQueries.TRIGGER_ROW) != 0
          && (type & PostgresCatalogQueries.TRIGGER_BEFORE) != 0
          && (type & PostgresCatalogQueries.TRIGGER_INSTEAD) == 0
          && (type & (PostgresCatalogQueries.TRIGGER_INSERT
              | PostgresCatalogQueries.TRIGGER_UPDATE)) != 0;
    }
  }

  /**
   * Every object that must change before {@code spec}'s replaced columns can be dropped from the
   * table {@code oid}, one sentence each naming the columns it uses; empty when none.
   */
  public static List<String> blocking(Connection c, long oid, ChangeSpec spec)
      throws SQLException {
    Map<String, List<String>> found = new LinkedHashMap<>();
    try (PreparedStatement ps = c.prepareStatement(PostgresSchemaDialect.COLUMN_DEPENDENTS)) {
      for (String col : spec.dropped()) {
        ps.setLong(1, oid);
        ps.setString(2, col);
        ps.setArray(3, c.createArrayOf("text", own(spec).toArray()));
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) {
            found.computeIfAbsent(rs.getString(1), k -> new ArrayList<>()).add(col);
          }
        }
      }
    }
    List<String> out = new ArrayList<>();
    found.forEach((what, cols) -> out.add(what + " uses " + String.join(", ", cols)));
    for (Trigger t : triggers(c, oid)) {
      if (own(spec).contains(t.name())) {
        continue;
      }
      List<String> named = named(t.source(), spec.dropped());
      if (!named.isEmpty()) {
        out.add("function " + t.function() + " of trigger " + t.name() + " names "
            + String.join(", ", named) + " in its source: once the contract drops "
            + (named.size() == 1 ? "it" : "them") + ", every write it fires on fails (record"
            + " \"new\" has no field \"" + named.get(0) + "\")");
      }
    }
    return out;
  }

  /**
   * The application's BEFORE ROW INSERT/UPDATE triggers that fire after the sync trigger and whose
   * function names one of {@code changed} (the replaced columns, the new ones, those an {@code up}
   * reads), one sentence each; empty when none.
   */
  public static List<String> triggersAfterSync(Connection c, long oid, ChangeSpec spec,
      List<String> changed) throws SQLException {
    String sync = spec.names().trigger();
    List<String> out = new ArrayList<>();
    for (Trigger t : triggers(c, oid)) {
      if (!t.beforeRowInsertOrUpdate() || compareNames(t.name(), sync) <= 0) {
        continue;
      }
      List<String> named = named(t.source(), changed);
      if (!named.isEmpty()) {
        out.add("trigger " + t.name() + " (function " + t.function() + ") fires after the sync"
            + " trigger " + sync + " (row triggers fire in name order) and names "
            + String.join(", ", named) + ": a value it changes there is not synced to the other"
            + " shape, and the shapes diverge; rename it to sort before " + sync + ", or make"
            + " it leave those columns alone");
      }
    }
    return out;
  }

  /** The change's own triggers: the sync trigger and its two column triggers. */
  static List<String> own(ChangeSpec spec) {
    List<String> own = new ArrayList<>(spec.names().helpers().namedNewTriggers());
    own.add(spec.names().helpers().namedOldTrigger());
    own.add(spec.names().trigger());
    return own;
  }

  /** The table's own triggers with their functions' sources, in name order. */
  static List<Trigger> triggers(Connection c, long oid) throws SQLException {
    List<Trigger> out = new ArrayList<>();
    try (PreparedStatement ps = c.prepareStatement(PostgresCatalogQueries.TRIGGER_FUNCTIONS)) {
      ps.setLong(1, oid);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          out.add(new Trigger(rs.getString(1), rs.getString(2), rs.getString(3), rs.getInt(4)));
        }
      }
    }
    return out;
  }

  /** The columns {@code source} names as whole words (identifiers fold to lower case). */
  static List<String> named(String source, List<String> columns) {
    if (source == null) {
      return List.of();
    }
    String text = source.toLowerCase(Locale.ROOT);
    List<String> out = new ArrayList<>();
    for (String col : columns) {
      Pattern word = Pattern.compile("(?<![a-z0-9_$])" + Pattern.quote(col.toLowerCase(Locale.ROOT))
          + "(?![a-z0-9_$])");
      if (word.matcher(text).find() && !out.contains(col)) {
        out.add(col);
      }
    }
    return out;
  }

  /** Names in PostgreSQL's trigger order: byte order of their UTF-8, i.e. code point order. */
  static int compareNames(String a, String b) {
    return java.util.Arrays.compare(a.codePoints().toArray(), b.codePoints().toArray());
  }
}
