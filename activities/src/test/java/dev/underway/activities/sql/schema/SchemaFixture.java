package dev.underway.activities.sql.schema;

import dev.underway.workflows.schema.contract.ChangeKind;
import dev.underway.workflows.schema.contract.NewColumn;
import dev.underway.workflows.schema.contract.OldColumn;
import dev.underway.workflows.schema.contract.SchemaChangeActivities;
import dev.underway.workflows.schema.contract.TableChange;
import dev.underway.activities.sql.ConnectionFactory;
import dev.underway.activities.sql.SqlCredentials;
import dev.underway.local.postgres.LocalPostgres;
import dev.underway.targets.PostgresServer;
import io.temporal.activity.ActivityOptions;
import io.temporal.common.RetryOptions;
import io.temporal.testing.TestActivityEnvironment;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;

/**
 * The schema-change activities against a real PostgreSQL server: one database per test class,
 * the production implementation behind a Temporal activity stub (real heartbeats, one attempt per
 * call), and SQL helpers for checks made at the database.
 */
class SchemaFixture {

  LocalPostgres pg;
  final String database;

  SchemaFixture(LocalPostgres pg, String database) throws SQLException {
    this.database = database;
    attach(pg);
  }

  /** A database not created yet: {@link #attach} creates it (see {@link PostgresDatabase}). */
  SchemaFixture(String database) {
    this.database = database;
  }

  /** Creates the database on {@code server}, which this fixture uses from now on. */
  final void attach(LocalPostgres server) throws SQLException {
    this.pg = server;
    try (Connection c = server.connect("postgres"); Statement s = c.createStatement()) {
      s.execute("CREATE DATABASE " + database);
    }
  }

  PostgresServer target() {
    return PostgresServer.of(pg.host(), pg.port(), database).withSslMode("disable");
  }

  SqlCredentials credentials() {
    return new SqlCredentials(pg.superuser(), pg.superuserPassword(), null);
  }

  /** The production activities with quick lock retries, registered in {@code env}. */
  SchemaChangeActivities activities(TestActivityEnvironment env) {
    return activities(env, new LockRetry(Duration.ofMillis(200), 3, Duration.ofMillis(50)),
        new Pacing(Duration.ofMillis(50), Duration.ofSeconds(1)));
  }

  SchemaChangeActivities activities(TestActivityEnvironment env, LockRetry lock, Pacing pacing) {
    return activities(env, lock, pacing, null);
  }

  /**
   * With a heartbeat timeout: the SDK sends a heartbeat at most every 0.8 of it (the rest are
   * coalesced, as against a real server), so a short one lets a test see most beats.
   */
  SchemaChangeActivities activities(TestActivityEnvironment env, Duration heartbeatTimeout) {
    return activities(env, new LockRetry(Duration.ofMillis(200), 3, Duration.ofMillis(50)),
        new Pacing(Duration.ofMillis(50), Duration.ofSeconds(1)), heartbeatTimeout);
  }

  /** With a heartbeat timeout, the activities' connections opened by {@code connections}. */
  SchemaChangeActivities activities(TestActivityEnvironment env, Duration heartbeatTimeout,
      ConnectionFactory connections) {
    return activities(env, new LockRetry(Duration.ofMillis(200), 3, Duration.ofMillis(50)),
        new Pacing(Duration.ofMillis(50), Duration.ofSeconds(1)), heartbeatTimeout, connections);
  }

  private SchemaChangeActivities activities(TestActivityEnvironment env, LockRetry lock,
      Pacing pacing, Duration heartbeatTimeout) {
    return activities(env, lock, pacing, heartbeatTimeout, ConnectionFactory.jdbc());
  }

  private SchemaChangeActivities activities(TestActivityEnvironment env, LockRetry lock,
      Pacing pacing, Duration heartbeatTimeout, ConnectionFactory connections) {
    SqlCredentials creds = credentials();
    env.registerActivitiesImplementations(new PostgresSchemaChangeActivities(
        connections, target -> creds, lock, pacing, new TableObserver()));
    ActivityOptions.Builder options = ActivityOptions.newBuilder()
        .setStartToCloseTimeout(Duration.ofMinutes(5))
        .setRetryOptions(RetryOptions.newBuilder().setMaximumAttempts(1).build());
    if (heartbeatTimeout != null) {
      options.setHeartbeatTimeout(heartbeatTimeout);
    }
    return env.newActivityStub(SchemaChangeActivities.class, options.build());
  }

  Connection connect() throws SQLException {
    return pg.connect(database);
  }

  void sql(String... statements) throws SQLException {
    try (Connection c = connect(); Statement s = c.createStatement()) {
      for (String sql : statements) {
        s.execute(sql);
      }
    }
  }

  long count(String sql) throws SQLException {
    return Long.parseLong(scalar(sql));
  }

  String scalar(String sql) throws SQLException {
    try (Connection c = connect(); Statement s = c.createStatement();
         ResultSet rs = s.executeQuery(sql)) {
      rs.next();
      return rs.getString(1);
    }
  }

  /** {@code amount integer} becomes {@code amount_v2 bigint} (both ways). */
  static TableChange typeChange(String table) {
    return new TableChange(null, table, null, ChangeKind.CHANGE_TYPE,
        List.of(new NewColumn("amount_v2", "bigint", "amount::bigint")),
        List.of(new OldColumn("amount", "amount_v2::integer")));
  }

  /** {@code full_name} computed from first and last name; nothing replaced. */
  static TableChange computed(String table) {
    return new TableChange(null, table, null, ChangeKind.ADD_COLUMN,
        List.of(new NewColumn("full_name", "text", "first_name || ' ' || last_name")),
        List.of());
  }

  /** The runbook's split example: {@code name} into first and last name, joined back by down. */
  static TableChange split(String table) {
    return new TableChange(null, table, null, ChangeKind.SPLIT_COLUMN,
        List.of(new NewColumn("first_name", "text", "split_part(name, ' ', 1)"),
            new NewColumn("last_name", "text",
                "nullif(substr(name, length(split_part(name, ' ', 1)) + 2), '')")),
        List.of(new OldColumn("name", "concat_ws(' ', first_name, last_name)")));
  }

  /** A table {@code id bigint PK, name text NOT NULL, email text} with two rows. */
  void customers(String table) throws SQLException {
    sql("CREATE TABLE " + table + " (id bigint PRIMARY KEY, name text NOT NULL, email text)",
        "INSERT INTO " + table + " VALUES (1, 'Ann Lee', 'ann@x'), (2, 'Bob', 'bob@x')");
  }

  /** The row's columns as text joined by '|' (NULL as '∅'), ordered as given. */
  String row(String table, long id, String... columns) throws SQLException {
    String select = String.join(" || '|' || ", java.util.Arrays.stream(columns)
        .map(c -> "coalesce(" + c + "::text, '∅')").toList());
    return scalar("SELECT " + select + " FROM " + table + " WHERE id = " + id);
  }

  /** A table {@code id bigint PK, amount integer NOT NULL, note text} with {@code rows} rows. */
  void amounts(String table, int rows) throws SQLException {
    sql("CREATE TABLE " + table + " (id bigint PRIMARY KEY, amount integer NOT NULL, note text)",
        "INSERT INTO " + table + " SELECT g, g % 1000, 'n' || g FROM generate_series(1, " + rows
            + ") g",
        "ANALYZE " + table);
  }
}
