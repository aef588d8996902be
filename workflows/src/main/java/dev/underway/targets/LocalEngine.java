package dev.underway.targets;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import dev.underway.kernel.RequestChecks;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A local engine of the sandbox, named by {@code name} ({@code kind: local} in JSON): the
 * sandbox's worker knows where it listens and its credentials, so a request names no host, port,
 * TLS mode or Secret.
 *
 * @param name the local engine's name
 * @param database the database (required)
 * @param unknownFields what JSON gave that a local engine does not take
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonPropertyOrder({"kind", "name", "database"})
public record LocalEngine(
    String name,
    String database,
    @JsonIgnore Map<String, Object> unknownFields) implements PostgresTarget {

  /** The {@code kind} of a local engine in JSON. */
  public static final String KIND = "local";
  static final String NAME = "name";
  /** A server's fields: given to a local engine they are refused by name. */
  private static final Set<String> SERVER_FIELDS =
      Set.of("sqlHost", "sqlPort", "sslMode", "namespace", "credentialsSecret");

  public LocalEngine {
    unknownFields = unknownFields == null ? Map.of() : Map.copyOf(unknownFields);
  }

  public LocalEngine(String name, String database) {
    this(name, database, null);
  }

  /** How JSON becomes a local engine: {@code kind} says it is one. */
  @JsonCreator(mode = JsonCreator.Mode.DELEGATING)
  static LocalEngine fromJson(Map<String, Object> json) {
    JsonFields f = new JsonFields(json);
    f.take("kind");
    String name = f.text(NAME);
    String database = f.text("database");
    return new LocalEngine(name, database, f.left());
  }

  /** {@value #KIND}, written to JSON so that the target reads back as a local engine. */
  @JsonProperty("kind")
  public String kind() {
    return KIND;
  }

  @Override
  public void check(String where, String guide, List<String> problems) {
    Map<String, Object> unknown = new LinkedHashMap<>(unknownFields);
    List<String> server = unknown.keySet().stream().filter(SERVER_FIELDS::contains).sorted()
        .toList();
    unknown.keySet().removeAll(server);
    RequestChecks.unknown(where, unknown, problems, guide);
    RequestChecks.required(where + ".name", name, TargetPatterns.DNS_LABEL,
        "a local server's name", problems);
    for (String field : server) {
      problems.add(where + "." + field + " does not apply to a local target (kind local): leave"
          + " it out");
    }
    RequestChecks.required(where + ".database", database, TargetPatterns.SQL_NAME,
        "a SQL database name", problems);
  }

  /** {@code local/name}: how operators and messages name it. */
  @Override
  @JsonIgnore
  public String key() {
    return "local/" + name;
  }

  /** A local engine's Secret: none, the sandbox's worker has its credentials. */
  @Override
  @JsonIgnore
  public String credentialsSecret() {
    return null;
  }

  @Override
  @JsonIgnore
  public String namespace() {
    return null;
  }

  /** None: the sandbox's worker knows where its engines listen. */
  @Override
  @JsonIgnore
  public String sqlHostOrDefault() {
    return null;
  }

  @Override
  @JsonIgnore
  public int sqlPortOrDefault() {
    return 0;
  }

  @Override
  @JsonIgnore
  public String sslModeOrDefault() {
    return "disable";
  }
}
