package dev.underway.activities.sql;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.underway.workflows.evolution.contract.DatabaseActivities;
import dev.underway.local.postgres.LocalPostgres;
import dev.underway.workflows.evolution.model.ClusterTarget;
import io.temporal.activity.ActivityOptions;
import io.temporal.common.RetryOptions;
import io.temporal.testing.TestActivityEnvironment;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;

/** The SQL activities pointed at a real PostgreSQL server, and checks made at it. */
final class PostgresSqlSupport {
  private PostgresSqlSupport() {}

  /** The production activities with these credentials and connections, one attempt per call. */
  static DatabaseActivities activities(TestActivityEnvironment env, SqlCredentials credentials,
      ConnectionFactory connections) {
    env.registerActivitiesImplementations(new SqlDatabaseActivities(connections,
        target -> credentials, new CockroachDialect(), Duration.ofMillis(50)));
    return env.newActivityStub(DatabaseActivities.class, ActivityOptions.newBuilder()
        .setStartToCloseTimeout(Duration.ofMinutes(1))
        .setRetryOptions(RetryOptions.newBuilder().setMaximumAttempts(1).build())
        .build());
  }

  /** A target whose SQL is the given server's database. */
  static ClusterTarget target(LocalPostgres pg, String database, String readerUser) {
    return new ClusterTarget("db", "cockroachdb", "cockroachdb-public", null, null, database,
        readerUser, pg.host(), pg.port(), "disable", null, null);
  }

  static String scalar(Statement s, String sql) throws SQLException {
    try (ResultSet rs = s.executeQuery(sql)) {
      assertThat(rs.next()).isTrue();
      return rs.getString(1);
    }
  }

  static void assertSqlState(Statement s, String sql, String state) {
    assertThatThrownBy(() -> s.execute(sql))
        .as(sql)
        .isInstanceOf(SQLException.class)
        .extracting(e -> ((SQLException) e).getSQLState()).isEqualTo(state);
  }
}
