/**
 * The activity contract of the SchemaChange runbook (expand/contract on a live PostgreSQL
 * table): {@link dev.underway.workflows.schema.contract.SchemaChangeActivities} and the records it takes
 * and returns. The PostgreSQL implementation lives in the activities module
 * ({@code dev.underway.activities.sql.schema}); the workflow ({@code
 * dev.underway.workflows.schema}) depends only on this package.
 *
 * <p>State the implementation keeps at the database, in the changed table's schema:
 *
 * <ul>
 *   <li>{@code underway_flags (key text PRIMARY KEY, value text NOT NULL, updated_at timestamptz
 *       NOT NULL DEFAULT now())}: the flags applications read (see {@link
 *       dev.underway.workflows.schema.contract.ChangeObjects#readsFlag()}); the runbook documents the
 *       read contract;
 *   <li>{@code underway_schema_changes (table_name text PRIMARY KEY, workflow_id text NOT NULL,
 *       added_columns text[] NOT NULL, throttled boolean NOT NULL DEFAULT false, throttle_reason
 *       text, batch_size integer, progress jsonb, updated_at timestamptz NOT NULL DEFAULT
 *       now())}: one row per table under change. It is the durable <b>marker</b> (one run per
 *       table: a row held by another workflow id refuses a second run), it records which columns
 *       this run added (an undo drops only those), and it is the <b>control row</b> the running
 *       backfill reads before every batch (throttle, batch size) and writes its progress to.
 * </ul>
 */
package dev.underway.workflows.schema.contract;
