package dev.underway.workflows.schema.contract;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;
import java.util.Map;

/**
 * What {@link SchemaChangeActivities#observe} read about a table and its server. Facts only: the
 * workflow's pure planner decides from them what to refuse and what to do. Nothing secret: no
 * query texts of other sessions, no passwords.
 *
 * @param serverVersion e.g. {@code 16.4}
 * @param tableExists whether {@code schema.table} exists; when false the rest is empty
 * @param columns the table's columns in order
 * @param key the key the backfill would walk ({@code TableChange.uniqueKey} or the primary key)
 *     and its columns in order; null when there is none usable
 * @param keyProblem why the key named (or the primary key) is not usable, e.g. {@code "no primary
 *     key"}, {@code "users_email_key is unique but email is nullable"}; null when usable
 * @param rowsEstimate {@code pg_class.reltuples} (planner estimate; -1 when never analysed)
 * @param rowsExact {@code count(*)} when cheap (the implementation decides, e.g. below 1 M
 *     estimated rows); null otherwise
 * @param bytes {@code pg_total_relation_size}
 * @param indexes each index's definition ({@code pg_get_indexdef})
 * @param triggers the table's non-internal triggers, by name
 * @param standbys the streaming standbys ({@code pg_stat_replication})
 * @param longTransactions transactions open longer than a few seconds (they hold locks DDL
 *     would queue behind)
 * @param heldBy the workflow id in the table's {@code underway_schema_changes} row, null when no
 *     run holds the table
 * @param addedByHolder the columns the holding run added (its marker row)
 * @param flags this table's rows of {@code underway_flags}, key to value
 * @param versions rows per value of the change's {@code versionColumn} (null key as -1), when the
 *     column exists; null otherwise
 * @param expressionProblems every {@code up}/{@code down} (and column type) that failed to
 *     type-check when tried on a few rows in a transaction rolled back, one sentence each naming
 *     the column and PostgreSQL's message; empty when all check
 * @param unsafe every part of the change that would rewrite or lock the table for long (a
 *     volatile default, a NOT NULL without a default, ...), one sentence each; empty when none
 * @param catalogue the table's catalogue description as canonical text (columns with types,
 *     defaults and nullability; constraints; index definitions; triggers), in a stable order: equal
 *     texts mean the same shape. A rollback compares the text before and after
 * @param heapBytes {@code pg_relation_size}: the table's heap (what the backfill rewrites); null
 *     in observations recorded before it was read
 * @param indexBytes {@code pg_indexes_size}: all of the table's indexes; null as above
 * @param keyWalk how PostgreSQL plans the backfill's key walk ({@code EXPLAIN} of the batch's
 *     keyset query, a generic plan); null when there is no usable key, or as above
 * @param publications the publications that publish the table (listed, {@code FOR ALL TABLES} or
 *     {@code FOR TABLES IN SCHEMA}): logical subscribers receive its rows; null as above
 * @param subscriptions the subscriptions that write the table (logical replication apply); null
 *     as above
 * @param dependents every object that must change before the contract can drop the replaced
 *     column(s), one sentence each: views, rules, constraints, indexes over other columns too,
 *     policies, triggers, the functions of the table's other triggers whose source names a
 *     dropped column; null as above (treat as empty)
 * @param triggersAfterSync the application's BEFORE ROW triggers on INSERT or UPDATE that fire
 *     after the sync trigger (row triggers fire in name order) and whose function names a changed
 *     column: they change values after the shapes were synced, one sentence each; null as above
 * @param carried what of the replaced column's constraints (NOT NULL, DEFAULT, UNIQUE) the change
 *     carries to the new column and what it does not, one sentence each; null in runs recorded
 *     before it was observed
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record TableObservation(
    String serverVersion,
    boolean tableExists,
    List<Column> columns,
    Key key,
    String keyProblem,
    long rowsEstimate,
    Long rowsExact,
    long bytes,
    List<String> indexes,
    List<String> triggers,
    List<Standby> standbys,
    List<LongTransaction> longTransactions,
    String heldBy,
    List<String> addedByHolder,
    Map<String, String> flags,
    Map<Integer, Long> versions,
    List<String> expressionProblems,
    List<String> unsafe,
    String catalogue,
    Long heapBytes,
    Long indexBytes,
    KeyWalk keyWalk,
    List<String> publications,
    List<String> subscriptions,
    List<String> dependents,
    List<String> triggersAfterSync,
    List<String> carried) {

  /** The observation as recorded before the heap, index, walk, replication and dependents. */
  public TableObservation(String serverVersion, boolean tableExists, List<Column> columns,
      Key key, String keyProblem, long rowsEstimate, Long rowsExact, long bytes,
      List<String> indexes, List<String> triggers, List<Standby> standbys,
      List<LongTransaction> longTransactions, String heldBy, List<String> addedByHolder,
      Map<String, String> flags, Map<Integer, Long> versions, List<String> expressionProblems,
      List<String> unsafe, String catalogue) {
    this(serverVersion, tableExists, columns, key, keyProblem, rowsEstimate, rowsExact, bytes,
        indexes, triggers, standbys, longTransactions, heldBy, addedByHolder, flags, versions,
        expressionProblems, unsafe, catalogue, null, null, null, null, null, null, null, null);
  }

  /**
   * The observation before what the change carries was read (a test's or an older worker's):
   * {@code carried} null.
   */
  public TableObservation(String serverVersion, boolean tableExists, List<Column> columns,
      Key key, String keyProblem, long rowsEstimate, Long rowsExact, long bytes,
      List<String> indexes, List<String> triggers, List<Standby> standbys,
      List<LongTransaction> longTransactions, String heldBy, List<String> addedByHolder,
      Map<String, String> flags, Map<Integer, Long> versions, List<String> expressionProblems,
      List<String> unsafe, String catalogue, Long heapBytes, Long indexBytes, KeyWalk keyWalk,
      List<String> publications, List<String> subscriptions, List<String> dependents,
      List<String> triggersAfterSync) {
    this(serverVersion, tableExists, columns, key, keyProblem, rowsEstimate, rowsExact, bytes,
        indexes, triggers, standbys, longTransactions, heldBy, addedByHolder, flags, versions,
        expressionProblems, unsafe, catalogue, heapBytes, indexBytes, keyWalk, publications,
        subscriptions, dependents, triggersAfterSync, null);
  }

  /** What the change carries (and does not), never null. */
  public List<String> carriedOrEmpty() {
    return carried == null ? List.of() : carried;
  }

  /** A column: name, type as {@code format_type} prints it, nullability, default expression. */
  public record Column(String name, String type, boolean nullable, String defaultExpression) {}

  /** The key walked: its constraint or index name and its columns, in order. */
  public record Key(String name, List<Column> columns) {}

  /**
   * A streaming standby.
   *
   * @param name {@code application_name}
   * @param state e.g. {@code streaming}
   * @param replayLagMillis {@code replay_lag} in milliseconds; null when the server reports none
   *     (an idle standby that caught up)
   */
  public record Standby(String name, String state, Long replayLagMillis) {}

  /** An open transaction: its backend pid, age in seconds and state (never its query). */
  public record LongTransaction(int pid, long ageSeconds, String state) {}

  /**
   * How the backfill's keyset walk ({@code WHERE (key) > (cursor) ORDER BY key LIMIT n}) is
   * planned.
   *
   * @param scan the plan's scan node on the table, e.g. {@code Index Only Scan}, {@code Seq Scan}
   * @param index the index it scans; null for a scan that uses none
   * @param sorts whether the plan sorts the rows (the index does not give the key's order)
   */
  public record KeyWalk(String scan, String index, boolean sorts) {

    /** Whether the walk reads the key's index in order: each batch costs its own rows only. */
    public boolean usesIndex(String keyIndex) {
      return scan != null && scan.startsWith("Index") && index != null
          && index.equals(keyIndex) && !sorts;
    }

    /** E.g. {@code Index Only Scan using orders_pkey}, {@code Seq Scan, then a Sort}. */
    public String describe() {
      return scan + (index == null ? "" : " using " + index) + (sorts ? ", then a Sort" : "");
    }
  }

  /** The rows to backfill: exact when counted, else the estimate (never negative). */
  public long rows() {
    return rowsExact != null ? rowsExact : Math.max(0, rowsEstimate);
  }

  /** {@link #publications}, empty when not observed. */
  public List<String> publicationsOrEmpty() {
    return publications == null ? List.of() : publications;
  }

  /** {@link #subscriptions}, empty when not observed. */
  public List<String> subscriptionsOrEmpty() {
    return subscriptions == null ? List.of() : subscriptions;
  }

  /** {@link #dependents}, empty when not observed. */
  public List<String> dependentsOrEmpty() {
    return dependents == null ? List.of() : dependents;
  }

  /** {@link #triggersAfterSync}, empty when not observed. */
  public List<String> triggersAfterSyncOrEmpty() {
    return triggersAfterSync == null ? List.of() : triggersAfterSync;
  }

  public Column column(String name) {
    return columns == null ? null
        : columns.stream().filter(c -> c.name().equals(name)).findFirst().orElse(null);
  }
}
