package dev.underway.activities.sql.schema;

import dev.underway.activities.sql.SqlQuoting;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The sync trigger's function, so that old-shape and new-shape writers can run at the same time
 * (pgroll's up/down triggers). A {@code BEFORE INSERT OR UPDATE ... FOR EACH ROW} trigger:
 *
 * <ul>
 *   <li>an INSERT that leaves every new column NULL is an old-shape write: the new columns get
 *       their {@code up}; any other INSERT is a new-shape write: the old columns that have a
 *       {@code down} get it;
 *   <li>an UPDATE that leaves every new column as it was is an old-shape write (or the backfill's
 *       touch of the row): the new columns get their {@code up}; an UPDATE that changes a new
 *       column and none of the old columns with a {@code down} is a new-shape write: those get
 *       their {@code down}; an UPDATE that changes both is kept as written;
 *   <li>with a version column, every write sets it to the change's version.
 * </ul>
 *
 * <p>Inside the function each column of the table is a PL/pgSQL variable of the same name and
 * type holding the row being written, so {@code up} and {@code down} read exactly as they do in
 * the backfill's and the verify's SQL. Columns named like PL/pgSQL's own variables ({@code new},
 * {@code old}, {@code tg_*}, {@code found}) cannot be used in expressions.
 */
public final class SyncTriggers {
  private SyncTriggers() {}

  /** The dollar-quote of the function body; an expression holding it is refused. */
  static final String DELIMITER = "$underway_sync$";

  private static final Set<String> RESERVED = Set.of("new", "old", "found");

  /** {@code CREATE OR REPLACE FUNCTION ...}: the function over the table's current columns. */
  public static String function(ChangeSpec spec, List<String> tableColumns) {
    TableName t = spec.table();
    StringBuilder b = new StringBuilder("CREATE OR REPLACE FUNCTION ")
        .append(PostgresSchemaDialect.syncFunction(spec))
        .append("() RETURNS trigger LANGUAGE plpgsql AS ").append(DELIMITER).append("\nDECLARE\n");
    for (String col : tableColumns) {
      if (RESERVED.contains(col) || col.startsWith("tg_")) {
        continue;
      }
      String q = SqlQuoting.identifier(col);
      b.append("  ").append(q).append(' ').append(t.qualified()).append('.').append(q)
          .append("%TYPE := NEW.").append(q).append(";\n");
    }
    b.append("BEGIN\n  IF TG_OP = 'INSERT' THEN\n    IF ")
        .append(all(spec.add().stream().map(c -> "NEW." + id(c.name()) + " IS NULL")))
        .append(" THEN\n").append(ups(spec, "      "));
    if (spec.hasDown()) {
      b.append("    ELSE\n").append(downs(spec, "      "));
    }
    b.append("    END IF;\n  ELSE\n    IF ")
        .append(all(spec.add().stream()
            .map(c -> "NEW." + id(c.name()) + " IS NOT DISTINCT FROM OLD." + id(c.name()))))
        .append(" THEN\n").append(ups(spec, "      "));
    if (spec.hasDown()) {
      b.append("    ELSIF ")
          .append(all(spec.downColumns().stream()
              .map(c -> "NEW." + id(c.name()) + " IS NOT DISTINCT FROM OLD." + id(c.name()))))
          .append(" THEN\n").append(downs(spec, "      "));
    }
    b.append("    END IF;\n  END IF;\n");
    if (spec.versionColumn() != null) {
      b.append("  NEW.").append(id(spec.versionColumn())).append(" := ").append(spec.version())
          .append(";\n");
    }
    b.append("  RETURN NEW;\nEND\n").append(DELIMITER);
    return b.toString();
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

  private static String all(java.util.stream.Stream<String> conditions) {
    return conditions.collect(Collectors.joining(" AND "));
  }

  private static String id(String name) {
    return SqlQuoting.identifier(name);
  }
}
