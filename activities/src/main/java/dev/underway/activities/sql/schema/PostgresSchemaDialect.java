package dev.underway.activities.sql.schema;

import dev.underway.workflows.schema.contract.ChangeObjects;
import dev.underway.activities.sql.SqlQuoting;
import java.util.List;
import java.util.stream.Collectors;

/**
 * Every SQL statement of the schema-change building blocks, for PostgreSQL (tested against real
 * servers, see the tests of this package). The building blocks hold no SQL of their own beyond
 * binding values.
 *
 * <p><b>CockroachDB</b> (untested: no binary may be installed on the project's machines; kept here
 * so that a CockroachDB dialect has one place to differ):
 *
 * <ul>
 *   <li>row-level triggers exist only from v24.3 (PL/pgSQL functions, {@code CREATE TRIGGER});
 *       {@code CREATE OR REPLACE TRIGGER} is not supported: {@link #COCKROACH_TRIGGER_NOTE};
 *   <li>{@code ALTER TABLE ... ADD COLUMN} is an online schema change run by a job after the
 *       transaction commits: {@code lock_timeout} does not bound it, and DDL should not share a
 *       transaction with the trigger's creation; see {@link #COCKROACH_DDL_NOTE};
 *   <li>{@code pg_stat_replication} is empty (replication is Raft, not standbys): the lag
 *       throttle has nothing to read; {@code pg_class.reltuples} and {@code
 *       pg_total_relation_size} are not maintained: use {@code SHOW STATISTICS} and {@code
 *       crdb_internal.ranges} (see {@code sql.CockroachDialect});
 *   <li>{@code %TYPE} in PL/pgSQL declarations is supported from v24.1.
 * </ul>
 */
public final class PostgresSchemaDialect {

  /** CockroachDB (untested here): triggers are replaced by DROP TRIGGER IF EXISTS + CREATE. */
  public static final String COCKROACH_TRIGGER_NOTE =
      "CockroachDB >= 24.3 only; no CREATE OR REPLACE TRIGGER: DROP TRIGGER IF EXISTS, then CREATE"
          + " TRIGGER (untested)";
  /** CockroachDB (untested here): schema changes are jobs; one DDL per transaction. */
  public static final String COCKROACH_DDL_NOTE =
      "CockroachDB: ADD COLUMN runs as a job after commit; lock_timeout does not apply (untested)";

  /** The statement bounding how long DDL waits for its lock. */
  public static String lockTimeout(long millis) {
    return "SET LOCAL lock_timeout = '" + millis + "ms'";
  }

  /** SQLSTATE of a lock not granted within {@code lock_timeout}. */
  public static final String LOCK_NOT_AVAILABLE = "55P03";
  /** SQLSTATEs a batch is retried on. */
  public static final List<String> TRANSIENT = List.of("55P03", "40P01", "40001");

  // ---------------------------------------------------------------- observe

  /** The table's oid and kind, by schema and name. */
  public static final String TABLE = """
      SELECT c.oid, c.relkind FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE n.nspname = ? AND c.relname = ?""";

  /** Columns in order: name, type as written, NOT NULL, default. */
  public static final String COLUMNS = """
      SELECT a.attname, format_type(a.atttypid, a.atttypmod), a.attnotnull,
             pg_get_expr(d.adbin, d.adrelid)
      FROM pg_attribute a LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
      WHERE a.attrelid = ? AND a.attnum > 0 AND NOT a.attisdropped ORDER BY a.attnum""";

  /**
   * Every unique index of the table: name, primary or not, the name of the constraint it backs
   * (null: none), whether it is valid, non-partial and on plain columns, its columns in order,
   * whether every one is NOT NULL, then per column the index's collation when it is not the
   * column's (qualified and quoted, else null) and its operator class when it is not the type's
   * default (else null).
   */
  public static final String UNIQUE_KEYS = """
      SELECT ic.relname, i.indisprimary,
             (SELECT c.conname FROM pg_constraint c WHERE c.conindid = i.indexrelid
                AND c.conrelid = i.indrelid LIMIT 1),
             i.indisvalid AND i.indpred IS NULL AND i.indexprs IS NULL,
             array_agg(a.attname ORDER BY k.ord), bool_and(a.attnotnull),
             array_agg(CASE WHEN i.indcollation[(k.ord - 1)::int] NOT IN (0, a.attcollation)
                 THEN (SELECT format('%I.%I', n.nspname, co.collname) FROM pg_collation co
                       JOIN pg_namespace n ON n.oid = co.collnamespace
                       WHERE co.oid = i.indcollation[(k.ord - 1)::int]) END ORDER BY k.ord),
             array_agg(CASE WHEN NOT opc.opcdefault THEN opc.opcname END ORDER BY k.ord)
      FROM pg_index i
      JOIN pg_class ic ON ic.oid = i.indexrelid
      CROSS JOIN LATERAL unnest(i.indkey::int2[]) WITH ORDINALITY AS k(attnum, ord)
      LEFT JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = k.attnum
      LEFT JOIN pg_opclass opc ON opc.oid = i.indclass[(k.ord - 1)::int]
      WHERE i.indrelid = ? AND i.indisunique
      GROUP BY ic.relname, i.indisprimary, i.indexrelid, i.indrelid, i.indisvalid, i.indpred,
               i.indexprs
      ORDER BY i.indisprimary DESC, ic.relname""";

