/**
 * The SchemaChange runbook's activities on PostgreSQL ({@link
 * dev.underway.activities.sql.schema.PostgresSchemaChangeActivities} implements the contract
 * {@link dev.underway.workflows.schema.contract.SchemaChangeActivities}), built from small blocks that
 * know nothing of Temporal:
 *
 * <ul>
 *   <li>{@link dev.underway.activities.sql.schema.PostgresSchemaDialect}: every statement (and the
 *       CockroachDB differences, untested), the observation's catalogue reads in {@link
 *       dev.underway.activities.sql.schema.PostgresCatalogQueries};
 *   <li>{@link dev.underway.activities.sql.schema.TableObserver}: rows, bytes (heap and indexes
 *       apart), key, indexes, triggers, standbys and their lag ({@link
 *       dev.underway.activities.sql.schema.ReplicaLagGauge}), long transactions, the marker, the
 *       flags; {@link dev.underway.activities.sql.schema.ExpressionProbe} tries the change on a
 *       few rows in a transaction rolled back (types resolved first); {@link
 *       dev.underway.activities.sql.schema.GeneratedReads}, {@link
 *       dev.underway.activities.sql.schema.Inheritance}, {@link
 *       dev.underway.activities.sql.schema.Replication}, {@link
 *       dev.underway.activities.sql.schema.KeyWalkPlan} and {@link
 *       dev.underway.activities.sql.schema.Dependents} (what must change before the contract; the
 *       contract refuses on the same findings) add what else it must know; {@link
 *       dev.underway.activities.sql.schema.Refusals} turns what it saw into typed refusals;
 *   <li>{@link dev.underway.activities.sql.schema.Expand} (columns, {@link
 *       dev.underway.activities.sql.schema.SyncTriggers}, flags, the marker, under {@link
 *       dev.underway.activities.sql.schema.LockRetry}) and its undo; {@link
 *       dev.underway.activities.sql.schema.Contract};
 *   <li>{@link dev.underway.activities.sql.schema.Backfill}: keyset batches, adaptive size
 *       (bounded), paused by lag or the operator ({@link
 *       dev.underway.activities.sql.schema.ControlSource}), paced by the latency guard ({@link
 *       dev.underway.activities.sql.schema.StepGuard}), its progress told to a listener (the
 *       activity heartbeats it and resumes from it, the guard's baseline included); {@link
 *       dev.underway.activities.sql.schema.Verify}, paced the same way;
 *   <li>{@link dev.underway.activities.sql.schema.Flags} and {@link
 *       dev.underway.activities.sql.schema.RunMarker}: the two tables kept at the database.
 * </ul>
 */
package dev.underway.activities.sql.schema;
