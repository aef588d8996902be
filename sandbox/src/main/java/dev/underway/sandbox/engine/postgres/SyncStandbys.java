package dev.underway.sandbox.engine.postgres;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code synchronous_standby_names} as the local target's replication factor: RF N means a
 * commit waits until a majority of N copies have it, i.e. {@code ANY k (node1, ...)} over N-1
 * standbys with k = N/2 rounded down (RF 1: empty, RF 2: {@code ANY 1 (node1)}, RF 3: {@code ANY 1
 * (node1, node2)}). Observed RF = 1 + the standbys listed.
 *
 * @param method {@code ANY}, {@code FIRST}, or empty when nothing is listed
 * @param required how many listed standbys a commit waits for
 * @param names the listed standbys, in order
 */
record SyncStandbys(String method, int required, List<String> names) {

  private static final Pattern WITH_COUNT =
      Pattern.compile("(?i)^\\s*(ANY|FIRST)?\\s*(\\d+)\\s*\\((.*)\\)\\s*$");
  private static final Pattern NODE_NAME = Pattern.compile("[a-z][a-z0-9_]*");

  SyncStandbys {
    names = List.copyOf(names);
  }

  static final SyncStandbys NONE = new SyncStandbys("", 0, List.of());

  /** What RF {@code replicationFactor} means over these standbys (the first N-1 are listed). */
  static SyncStandbys forReplicationFactor(int replicationFactor, List<String> standbys) {
    if (replicationFactor < 1 || replicationFactor - 1 > standbys.size()) {
      throw new IllegalArgumentException("replication factor " + replicationFactor + " needs "
          + (replicationFactor - 1) + " standby(s), there are " + standbys.size());
    }
    if (replicationFactor == 1) {
      return NONE;
    }
    List<String> listed = standbys.subList(0, replicationFactor - 1);
    for (String n : listed) {
      if (!NODE_NAME.matcher(n).matches()) {
        throw new IllegalArgumentException("unexpected standby name: " + n);
      }
    }
    return new SyncStandbys("ANY", replicationFactor / 2, listed);
  }

  /** Parses the setting as {@code SHOW synchronous_standby_names} prints it. */
  static SyncStandbys parse(String setting) {
    if (setting == null || setting.isBlank()) {
      return NONE;
    }
    Matcher m = WITH_COUNT.matcher(setting);
    if (m.matches()) {
      String method = m.group(1) == null ? "FIRST" : m.group(1).toUpperCase(Locale.ROOT);
      return new SyncStandbys(method, Integer.parseInt(m.group(2)), split(m.group(3)));
    }
    return new SyncStandbys("FIRST", 1, split(setting));
  }

  private static List<String> split(String list) {
    List<String> out = new ArrayList<>();
    for (String part : list.split(",")) {
      String name = part.trim();
      if (name.length() >= 2 && name.startsWith("\"") && name.endsWith("\"")) {
        name = name.substring(1, name.length() - 1).replace("\"\"", "\"");
      }
      if (!name.isEmpty()) {
        out.add(name);
      }
    }
    return out;
  }

  /** The replication factor this setting gives: 1 + the standbys listed. */
  int replicationFactor() {
    return 1 + names.size();
  }

  /** The value to set: {@code ANY 1 (node1, node2)}, or empty. */
  String toSetting() {
    if (names.isEmpty()) {
      return "";
    }
    return method + " " + required + " (" + String.join(", ", names) + ")";
  }
}