  public static final String INDEXES = """
      SELECT ic.relname, pg_get_indexdef(i.indexrelid)
      FROM pg_index i JOIN pg_class ic ON ic.oid = i.indexrelid
      WHERE i.indrelid = ? ORDER BY ic.relname""";

  public static final String TRIGGERS = """
      SELECT tgname, pg_get_triggerdef(oid) FROM pg_trigger
      WHERE tgrelid = ? AND NOT tgisinternal ORDER BY tgname""";

  public static final String CONSTRAINTS = """
      SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint
      WHERE conrelid = ? ORDER BY conname""";

  /**
   * The planner's row estimate (-1: never analysed), the bytes of table, indexes and TOAST, of the
   * heap alone and of the indexes.
   */
  public static final String SIZE = """
      SELECT reltuples::bigint, pg_total_relation_size(oid), pg_relation_size(oid),
             pg_indexes_size(oid)
      FROM pg_class WHERE oid = ?""";

  /** Each standby: name, state, replayed position (bytes), replay_lag (ms, may be null). */
  public static final String STANDBYS = """
      SELECT application_name, state, pg_wal_lsn_diff(replay_lsn, '0/0')::bigint,
             (EXTRACT(EPOCH FROM replay_lag) * 1000)::bigint
      FROM pg_stat_replication ORDER BY application_name""";

  /** The primary's current WAL position (bytes). */
  public static final String CURRENT_WAL = "SELECT pg_wal_lsn_diff(pg_current_wal_lsn(), '0/0')::bigint";

  /**
   * Transactions open longer than a number of seconds: pid, user, application, state, seconds.
   * The query text is left out: it can hold secrets.
   */
  public static final String LONG_TRANSACTIONS = """
      SELECT pid, usename, application_name, state,
             EXTRACT(EPOCH FROM now() - xact_start)::bigint
      FROM pg_stat_activity
      WHERE xact_start < now() - make_interval(secs => ?) AND pid <> pg_backend_pid()
      ORDER BY xact_start""";

  // ---------------------------------------------------------------- the marker and the flags

  /** The marker/control table of a schema: {@code "schema".underway_schema_changes}. */
  public static String changesTable(TableName table) {
    return SqlQuoting.identifier(table.schema()) + "."
        + SqlQuoting.identifier(ChangeObjects.CHANGES_TABLE);
  }

  /** The flags table of a schema: {@code "schema".underway_flags}. */
  public static String flagsTable(TableName table) {
    return SqlQuoting.identifier(table.schema()) + "."
        + SqlQuoting.identifier(ChangeObjects.FLAGS_TABLE);
  }

  /** Whether a table exists: one parameter, the quoted qualified name; null when not. */
  public static final String REGCLASS = "SELECT to_regclass(?)";

  public static String createChangesTable(TableName table) {
    return "CREATE TABLE IF NOT EXISTS " + changesTable(table) + " ("
        + " table_name text PRIMARY KEY, workflow_id text NOT NULL,"
        + " added_columns text[] NOT NULL, throttled boolean NOT NULL DEFAULT false,"
        + " throttle_reason text, batch_size integer, progress jsonb,"
        + " updated_at timestamptz NOT NULL DEFAULT now(), " + GUARD_RATIO
        + " double precision)";
  }

  /**
   * The control row's column for the operator's guard ratio ({@code set-ratio}); absent from
   * tables created before the guard, added when first set ({@link #addGuardRatio}), read so that
   * its absence reads as null ({@link #readMarker}).
   */
  public static final String GUARD_RATIO = "guard_ratio";

