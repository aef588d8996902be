package dev.underway.activities.sql.schema;

import dev.underway.workflows.schema.contract.ChangeObjects;
import dev.underway.activities.sql.SqlQuoting;
import java.util.ArrayList;
import java.util.List;

/**
 * The sync's objects besides its main function ({@link SyncTriggers#mainFunction}): one column
 * trigger per new column and one for the old side (they mark which columns an UPDATE names, and
 * fire first: row triggers fire in name order), the sync trigger itself, the stray-write
 * evidence (two sequences and the SECURITY DEFINER function that advances them), all {@code
 * ENABLE ALWAYS}. Pure: it builds text; {@link Sync} runs it.
 */
final class SyncObjects {
  private SyncObjects() {}

  private static final String DELIMITER = SyncTriggers.DELIMITER;

  /** Everything expand creates, in order, for {@code phase}. */
  static List<String> install(ChangeSpec spec, SyncColumns cols, String phase) {
    List<String> out = new ArrayList<>();
    ChangeObjects.Helpers h = spec.names().helpers();
    String schema = SqlQuoting.identifier(spec.table().schema()) + ".";
    out.add("CREATE SEQUENCE IF NOT EXISTS " + schema + SqlQuoting.identifier(h.strayCount()));
    out.add("CREATE SEQUENCE IF NOT EXISTS " + schema + SqlQuoting.identifier(h.strayAt()));
    out.add(strayFunction(spec));
    out.add("GRANT EXECUTE ON FUNCTION " + SyncTriggers.qualified(spec, h.strayFunction()) + "() TO PUBLIC");
    out.add(namedFunction(spec));
    out.add(SyncTriggers.mainFunction(spec, cols, phase));
    for (int i = 0; i < cols.newSide().size(); i++) {
      out.add(trigger(spec, h.namedNewTriggers().get(i), "UPDATE OF "
          + ExpressionColumns.quoted(List.of(cols.newSide().get(i))), h.namedFunction(),
          "'n" + i + ";'"));
    }
    if (!cols.oldSide().isEmpty()) {
      out.add(trigger(spec, h.namedOldTrigger(), "UPDATE OF "
          + ExpressionColumns.quoted(cols.oldSide()), h.namedFunction(), "'o'"));
    }
    out.add(trigger(spec, spec.names().trigger(), "INSERT OR UPDATE", spec.names().function(),
        ""));
    for (String t : triggers(spec)) {
      if (t.equals(h.namedOldTrigger()) && cols.oldSide().isEmpty()) {
        continue;
      }
      out.add("ALTER TABLE " + spec.table().qualified() + " ENABLE ALWAYS TRIGGER "
          + SqlQuoting.identifier(t));
    }
    return out;
  }

  /** Everything {@link #install} created, dropped (the columns stay). */
  static List<String> drop(ChangeSpec spec) {
    ChangeObjects.Helpers h = spec.names().helpers();
    String schema = SqlQuoting.identifier(spec.table().schema()) + ".";
    List<String> out = new ArrayList<>();
    for (String t : triggers(spec)) {
      out.add("DROP TRIGGER IF EXISTS " + SqlQuoting.identifier(t) + " ON "
          + spec.table().qualified());
    }
    out.add("DROP FUNCTION IF EXISTS " + SyncTriggers.qualified(spec, spec.names().function()) + "()");
    out.add("DROP FUNCTION IF EXISTS " + SyncTriggers.qualified(spec, h.namedFunction()) + "()");
    out.add("DROP FUNCTION IF EXISTS " + SyncTriggers.qualified(spec, h.strayFunction()) + "()");
    out.add("DROP SEQUENCE IF EXISTS " + schema + SqlQuoting.identifier(h.strayCount()));
    out.add("DROP SEQUENCE IF EXISTS " + schema + SqlQuoting.identifier(h.strayAt()));
    return out;
  }

  /** The sync's triggers: one per new column, the old side's, then the sync trigger. */
  static List<String> triggers(ChangeSpec spec) {
    List<String> out = new ArrayList<>(spec.names().helpers().namedNewTriggers());
    out.add(spec.names().helpers().namedOldTrigger());
    out.add(spec.names().trigger());
    return out;
  }

  /** The evidence starts again (at every change of the writes flag). Non-transactional. */
  static String resetEvidence(ChangeSpec spec) {
    ChangeObjects.Helpers h = spec.names().helpers();
    return "SELECT setval(" + SyncTriggers.regclass(spec, h.strayCount()) + ", 1, false), setval("
        + SyncTriggers.regclass(spec, h.strayAt()) + ", 1, false)";
  }

  /** The evidence now: count, epoch milliseconds of the last one (0: none). */
  static String readEvidence(ChangeSpec spec) {
    ChangeObjects.Helpers h = spec.names().helpers();
    String schema = SqlQuoting.identifier(spec.table().schema()) + ".";
    return "SELECT (SELECT CASE WHEN is_called THEN last_value ELSE 0 END FROM " + schema
        + SqlQuoting.identifier(h.strayCount()) + "), (SELECT CASE WHEN is_called THEN"
        + " last_value ELSE 0 END FROM " + schema + SqlQuoting.identifier(h.strayAt()) + ")";
  }

  /** The column triggers' function: appends its argument ({@code n} or {@code o}) to the mark. */
  private static String namedFunction(ChangeSpec spec) {
    String marker = SyncTriggers.literal(spec.names().helpers().namedSetting());
    return "CREATE OR REPLACE FUNCTION " + SyncTriggers.qualified(spec, spec.names().helpers().namedFunction())
        + "() RETURNS trigger LANGUAGE plpgsql AS " + DELIMITER + "\nBEGIN\n"
        + "  PERFORM set_config(" + marker + ", coalesce(current_setting(" + marker
        + ", true), '') || TG_ARGV[0], true);\n  RETURN NEW;\nEND\n" + DELIMITER;
  }

  /** Counts one stray write and notes its time; runs as its owner (the writer needs no grant). */
  private static String strayFunction(ChangeSpec spec) {
    ChangeObjects.Helpers h = spec.names().helpers();
    return "CREATE OR REPLACE FUNCTION " + SyncTriggers.qualified(spec, h.strayFunction())
        + "() RETURNS void LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog,"
        + " pg_temp AS " + DELIMITER + "\nBEGIN\n  PERFORM nextval(" + SyncTriggers.regclass(spec,
        h.strayCount()) + ");\n  PERFORM setval(" + SyncTriggers.regclass(spec, h.strayAt())
        + ", (extract(epoch FROM clock_timestamp()) * 1000)::bigint);\nEND\n" + DELIMITER;
  }

  private static String trigger(ChangeSpec spec, String name, String events, String function,
      String argument) {
    return "CREATE OR REPLACE TRIGGER " + SqlQuoting.identifier(name) + " BEFORE " + events
        + " ON " + spec.table().qualified() + " FOR EACH ROW EXECUTE FUNCTION "
        + SyncTriggers.qualified(spec, function) + "(" + argument + ")";
  }

}
