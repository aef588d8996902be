/**
 * The local sandbox target: real PostgreSQL server processes on this machine (the default
 * engine), or real CockroachDB nodes when a {@code cockroach} binary is on PATH, evolved by the
 * same {@code ClusterEvolution} workflow as the Kubernetes/CockroachDB target; only the
 * activities differ.
 *
 * <ul>
 *   <li>{@link dev.underway.local.postgres.LocalPostgres}: one server process (binaries from
 *       Maven Central; runs as {@code nobody} when the JVM is root);
 *   <li>{@link dev.underway.activities.local.LocalCluster}: a primary plus streaming standbys made
 *       with the documented low-level base backup API ({@link
 *       dev.underway.activities.local.BaseBackup}), all state in one directory so a new worker
 *       can attach;
 *   <li>{@link dev.underway.activities.local.LocalPlatformActivities}: nodes = server processes,
 *       reader Service = the published {@code preferSecondary} URL, disruption budget recorded;
 *   <li>{@link dev.underway.activities.local.LocalDatabaseActivities}: replication factor N =
 *       {@code synchronous_standby_names = 'ANY N/2 (node1, ...)'} over N-1 standbys, set with
 *       {@code ALTER SYSTEM} and a reload; live nodes = primary + streaming standbys.
 *   <li>{@link dev.underway.activities.local.LocalCockroachCluster}: {@code cockroach start
 *       --insecure} nodes on 127.0.0.1 ({@code node1} initialized with {@code cockroach init},
 *       the others joining it), Phase 0 = RF 1 on every zone, state in one directory so a new
 *       worker can attach;
 *   <li>{@link dev.underway.activities.local.LocalCockroachPlatformActivities}: nodes = {@code
 *       cockroach} processes, Ready = {@code /health?ready=1} answers 200, reader Service = a
 *       load-balanced URL over every node; its {@code databaseActivities} is the production
 *       {@code SqlDatabaseActivities} with {@code CockroachDialect}, as {@code root} without a
 *       password.
 * </ul>
 *
 * No step restarts the primary or interrupts the writer path.
 */
package dev.underway.activities.local;