  /** Adds the guard ratio's column to a marker table created before the guard. */
  public static String addGuardRatio(TableName table) {
    return "ALTER TABLE " + changesTable(table) + " ADD COLUMN IF NOT EXISTS " + GUARD_RATIO
        + " double precision";
  }

  /** Whether the marker table has the guard ratio's column (parameter: the quoted name). */
  public static final String HAS_GUARD_RATIO = "SELECT EXISTS (SELECT 1 FROM pg_attribute"
      + " WHERE attrelid = to_regclass(?) AND attname = '" + GUARD_RATIO
      + "' AND NOT attisdropped)";

  public static String createFlagsTable(TableName table) {
    return "CREATE TABLE IF NOT EXISTS " + flagsTable(table) + " ("
        + " key text PRIMARY KEY, value text NOT NULL,"
        + " updated_at timestamptz NOT NULL DEFAULT now())";
  }

  /** The table's row: holder, added columns, throttle, reason, batch size, progress (text). */
  public static String readMarker(TableName table, boolean forUpdate) {
    return "SELECT workflow_id, added_columns, throttled, throttle_reason, batch_size,"
        + " progress::text, (to_jsonb(m) ->> '" + GUARD_RATIO + "')::double precision FROM "
        + changesTable(table) + " AS m WHERE table_name = ?" + (forUpdate ? " FOR UPDATE" : "");
  }

  /** Claims the table for a run when nobody holds it (parameters: table, run). */
  public static String claimMarker(TableName table) {
    return "INSERT INTO " + changesTable(table) + " (table_name, workflow_id, added_columns)"
        + " VALUES (?, ?, '{}') ON CONFLICT (table_name) DO NOTHING";
  }

  /** Records the columns the holder added (parameters: text[], table). */
  public static String setAddedColumns(TableName table) {
    return "UPDATE " + changesTable(table) + " SET added_columns = ?, updated_at = now()"
        + " WHERE table_name = ?";
  }

  /**
   * Sets the control (parameters: throttled, reason, batch size, table, run) when it differs;
   * returns the holder's row (none: not held by the run).
   */
  public static String setControl(TableName table) {
    return "UPDATE " + changesTable(table) + " SET throttled = ?, throttle_reason = ?,"
        + " batch_size = ?, updated_at = now() WHERE table_name = ? AND workflow_id = ?";
  }

  /**
   * As {@link #setControl}, the guard ratio too (parameters: throttled, reason, batch size,
   * ratio, table, run).
   */
  public static String setControlWithRatio(TableName table) {
    return "UPDATE " + changesTable(table) + " SET throttled = ?, throttle_reason = ?,"
        + " batch_size = ?, " + GUARD_RATIO + " = ?, updated_at = now()"
        + " WHERE table_name = ? AND workflow_id = ?";
  }

  /** Writes the backfill's progress (parameters: json, table). */
  public static String setProgress(TableName table) {
    return "UPDATE " + changesTable(table) + " SET progress = CAST(? AS jsonb)"
        + " WHERE table_name = ?";
  }

  /** Releases the table (parameters: table, run). */
  public static String deleteMarker(TableName table) {
    return "DELETE FROM " + changesTable(table) + " WHERE table_name = ? AND workflow_id = ?";
  }

  /** Sets a flag when its value differs (parameters: key, value); 0 rows: it had the value. */
  public static String setFlag(TableName table) {
    return "INSERT INTO " + flagsTable(table) + " AS f (key, value) VALUES (?, ?)"
        + " ON CONFLICT (key) DO UPDATE SET value = excluded.value, updated_at = now()"
        + " WHERE f.value IS DISTINCT FROM excluded.value";
  }

  /** Sets a flag only when it has no row (parameters: key, value). */
  public static String initFlag(TableName table) {
    return "INSERT INTO " + flagsTable(table) + " (key, value) VALUES (?, ?)"
        + " ON CONFLICT (key) DO NOTHING";
  }

  /** The flags whose keys are given (parameter: text[]): key, value. */
  public static String readFlags(TableName table) {
    return "SELECT key, value FROM " + flagsTable(table) + " WHERE key = ANY (?) ORDER BY key";
  }

  /** Deletes the flags whose keys are given (parameter: text[]). */
  public static String deleteFlags(TableName table) {
    return "DELETE FROM " + flagsTable(table) + " WHERE key = ANY (?)";
  }

