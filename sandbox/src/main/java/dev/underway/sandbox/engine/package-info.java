/**
 * The local engines of the sandbox: database clusters of real server processes on this machine,
 * evolved by the same runbooks as a cluster on Kubernetes; only the activities differ.
 *
 * <p>What both engines share has one home here: a cluster ({@link
 * dev.underway.sandbox.engine.LocalCluster}: nodes, readiness, writer and reader paths, the
 * recorded reader Service and disruption budget, detach and close), its state file ({@link
 * dev.underway.sandbox.engine.ClusterState}, one format for both), and the platform activities
 * ({@link dev.underway.sandbox.engine.LocalPlatformActivities}). Processes, ports, the user a server
 * runs as and log tails are {@code dev.underway.local}'s, shared with the Temporal dev server.
 *
 * <ul>
 *   <li>{@code postgres}: {@link dev.underway.sandbox.engine.postgres.LocalPostgresCluster}, a
 *       primary plus streaming standbys made with the documented low-level base backup API;
 *       replication factor N = {@code synchronous_standby_names = 'ANY N/2 (node1, ...)'} over
 *       N-1 standbys, set with {@code ALTER SYSTEM} and a reload; live nodes = primary +
 *       streaming standbys; reader Service = the published {@code preferSecondary} URL.
 *   <li>{@code cockroach}: {@link dev.underway.sandbox.engine.cockroach.LocalCockroachCluster},
 *       {@code cockroach start --insecure} nodes on 127.0.0.1 ({@code node1} initialized with
 *       {@code cockroach init}, the others joining it), Phase 0 = RF 1 on every zone; Ready =
 *       {@code /health?ready=1} answers 200; reader Service = a load-balanced URL over every node;
 *       the database activities are the production {@code SqlDatabaseActivities} with {@code
 *       CockroachDialect}, as {@code root} without a password.
 * </ul>
 *
 * No step restarts the primary or interrupts the writer path.
 */
package dev.underway.sandbox.engine;
