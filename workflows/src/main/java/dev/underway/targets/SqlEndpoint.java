package dev.underway.targets;

/**
 * What the activities need to reach a target's SQL: where it listens, the database, and where
 * the credentials are. Every kind of target a SQL activity connects to is one; the defaults are
 * its kind's.
 */
public interface SqlEndpoint {

  /** How operators and messages name the target, e.g. {@code db/crdb} or {@code host:5432}. */
  String key();

  /** The database the activities connect to. */
  String database();

  /** The Secret with the SQL credentials, or null: the worker's environment has them. */
  String credentialsSecret();

  /** The Kubernetes namespace of {@link #credentialsSecret()}, or null. */
  String namespace();

  /** The host to connect to, or null when the target names none (a local engine). */
  String sqlHostOrDefault();

  /** The port to connect to. */
  int sqlPortOrDefault();

  /** The JDBC {@code sslmode}. */
  String sslModeOrDefault();
}
