package dev.underway.activities.sql.schema;

import dev.underway.activities.sql.ConnectionFactory;
import dev.underway.activities.sql.SqlCredentials;
import dev.underway.targets.PostgresTarget;
import java.sql.Connection;
import java.sql.SQLException;

/** Where the building blocks get a fresh connection to the target's database. */
@FunctionalInterface
public interface SqlSource {

  Connection open() throws SQLException;

  /** Connections from {@code factory} to {@code target} as {@code credentials}. */
  static SqlSource of(ConnectionFactory factory, PostgresTarget target, SqlCredentials credentials) {
    return () -> factory.open(target, credentials);
  }
}
