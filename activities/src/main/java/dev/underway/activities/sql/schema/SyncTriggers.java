package dev.underway.activities.sql.schema;

import dev.underway.workflows.schema.contract.ChangeObjects;
import dev.underway.activities.sql.SqlQuoting;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The sync trigger's SQL, so that writers of the old shape and of the new shape can run at the
 * same time without a write being lost (pgroll's up/down triggers). Pure: it builds text; {@link
 * Sync} runs it.
 *
 * <p>Which shape a write is never comes from comparing values. In this order:
 *
 * <ol>
 *   <li>the writer's <b>declaration</b>: the session (or transaction, or role) setting {@link
 *       ChangeObjects#shapeSetting()} = {@code old}, {@code both} or {@code new};
 *   <li>which <b>side the statement names</b>: an UPDATE's SET list (two {@code BEFORE UPDATE OF}
 *       column triggers, which fire first, mark the row in a transaction-local setting, in
 *       whichever order they fire: one naming both sides is both); an INSERT,
 *       which says no column list, gives a side when one of its columns is not NULL and none of
 *       them has a default (a default would make every INSERT give it);
 *   <li>the <b>phase</b>, baked into the function and rebuilt in the same transaction as every
 *       change of the writes flag: a statement that names both sides is taken as written while
 *       writes are {@code both} (the writer keeps both right), as new-shape once writes are
 *       {@code new}, as old-shape once they are {@code old} (a rollback); an INSERT that gives no
 *       side is old-shape unless writes are {@code new}; an UPDATE that names neither side
 *       changes nothing the change syncs, and nothing is recomputed.
 * </ol>
 *
 * <p>An old-shape write gets every new column from its {@code up}; a new-shape write gets every
 * replaced column that has a {@code down} from it; {@code both} is kept as written. With a
 * version column, every write that is synced sets it. A write of a shape the phase no longer
 * allows (old-shape, or a statement naming a dropped column, after {@code writes=new}; new-shape
 * after {@code writes=old}; old-only while {@code both}) is recorded as evidence: a count and the
 * time of the last one, in two sequences (no row lock, nothing a writer waits for).
 *
 * <p>Inside the main function the columns the expressions read are PL/pgSQL variables of the
 * same name and type holding the row being written (only those: dropping an unrelated column
 * never breaks it), so {@code up} and {@code down} read exactly as in the backfill's and the
 * verify's SQL. All three triggers are {@code ENABLE ALWAYS}: they fire for logical replication's
 * apply and under {@code session_replication_role = replica} too.
 */
public final class SyncTriggers {
  private SyncTriggers() {}

  /** The dollar-quote of the function bodies; an expression holding it is refused. */
  static final String DELIMITER = "$underway_sync$";

  /** The phases, the writes flag's values. */
  public static final String BOTH = "both";
  public static final String NEW = "new";
  public static final String OLD = "old";

  /** What the backfill declares: old-shape, never evidence. */
  public static final String BACKFILL = "backfill";

  /** Column names that cannot be PL/pgSQL variables in the function. */
  static final Set<String> RESERVED = Set.of("new", "old", "found");

  /** Whether a column cannot be read by an expression of the sync (a PL/pgSQL name). */
  static boolean reserved(String column) {
    return RESERVED.contains(column) || column.startsWith("tg_")
        || column.startsWith("underway_");
  }

  /** The main function for {@code phase} ({@link #BOTH}, {@link #NEW} or {@link #OLD}). */
  static String mainFunction(ChangeSpec spec, SyncColumns cols, String phase) {
    ChangeObjects names = spec.names();
    StringBuilder b = new StringBuilder("CREATE OR REPLACE FUNCTION ")
        .append(qualified(spec, names.function()))
        .append("() RETURNS trigger LANGUAGE plpgsql AS ").append(DELIMITER)
        .append("\n-- Underway schema change of ").append(spec.table()).append(", writes = ")
        .append(phase).append("\nDECLARE\n  underway_declared text := coalesce(current_setting(")
        .append(literal(names.shapeSetting())).append(", true), '');\n")
        .append("  underway_named text := '';\n  underway_sides text := '';\n")
        .append("  underway_shape text;\n");
    for (SyncColumns.Typed v : cols.variables()) {
      String q = id(v.name());
      b.append("  ").append(q).append(' ').append(v.type()).append(" := NEW.").append(q)
          .append(";\n");
    }
    String marker = literal(names.helpers().namedSetting());
    b.append("BEGIN\n  IF TG_OP = 'UPDATE' THEN\n")
        .append("    underway_named := coalesce(current_setting(").append(marker)
        .append(", true), '');\n    IF underway_named <> '' THEN\n")
        .append("      PERFORM set_config(").append(marker).append(", '', true);\n")
        .append("    END IF;\n")
        // the column triggers fire in name order, the new columns' first: 'n0;o' names both
        .append("    underway_sides := CASE WHEN strpos(underway_named, 'o') > 0 THEN 'o'")
        .append(" ELSE '' END\n      || CASE WHEN strpos(underway_named, 'n') > 0 THEN 'n'")
        .append(" ELSE '' END;\n  ELSE\n");
    if (!cols.oldSideDefaults()) {
      b.append("    IF ").append(anyNotNull(cols.oldSide()))
          .append(" THEN\n      underway_sides := 'o';\n    END IF;\n");
    }
    if (!cols.newSideDefaults()) {
      b.append("    IF ").append(anyNotNull(cols.newSide()))
          .append(" THEN\n      underway_sides := underway_sides || 'n';\n    END IF;\n");
    }
    if (cols.oldSideDefaults() && cols.newSideDefaults()) {
      b.append("    NULL; -- both sides have defaults: an INSERT gives no side\n");
    }
    b.append("  END IF;\n  underway_shape := CASE\n")
        .append("    WHEN underway_declared IN ('old', 'both', 'new') THEN underway_declared\n")
        .append("    WHEN underway_declared = '").append(BACKFILL).append("' THEN 'old'\n")
        .append("    WHEN underway_sides = 'o' THEN 'old'\n")
        .append("    WHEN underway_sides = 'n' THEN 'new'\n")
        .append("    WHEN underway_sides = 'on' THEN '").append(bothNamed(phase)).append("'\n")
        .append("    WHEN TG_OP = 'UPDATE' THEN 'none'\n")
        .append("    ELSE '").append(NEW.equals(phase) ? NEW : OLD).append("' END;\n")
        .append(fillUnfilled(spec, cols))
        .append("  IF underway_shape = 'old' THEN\n").append(ups(spec, "    "));
    if (spec.hasDown()) {
      b.append("  ELSIF underway_shape = 'new' THEN\n").append(downs(spec, "    "));
    }
    b.append("  END IF;\n");
    if (spec.versionColumn() != null) {
      b.append("  IF underway_shape <> 'none' THEN\n    NEW.").append(id(spec.versionColumn()))
          .append(" := ").append(spec.version()).append(";\n  END IF;\n");
    }
    b.append("  IF ").append(stray(spec, phase)).append(" THEN\n    PERFORM ")
        .append(qualified(spec, names.helpers().strayFunction())).append("();\n  END IF;\n")
        .append("  RETURN NEW;\nEND\n").append(DELIMITER);
    return b.toString();
  }

