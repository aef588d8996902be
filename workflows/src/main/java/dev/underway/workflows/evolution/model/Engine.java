package dev.underway.workflows.evolution.model;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Locale;

/**
 * The database engine a target runs: CockroachDB (replication factor per zone), or the
 * sandbox's PostgreSQL (replication factor as a synchronous-standby quorum). JSON: {@code
 * "cockroachdb"}, {@code "postgresql"}.
 */
public enum Engine {
  COCKROACHDB,
  POSTGRESQL;

  @JsonValue
  public String json() {
    return name().toLowerCase(Locale.ROOT);
  }

  @JsonCreator
  public static Engine parse(String value) {
    for (Engine e : values()) {
      if (e.name().equalsIgnoreCase(value == null ? "" : value.strip())) {
        return e;
      }
    }
    return null;
  }
}