  /**
   * What depends on a column besides its own single-column indexes: views and rules, constraints
   * (foreign keys, also other tables' referencing it; checks; the primary key; multi-column keys),
   * indexes that cover other columns too, triggers (a column list or a WHEN), policies, and
   * anything else {@code pg_depend} records. The sync trigger (its name the third parameter) is
   * not one. Parameters: table oid, column name, sync trigger name. One description per
   * dependent.
   */
  public static final String COLUMN_DEPENDENTS = """
      SELECT DISTINCT CASE d.classid
               WHEN 'pg_rewrite'::regclass THEN (
                 SELECT CASE WHEN r.rulename = '_RETURN'
                          THEN CASE WHEN v.relkind = 'm' THEN 'materialized view ' ELSE 'view '
                               END || r.ev_class::regclass::text
                          ELSE 'rule ' || quote_ident(r.rulename) || ' on '
                               || r.ev_class::regclass::text END
                 FROM pg_rewrite r JOIN pg_class v ON v.oid = r.ev_class WHERE r.oid = d.objid)
               WHEN 'pg_constraint'::regclass THEN (
                 SELECT 'constraint ' || quote_ident(c.conname) || ' on '
                        || c.conrelid::regclass::text || ' (' || pg_get_constraintdef(c.oid) || ')'
                 FROM pg_constraint c WHERE c.oid = d.objid)
               WHEN 'pg_class'::regclass THEN (
                 SELECT CASE k.relkind WHEN 'i' THEN 'index ' || pg_get_indexdef(k.oid)
                          WHEN 'I' THEN 'index ' || pg_get_indexdef(k.oid)
                          WHEN 'S' THEN 'sequence ' || k.oid::regclass::text
                               || ' (owned by the column: dropped with it)'
                          ELSE pg_describe_object(d.classid, d.objid, d.objsubid) END
                 FROM pg_class k WHERE k.oid = d.objid)
               ELSE pg_describe_object(d.classid, d.objid, d.objsubid) END
      FROM pg_depend d
      JOIN pg_attribute a ON a.attrelid = d.refobjid AND a.attnum = d.refobjsubid
      WHERE d.refclassid = 'pg_class'::regclass AND d.refobjid = ? AND a.attname = ?
        AND d.deptype IN ('n', 'a')
        AND d.classid <> 'pg_attrdef'::regclass
        AND NOT (d.classid = 'pg_class'::regclass AND EXISTS (
          SELECT 1 FROM pg_index i WHERE i.indexrelid = d.objid AND i.indnatts = 1
            AND i.indexprs IS NULL AND i.indpred IS NULL))
        AND NOT (d.classid = 'pg_constraint'::regclass AND EXISTS (
          SELECT 1 FROM pg_constraint c WHERE c.oid = d.objid AND c.contype = 'u'
            AND c.conrelid = d.refobjid AND cardinality(c.conkey) = 1))
        AND NOT (d.classid = 'pg_trigger'::regclass AND EXISTS (
          SELECT 1 FROM pg_trigger t WHERE t.oid = d.objid AND t.tgname = ANY (?)))
      ORDER BY 1""";

  /** Rows per value of a version column (null as -1). */
  public static String versions(TableName table, String column) {
    String c = SqlQuoting.identifier(column);
    return "SELECT coalesce(" + c + ", -1)::int, count(*) FROM " + table.qualified()
        + " GROUP BY 1 ORDER BY 1";
  }

  public static final String SERVER_VERSION = "SHOW server_version";

  // ---------------------------------------------------------------- expand and contract

  /** Adds the columns named, as the change types them (the version column: integer), nullable. */
  public static String addColumns(ChangeSpec spec, List<String> columns) {
    return "ALTER TABLE " + spec.table().qualified() + columns.stream()
        .map(name -> " ADD COLUMN IF NOT EXISTS " + SqlQuoting.identifier(name) + " "
            + typeOf(spec, name))
        .collect(Collectors.joining(","));
  }

  /** The type the change gives a column it adds. */
  public static String typeOf(ChangeSpec spec, String column) {
    return spec.add().stream().filter(c -> c.name().equals(column)).map(c -> c.type())
        .findFirst().orElse("integer");
  }

  public static String dropColumns(TableName table, List<String> columns) {
    return "ALTER TABLE " + table.qualified() + columns.stream()
        .map(c -> " DROP COLUMN IF EXISTS " + SqlQuoting.identifier(c))
        .collect(Collectors.joining(","));
  }

  // ---------------------------------------------------------------- backfill and verify

