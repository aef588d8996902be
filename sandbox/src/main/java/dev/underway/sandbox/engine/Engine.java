package dev.underway.sandbox.engine;

/**
 * The database a local cluster runs, as its state file names it.
 *
 * @param id how the state file and {@code --engine} name it
 * @param displayName how messages name it
 * @param firstNode the number of its first node ({@code node0} or {@code node1})
 * @param httpPorts whether its nodes have an HTTP port besides the SQL one
 */
public enum Engine {
  POSTGRES("postgres", "PostgreSQL", 0, false),
  COCKROACH("cockroach", "CockroachDB", 1, true);

  private final String id;
  private final String displayName;
  private final int firstNode;
  private final boolean httpPorts;

  Engine(String id, String displayName, int firstNode, boolean httpPorts) {
    this.id = id;
    this.displayName = displayName;
    this.firstNode = firstNode;
    this.httpPorts = httpPorts;
  }

  public String id() {
    return id;
  }

  public String displayName() {
    return displayName;
  }

  public int firstNode() {
    return firstNode;
  }

  public boolean httpPorts() {
    return httpPorts;
  }

  /** The engine named {@code id}, or null. */
  public static Engine byId(String id) {
    for (Engine e : values()) {
      if (e.id.equals(id)) {
        return e;
      }
    }
    return null;
  }
}
