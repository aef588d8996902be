package dev.underway.activities.sql.schema;

/**
 * The observation's catalogue reads that came with its refusals and plan (triggers' functions,
 * inheritance, logical replication, generated columns, type names, the key walk's plan), for
 * PostgreSQL: the read-only half of {@link PostgresSchemaDialect}, kept apart so that neither
 * grows past reading. Every statement only reads; the key walk is explained, never run.
 *
 * <p><b>CockroachDB</b> (untested): it has no inheritance, publications or subscriptions (its
 * changefeeds are not in these catalogues), no {@code plan_cache_mode}, and {@code EXPLAIN}
 * prints another plan format.
 */
public final class PostgresCatalogQueries {

  /**
   * The table's own (not internal) triggers and their functions: trigger name, function (as
   * {@code regprocedure}), the function's source, {@code tgtype}. Parameter: table oid.
   */
  public static final String TRIGGER_FUNCTIONS = """
      SELECT t.tgname, t.tgfoid::regprocedure::text, p.prosrc, t.tgtype
      FROM pg_trigger t JOIN pg_proc p ON p.oid = t.tgfoid
      WHERE t.tgrelid = ? AND NOT t.tgisinternal ORDER BY t.tgname""";

  /** {@code tgtype} bits: a row trigger, BEFORE, on INSERT, on UPDATE, INSTEAD OF. */
  public static final int TRIGGER_ROW = 1;
  public static final int TRIGGER_BEFORE = 2;
  public static final int TRIGGER_INSERT = 4;
  public static final int TRIGGER_UPDATE = 16;
  public static final int TRIGGER_INSTEAD = 64;

  /**
   * The table's inheritance: {@code child} rows for tables that inherit from it (or are its
   * partitions), {@code parent} rows for those it inherits from (or is a partition of), with the
   * other table's name and whether the link is a partition's. Parameters: table oid twice.
   */
  public static final String INHERITANCE = """
      SELECT 'child', c.oid::regclass::text, c.relispartition
      FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid WHERE i.inhparent = ?
      UNION ALL
      SELECT 'parent', i.inhparent::regclass::text, t.relispartition
      FROM pg_inherits i JOIN pg_class t ON t.oid = i.inhrelid WHERE i.inhrelid = ?
      ORDER BY 1, 2""";

  /**
   * The publications that publish the table, each with how: listed, {@code FOR ALL TABLES} or
   * {@code FOR TABLES IN SCHEMA}. Parameters: table oid, schema, table.
   */
  public static final String PUBLICATIONS = """
      SELECT pt.pubname || CASE WHEN p.puballtables THEN ' (FOR ALL TABLES)'
               WHEN NOT EXISTS (SELECT 1 FROM pg_publication_rel r
                                WHERE r.prpubid = p.oid AND r.prrelid = ?)
               THEN ' (FOR TABLES IN SCHEMA)' ELSE '' END
      FROM pg_publication_tables pt JOIN pg_publication p ON p.pubname = pt.pubname
      WHERE pt.schemaname = ? AND pt.tablename = ? ORDER BY 1""";

  /** The subscriptions whose apply writes the table. Parameter: table oid. */
  public static final String SUBSCRIPTIONS = """
      SELECT s.subname FROM pg_subscription_rel r JOIN pg_subscription s ON s.oid = r.srsubid
      WHERE r.srrelid = ? ORDER BY 1""";

  /**
   * The stored generated columns among those named, with their generation expressions
   * (parameters: table oid, text[] of names).
   */
  public static final String GENERATED_COLUMNS = """
      SELECT a.attname, pg_get_expr(d.adbin, d.adrelid) FROM pg_attribute a
      JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
      WHERE a.attrelid = ? AND a.attname = ANY (?) AND a.attgenerated = 's'
        AND NOT a.attisdropped
      ORDER BY a.attnum""";

  /** Resolves a type name (parameter: the text); null when no such type; raises when not one. */
  public static final String RESOLVE_TYPE = "SELECT to_regtype(?)::text";

  /** The key walk prepared for {@code EXPLAIN}, its parameters typed as the key's columns. */
  public static String prepareWalk(TableName table, TableKey key, int limit) {
    return "PREPARE underway_walk (" + String.join(", ", key.types()) + ") AS "
        + PostgresSchemaDialect.keyWalk(table, key, limit);
  }

  /** Plans made for prepared statements are generic: they do not depend on the cursor. */
  public static final String GENERIC_PLANS = "SET plan_cache_mode = force_generic_plan";
  public static final String RESET_PLANS = "RESET plan_cache_mode";
  public static final String DEALLOCATE_WALK = "DEALLOCATE underway_walk";

  /** The prepared walk's generic plan, as JSON. */
  public static String explainWalk(TableKey key) {
    return "EXPLAIN (FORMAT JSON) EXECUTE underway_walk ("
        + String.join(", ", java.util.Collections.nCopies(key.columns().size(), "NULL")) + ")";
  }

  private PostgresCatalogQueries() {}
}