  /**
   * One backfill batch: the next {@code limit} keys after the cursor (none: from the start),
   * their rows locked first, in key order ({@code FOR NO KEY UPDATE}: an application transaction
   * that updates several rows cannot hold one the batch wants while waiting for one it holds in
   * the other order for long, and the batch's short lock timeout gives up first); each of those
   * rows that needs it (those whose new columns are all still NULL: a row a writer already
   * synced, in either shape, is left as it was written; with a version column, those below the
   * version) is touched
   * ({@code SET first_new = first_new}) by a session that declared the shape {@code backfill}:
   * the sync trigger fills every new column with its {@code up} and sets the version. Returns the
   * rows touched and the batch's last key (no row: the walk is done). Parameters: the cursor's
   * values (text, cast to the key's types), then the limit.
   */
  public static String backfillBatch(ChangeSpec spec, TableKey key, boolean fromCursor) {
    return backfillBatch(spec, key, fromCursor, null);
  }

  /**
   * As {@link #backfillBatch(ChangeSpec, TableKey, boolean)}. A row whose new columns are all
   * NULL is not filled yet, unless {@code writtenWithNulls} (SQL over the row as {@code t}, see
   * {@link SyncColumns#writtenWithNulls}) says its old columns are what {@code down} gives for
   * those NULLs: a new-shape write of only NULLs, which the backfill must not fill again.
   */
  public static String backfillBatch(ChangeSpec spec, TableKey key, boolean fromCursor,
      String writtenWithNulls) {
    String keys = columns(key, "");
    String touched = SqlQuoting.identifier(spec.add().get(0).name());
    String needs = spec.versionColumn() != null ? " AND (t." + SqlQuoting.identifier(
        spec.versionColumn()) + " IS NULL OR t." + SqlQuoting.identifier(spec.versionColumn())
        + " < " + spec.version() + ")"
        : " AND " + spec.add().stream().map(c -> "t." + SqlQuoting.identifier(c.name())
            + " IS NULL").collect(Collectors.joining(" AND "))
            + (writtenWithNulls == null ? "" : " AND NOT " + writtenWithNulls);
    return "WITH b AS (SELECT " + keys + " FROM " + spec.table().qualified()
        + after(key, fromCursor) + " ORDER BY " + keys + " LIMIT ? FOR NO KEY UPDATE),"
        + " u AS (UPDATE " + spec.table().qualified() + " AS t SET " + touched + " = t." + touched
        + " FROM b WHERE (" + columns(key, "t.") + ") = (" + columns(key, "b.") + ")" + needs
        + " RETURNING 1)"
        + " SELECT (SELECT count(*) FROM u), " + texts(key) + " FROM b ORDER BY "
        + descending(key) + " LIMIT 1";
  }

  /**
   * One verify chunk: the next {@code limit} rows after the cursor, each with its key's columns as
   * text, the key as a row's text ({@code (42)}) and whether the row's two shapes disagree. They
   * agree when every new column is its {@code up} of the old ones (the row was last written in
   * the old shape, or backfilled) or, when the change has a {@code down} for every replaced
   * column, when every replaced column is its {@code down} of the new ones (last written in the
   * new shape: a split that does not round-trip is right either way it was written). Values of
   * the columns named in {@code asText} are compared as text (types without {@code =}: json,
   * xml, point). Parameters as {@link #backfillBatch}.
   */
  public static String verifyChunk(ChangeSpec spec, TableKey key, boolean fromCursor,
      java.util.Set<String> asText) {
    List<String> ups = new java.util.ArrayList<>();
    spec.add().forEach(c -> ups.add(same(SqlQuoting.identifier(c.name()),
        "CAST((" + c.up() + ") AS " + c.type() + ")", asText.contains(c.name()))));
    String agree = "(" + String.join(" AND ", ups) + ")";
    if (!spec.replace().isEmpty() && spec.downColumns().size() == spec.replace().size()) {
      List<String> downs = new java.util.ArrayList<>();
      spec.downColumns().forEach(c -> downs.add(same(SqlQuoting.identifier(c.name()),
          "(" + c.down() + ")", asText.contains(c.name()))));
      agree = "(" + agree + " OR (" + String.join(" AND ", downs) + "))";
    }
    return "SELECT " + texts(key) + ", ROW(" + columns(key, "") + ")::text, NOT coalesce("
        + agree + ", false) FROM " + spec.table().qualified() + after(key, fromCursor)
        + " ORDER BY " + columns(key, "") + " LIMIT ?";
  }