  /**
   * A new-shape (or both-shape) UPDATE of a row the backfill has not filled yet (its new columns
   * all still NULL): the new columns the statement does not name get their {@code up} first, so
   * that a write of one of a split's columns does not join the other's NULL into the old column.
   */
  private static String fillUnfilled(ChangeSpec spec, SyncColumns cols) {
    String written = cols.writtenWithNulls("OLD.");
    StringBuilder b = new StringBuilder("  IF underway_shape IN ('new', 'both') AND TG_OP ="
        + " 'UPDATE' AND ")
        .append(spec.add().stream().map(c -> "OLD." + id(c.name()) + " IS NULL")
            .collect(Collectors.joining(" AND ")))
        .append(written == null ? "" : " AND NOT " + written)
        .append(" THEN\n    -- a row not filled yet: the new columns the statement does not name"
            + " come from up first\n");
    for (int i = 0; i < spec.add().size(); i++) {
      var c = spec.add().get(i);
      b.append("    IF strpos(underway_named, 'n").append(i).append(";') = 0 THEN\n      NEW.")
          .append(id(c.name())).append(" := (").append(c.up()).append(");\n    END IF;\n");
    }
    for (SyncColumns.Typed v : cols.variables()) {
      if (spec.add().stream().anyMatch(c -> c.name().equals(v.name()))) {
        b.append("    ").append(id(v.name())).append(" := NEW.").append(id(v.name()))
            .append(";\n");
      }
    }
    return b.append("  END IF;\n").toString();
  }

  /** How a statement naming both sides is taken in {@code phase}. */
  private static String bothNamed(String phase) {
    return NEW.equals(phase) ? NEW : OLD.equals(phase) ? OLD : BOTH;
  }

  /**
   * When a write is evidence of a writer the phase no longer allows: after {@code writes=new},
   * an old-shape or both-shape write, or (when the contract drops columns) any write naming the
   * old side; after {@code writes=old}, any write naming or declaring the new side; while
   * {@code both}, an old-only write (informational: such writers must be gone before {@code
   * writes=new}).
   */
  private static String stray(ChangeSpec spec, String phase) {
    String notBackfill = "underway_declared <> '" + BACKFILL + "'";
    if (NEW.equals(phase)) {
      return notBackfill + " AND (underway_shape IN ('old', 'both')"
          + (spec.replace().isEmpty() ? "" : " OR strpos(underway_sides, 'o') > 0") + ")";
    }
    if (OLD.equals(phase)) {
      return notBackfill + " AND (underway_shape IN ('new', 'both')"
          + " OR strpos(underway_sides, 'n') > 0)";
    }
    return "underway_declared = 'old' OR (underway_declared = '' AND underway_sides = 'o')";
  }

  private static String ups(ChangeSpec spec, String indent) {
    return spec.add().stream()
        .map(c -> indent + "NEW." + id(c.name()) + " := (" + c.up() + ");\n")
        .collect(Collectors.joining());
  }

  private static String downs(ChangeSpec spec, String indent) {
    return spec.downColumns().stream()
        .map(c -> indent + "NEW." + id(c.name()) + " := (" + c.down() + ");\n")
        .collect(Collectors.joining());
  }

  private static String anyNotNull(List<String> columns) {
    if (columns.isEmpty()) {
      return "false";
    }
    return columns.stream().map(c -> "NEW." + id(c) + " IS NOT NULL")
        .collect(Collectors.joining(" OR "));
  }

  static String qualified(ChangeSpec spec, String name) {
    return SqlQuoting.identifier(spec.table().schema()) + "." + SqlQuoting.identifier(name);
  }

  static String regclass(ChangeSpec spec, String sequence) {
    return literal(qualified(spec, sequence)) + "::regclass";
  }

  /** A literal of text that holds no quote or backslash of its own making (names we build). */
  static String literal(String s) {
    return "'" + s.replace("'", "''") + "'";
  }

  static String id(String name) {
    return SqlQuoting.identifier(name);
  }
}
