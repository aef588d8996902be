package dev.underway.sandbox.engine;

import java.util.Arrays;
import java.util.Locale;

/** The database a local cluster runs, as its state file and {@code --engine} name it. */
public enum Engine {
  POSTGRES,
  COCKROACH;

  /** {@code postgres}, {@code cockroach}. */
  public String id() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** How messages name it. */
  public String displayName() {
    return this == POSTGRES ? "PostgreSQL" : "CockroachDB";
  }

  /** The number of its first node: {@code node0} (the primary) or {@code node1}. */
  public int firstNode() {
    return this == POSTGRES ? 0 : 1;
  }

  /** Whether its nodes have an HTTP port besides the SQL one (CockroachDB's DB Console). */
  public boolean httpPorts() {
    return this == COCKROACH;
  }

  /** The engine named {@code id}, or null. */
  public static Engine byId(String id) {
    return Arrays.stream(values()).filter(e -> e.id().equals(id)).findFirst().orElse(null);
  }
}