  /** {@code a IS NOT DISTINCT FROM b}, as text when the type has no equality. */
  private static String same(String a, String b, boolean asText) {
    return asText ? "(" + a + ")::text IS NOT DISTINCT FROM (" + b + ")::text"
        : a + " IS NOT DISTINCT FROM " + b;
  }

  /** Whether values of a type can be compared with {@code =} (parameter: none; type inlined). */
  public static String equalityProbe(String type) {
    return "SELECT NULL::" + type + " IS NOT DISTINCT FROM NULL::" + type;
  }

  private static String after(TableKey key, boolean fromCursor) {
    return after(key, fromCursor, i -> "?");
  }

  /**
   * {@code WHERE (k1, k2) > (CAST(p1 AS t1), ...)}, each parameter written by {@code parameter}
   * (its index from 0): the key's columns with the key's collations ({@link #columns}), so that
   * the comparison is the index's and the planner can use it.
   */
  private static String after(TableKey key, boolean fromCursor,
      java.util.function.IntFunction<String> parameter) {
    if (!fromCursor) {
      return "";
    }
    StringBuilder values = new StringBuilder();
    for (int i = 0; i < key.columns().size(); i++) {
      values.append(i == 0 ? "" : ", ").append("CAST(").append(parameter.apply(i)).append(" AS ")
          .append(key.types().get(i)).append(')');
    }
    return " WHERE (" + columns(key, "") + ") > (" + values + ")";
  }

  /**
   * The key's columns, each with the key index's collation where it is not the column's own
   * ({@code "code" COLLATE pg_catalog."C"}): the walk's order and comparison are then the
   * index's, and each batch reads its own rows through the index instead of the whole table.
   */
  private static String columns(TableKey key, String prefix) {
    return String.join(", ", keyTerms(key, prefix));
  }

  /** Each key column, with its collation where the index's is not the column's. */
  private static List<String> keyTerms(TableKey key, String prefix) {
    List<String> out = new java.util.ArrayList<>();
    for (int i = 0; i < key.columns().size(); i++) {
      String collation = key.collation(i);
      out.add(prefix + SqlQuoting.identifier(key.columns().get(i))
          + (collation == null ? "" : " COLLATE " + collation));
    }
    return out;
  }

  /**
   * The backfill's key walk on its own, for {@code EXPLAIN}: the keys after the cursor ({@code
   * $1}, ... as {@code PREPARE} takes them) in the key's order, {@code limit} of them.
   */
  public static String keyWalk(TableName table, TableKey key, int limit) {
    return "SELECT " + columns(key, "") + " FROM " + table.qualified()
        + after(key, true, i -> "$" + (i + 1)) + " ORDER BY " + columns(key, "") + " LIMIT "
        + limit;
  }

  /**
   * The key's columns as text, named apart ({@code underway_k1}, ...): under their own names an
   * {@code ORDER BY} of the same query would sort the text, not the key.
   */
  private static String texts(TableKey key) {
    List<String> out = new java.util.ArrayList<>();
    for (int i = 0; i < key.columns().size(); i++) {
      out.add(SqlQuoting.identifier(key.columns().get(i)) + "::text AS underway_k" + (i + 1));
    }
    return String.join(", ", out);
  }

  private static String descending(TableKey key) {
    return keyTerms(key, "").stream().map(c -> c + " DESC").collect(Collectors.joining(", "));
  }

  /** The default foreground probe: a read of one row by the key. */
  public static String pointRead(TableName table, TableKey key) {
    return "SELECT * FROM " + table.qualified() + " ORDER BY " + columns(key, "") + " LIMIT 1";
  }

  /** The first statement of each latency probe's transaction: it can only read. */
  public static final String READ_ONLY_TRANSACTION = "SET TRANSACTION READ ONLY";

  /** A session's bound on waiting for row locks (a batch is retried when it is not granted). */
  public static String sessionLockTimeout(long millis) {
    return "SET lock_timeout = '" + millis + "ms'";
  }

  // ---------------------------------------------------------------- probes (rolled back)

  /** An empty copy of the table's columns to try things on, gone at the rollback. */
  public static String probeTable(TableName table) {
    return "CREATE TEMP TABLE underway_probe (LIKE " + table.qualified() + ") ON COMMIT DROP";
  }

  public static final String PROBE_FILENODE = "SELECT pg_relation_filenode('underway_probe')";

  private PostgresSchemaDialect() {}
}
