package dev.underway.sandbox.load;

import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/**
 * What the load does to the database: its schema, and each operation's SQL. The {@link
 * LoadGenerator} does the rest, the same for every workload: pacing, connections to the writer
 * and reader paths (moved off the operation path when an endpoint changes), retries the database
 * asks for, latency and the report. Today's workload is {@link KeyValueWorkload}; a runbook that
 * needs other traffic (writes to both shapes of a table, one tenant at a time, through a pooler)
 * adds a workload and changes nothing here.
 *
 * <p>Implementations are called from every load thread at once: keep shared state thread-safe.
 */
public interface Workload {

  /** How the workload is named in logs. */
  String name();

  /**
   * Statements that create what the workload needs (idempotent: {@code CREATE ... IF NOT
   * EXISTS}), run once per writer endpoint before its first operation. Another connection doing
   * the same at the same moment is tolerated.
   */
  List<String> schema();

  /**
   * The next write, chosen now and run on the writer path.
   *
   * @param thread which load thread asks (0 to threads - 1), e.g. to make keys unique
   */
  Operation write(int thread, ThreadLocalRandom random);

  /** The next read, run on the reader path once there is one, else on the writer path. */
  Operation read(ThreadLocalRandom random);

  /**
   * One operation: its name in the report's errors ({@code insert}, {@code read}, ...) and its
   * SQL.
   */
  record Operation(String name, Body body) {}

  /** An operation's SQL; for a read, whether it found what it looked for (a write: anything). */
  @FunctionalInterface
  interface Body {
    boolean run(Sql sql) throws SQLException;
  }

  /** How an operation reaches the database: the connection its load thread holds now. */
  interface Sql {
    /** {@code statement} prepared on this connection, once (kept while the connection lives). */
    PreparedStatement prepare(String statement) throws SQLException;

    /**
     * Runs one autocommit statement, again when the database asks the client to retry it
     * (serialization failure or deadlock, SQLSTATE 40001 or 40P01); each retry is counted apart.
     */
    <T> T retrying(Attempt<T> statement) throws SQLException;

    /**
     * Runs {@code body} as one transaction on this connection (autocommit off, then commit; a
     * rollback when it throws), again from its start when the database asks the client to retry
     * it (40001, 40P01), each retry counted apart like {@link #retrying}'s. The connection is in
     * autocommit again afterwards.
     */
    <T> T transaction(Attempt<T> body) throws SQLException;
  }

  /** One execution of a JDBC statement. */
  @FunctionalInterface
  interface Attempt<T> {
    T run() throws SQLException;
  }
}
