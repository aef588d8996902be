package dev.underway.activities.sql.schema;

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
  /** SQLSTATE of an unknown column. */
  public static final String UNDEFINED_COLUMN = "42703";

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
   * Every valid, non-partial unique index on plain columns: name, primary or not, its columns in
   * order, whether every one is NOT NULL.
   */
  public static final String UNIQUE_KEYS = """
      SELECT ic.relname, i.indisprimary,
             array_agg(a.attname ORDER BY k.ord), bool_and(a.attnotnull)
      FROM pg_index i
      JOIN pg_class ic ON ic.oid = i.indexrelid
      CROSS JOIN LATERAL unnest(i.indkey::int2[]) WITH ORDINALITY AS k(attnum, ord)
      JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = k.attnum
      WHERE i.indrelid = ? AND i.indisunique AND i.indisvalid AND i.indpred IS NULL
        AND i.indexprs IS NULL
      GROUP BY ic.relname, i.indisprimary
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

  /** The planner's row estimate (-1: never analysed) and the bytes of table, indexes, TOAST. */
  public static final String SIZE = """
      SELECT reltuples::bigint, pg_total_relation_size(oid) FROM pg_class WHERE oid = ?""";

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

  /** The one-run-per-table marker table (in {@code public}, beside the flags). */
  public static final String MARKER_TABLE = "public.underway_schema_changes";

  public static final String CREATE_MARKER_TABLE = """
      CREATE TABLE IF NOT EXISTS public.underway_schema_changes (
        schema_name text NOT NULL, table_name text NOT NULL, run_id text NOT NULL,
        state text NOT NULL, updated_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (schema_name, table_name))""";

  public static final String MARKER_EXISTS = "SELECT to_regclass('public.underway_schema_changes')";

  public static final String READ_MARKER = """
      SELECT run_id, state FROM public.underway_schema_changes
      WHERE schema_name = ? AND table_name = ?""";

  /**
   * Claims the table for a run: a finished run's marker is taken over (never this run's own: a
   * finished run stays finished); an unfinished one (another run's or ours) is left as it is.
   */
  public static final String CLAIM_MARKER = """
      INSERT INTO public.underway_schema_changes AS m (schema_name, table_name, run_id, state)
      VALUES (?, ?, ?, 'expanding')
      ON CONFLICT (schema_name, table_name) DO UPDATE
        SET run_id = excluded.run_id, state = excluded.state, updated_at = now()
        WHERE m.state IN ('contracted', 'rolled-back') AND m.run_id <> excluded.run_id""";

  public static final String LOCK_MARKER = """
      SELECT run_id, state FROM public.underway_schema_changes
      WHERE schema_name = ? AND table_name = ? FOR UPDATE""";

  public static final String SET_MARKER_STATE = """
      UPDATE public.underway_schema_changes SET state = ?, updated_at = now()
      WHERE schema_name = ? AND table_name = ? AND run_id = ?""";

  /** The flags an application reads, and the backfill's control rows. */
  public static final String CREATE_FLAGS_TABLE = """
      CREATE TABLE IF NOT EXISTS public.underway_flags (
        key text PRIMARY KEY, value text NOT NULL,
        updated_at timestamptz NOT NULL DEFAULT now())""";

  public static final String SET_FLAG = """
      INSERT INTO public.underway_flags AS f (key, value) VALUES (?, ?)
      ON CONFLICT (key) DO UPDATE SET value = excluded.value, updated_at = now()
      WHERE f.value IS DISTINCT FROM excluded.value""";

  public static final String INIT_FLAG = """
      INSERT INTO public.underway_flags (key, value) VALUES (?, ?) ON CONFLICT (key) DO NOTHING""";

  public static final String GET_FLAG = "SELECT value FROM public.underway_flags WHERE key = ?";

  public static final String FLAGS_EXIST = "SELECT to_regclass('public.underway_flags')";

  /** Deletes every flag whose key starts with the given prefix (LIKE-escaped by the caller). */
  public static final String DELETE_FLAGS = "DELETE FROM public.underway_flags WHERE key LIKE ?";

  public static final String DELETE_FLAG_KEYS =
      "DELETE FROM public.underway_flags WHERE key IN (?, ?)";

  // ---------------------------------------------------------------- expand and contract

  /** The sync trigger's and its function's name for a table (63 bytes at most). */
  public static String syncName(TableName table) {
    String name = "underway_sync_" + table.table();
    return name.length() > 63 ? name.substring(0, 63) : name;
  }

  /** {@code "schema"."underway_sync_table"}. */
  public static String syncFunction(TableName table) {
    return SqlQuoting.identifier(table.schema()) + "." + SqlQuoting.identifier(syncName(table));
  }

  /** Adds every new column, nullable (no rewrite); {@code IF NOT EXISTS}. */
  public static String addColumns(ChangeSpec spec) {
    return "ALTER TABLE " + spec.table().qualified() + spec.newColumns().stream()
        .map(c -> " ADD COLUMN IF NOT EXISTS " + SqlQuoting.identifier(c.name()) + " " + c.type()
            + (c.defaultExpression() == null ? "" : " DEFAULT " + c.defaultExpression()))
        .collect(Collectors.joining(","));
  }

  public static String dropColumns(TableName table, List<String> columns) {
    return "ALTER TABLE " + table.qualified() + columns.stream()
        .map(c -> " DROP COLUMN IF EXISTS " + SqlQuoting.identifier(c))
        .collect(Collectors.joining(","));
  }

  public static String renameColumn(TableName table, String from, String to) {
    return "ALTER TABLE " + table.qualified() + " RENAME COLUMN " + SqlQuoting.identifier(from)
        + " TO " + SqlQuoting.identifier(to);
  }

  /** The trigger (PostgreSQL 14+: replaced in place; CockroachDB: see the note). */
  public static String createTrigger(TableName table) {
    return "CREATE OR REPLACE TRIGGER " + SqlQuoting.identifier(syncName(table))
        + " BEFORE INSERT OR UPDATE ON " + table.qualified()
        + " FOR EACH ROW EXECUTE FUNCTION " + syncFunction(table) + "()";
  }

  public static String dropTrigger(TableName table) {
    return "DROP TRIGGER IF EXISTS " + SqlQuoting.identifier(syncName(table)) + " ON "
        + table.qualified();
  }

  public static String dropFunction(TableName table) {
    return "DROP FUNCTION IF EXISTS " + syncFunction(table) + "()";
  }

  // ---------------------------------------------------------------- backfill and verify

  /**
   * One backfill batch: the next {@code limit} keys after the cursor (none: from the start),
   * each row touched ({@code SET first_new = first_new}: the sync trigger fills every new column
   * with its {@code up}); returns the rows touched and the batch's last key (no row: done).
   * Parameters: the cursor's values (text, cast to the key's types), then the limit.
   */
  public static String backfillBatch(ChangeSpec spec, TableKey key, boolean fromCursor) {
    String keys = columns(key, "");
    String touched = SqlQuoting.identifier(spec.newColumns().get(0).name());
    return "WITH b AS (SELECT " + keys + " FROM " + spec.table().qualified()
        + after(key, fromCursor) + " ORDER BY " + keys + " LIMIT ?),"
        + " u AS (UPDATE " + spec.table().qualified() + " AS t SET " + touched + " = t." + touched
        + " FROM b WHERE (" + columns(key, "t.") + ") = (" + columns(key, "b.") + ") RETURNING 1)"
        + " SELECT (SELECT count(*) FROM u), " + texts(key) + " FROM b ORDER BY "
        + descending(key) + " LIMIT 1";
  }

  /**
   * One verify chunk: the next {@code limit} rows after the cursor, each with its key as text
   * and whether any new column differs from its {@code up} ({@code IS DISTINCT FROM}, so NULLs
   * compare equal). Parameters as {@link #backfillBatch}.
   */
  public static String verifyChunk(ChangeSpec spec, TableKey key, boolean fromCursor) {
    String differs = spec.newColumns().stream()
        .map(c -> SqlQuoting.identifier(c.name()) + " IS DISTINCT FROM CAST((" + c.up() + ") AS "
            + c.type() + ")")
        .collect(Collectors.joining(" OR "));
    return "SELECT " + texts(key) + ", (" + differs + ") FROM " + spec.table().qualified()
        + after(key, fromCursor) + " ORDER BY " + columns(key, "") + " LIMIT ?";
  }

  private static String after(TableKey key, boolean fromCursor) {
    if (!fromCursor) {
      return "";
    }
    StringBuilder values = new StringBuilder();
    for (int i = 0; i < key.columns().size(); i++) {
      values.append(i == 0 ? "" : ", ").append("CAST(? AS ").append(key.types().get(i))
          .append(')');
    }
    return " WHERE (" + columns(key, "") + ") > (" + values + ")";
  }

  private static String columns(TableKey key, String prefix) {
    return key.columns().stream().map(c -> prefix + SqlQuoting.identifier(c))
        .collect(Collectors.joining(", "));
  }

  private static String texts(TableKey key) {
    return key.columns().stream().map(c -> SqlQuoting.identifier(c) + "::text")
        .collect(Collectors.joining(", "));
  }

  private static String descending(TableKey key) {
    return key.columns().stream().map(c -> SqlQuoting.identifier(c) + " DESC")
        .collect(Collectors.joining(", "));
  }

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
