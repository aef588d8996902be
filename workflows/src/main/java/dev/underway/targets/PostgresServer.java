package dev.underway.targets;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import dev.underway.kernel.RequestChecks;
import dev.underway.kernel.WholeNumbers;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A PostgreSQL server a runbook connects to, as a request names it.
 *
 * @param sqlHost the server's host name or address (required)
 * @param sqlPort its port (required: PostgreSQL's is usually 5432)
 * @param database the database (required)
 * @param sslMode JDBC {@code sslmode}; default {@value #DEFAULT_SSL_MODE}
 * @param credentialsSecret a Secret in {@code namespace} with keys {@code username} and {@code
 *     password}; absent: the worker's environment ({@code UNDERWAY_SQL_USER}, {@code
 *     UNDERWAY_SQL_PASSWORD})
 * @param namespace the Secret's namespace (required with {@code credentialsSecret})
 * @param unknownFields what JSON gave that a server does not take: unknown names, a {@code
 *     sqlPort} that is not a whole number, a {@code kind} that is no kind
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record PostgresServer(
    String sqlHost,
    Integer sqlPort,
    String database,
    String sslMode,
    String credentialsSecret,
    String namespace,
    @JsonIgnore Map<String, Object> unknownFields) implements PostgresTarget {

  public static final String DEFAULT_SSL_MODE = "verify-full";
  public static final int DEFAULT_SQL_PORT = 5432;

  public PostgresServer {
    unknownFields = unknownFields == null ? Map.of() : Map.copyOf(unknownFields);
  }

  /** The usual shape: host, port and database, defaults for the rest. */
  public static PostgresServer of(String sqlHost, int sqlPort, String database) {
    return new PostgresServer(sqlHost, sqlPort, database, null, null, null, null);
  }

  /** How JSON becomes a server: {@code sqlPort} is checked, never truncated. */
  @JsonCreator(mode = JsonCreator.Mode.DELEGATING)
  static PostgresServer fromJson(Map<String, Object> json) {
    JsonFields f = new JsonFields(json);
    String host = f.text("sqlHost");
    Object port = f.take("sqlPort");
    String database = f.text("database");
    String sslMode = f.text("sslMode");
    String secret = f.text("credentialsSecret");
    String namespace = f.text("namespace");
    String kind = f.text("kind");
    Map<String, Object> rejected = f.left();
    if (kind != null && !kind.strip().equalsIgnoreCase("kubernetes")) {
      rejected.put("kind", kind); // validation names it
    }
    return new PostgresServer(host, WholeNumbers.take("sqlPort", port, rejected), database,
        sslMode, secret, namespace, rejected);
  }

  public PostgresServer withCredentialsSecret(String namespace, String secret) {
    return new PostgresServer(sqlHost, sqlPort, database, sslMode, secret, namespace,
        unknownFields);
  }

  public PostgresServer withSslMode(String mode) {
    return new PostgresServer(sqlHost, sqlPort, database, mode, credentialsSecret, namespace,
        unknownFields);
  }

  @Override
  public void check(String where, String guide, List<String> problems) {
    Map<String, Object> unknown = new LinkedHashMap<>(unknownFields);
    Object kind = unknown.remove("kind");
    if (kind != null) {
      problems.add(where + ".kind '" + kind + "' is not one of kubernetes, local");
    }
    boolean named = unknown.remove(LocalEngine.NAME) != null;
    RequestChecks.unknown(where, unknown, problems, guide, "sqlPort");
    if (named) {
      problems.add(where + ".name names a local server: a PostgreSQL server is named by sqlHost"
          + " and sqlPort (or set kind: local)");
    }
    RequestChecks.required(where + ".sqlHost", sqlHost, TargetPatterns.HOST,
        "a host name or address", problems);
    if (sqlPort == null) {
      if (!unknownFields.containsKey("sqlPort")) {
        problems.add(where + ".sqlPort is missing: PostgreSQL's is usually 5432");
      }
    } else {
      TargetPatterns.port(where + ".sqlPort", sqlPort, problems);
    }
    RequestChecks.optional(where + ".credentialsSecret", credentialsSecret,
        TargetPatterns.DNS_SUBDOMAIN, "a Secret name", problems);
    RequestChecks.optional(where + ".namespace", namespace, TargetPatterns.DNS_LABEL,
        "a Kubernetes namespace", problems);
    if (credentialsSecret != null && namespace == null) {
      problems.add(where + ".credentialsSecret needs " + where + ".namespace: the Secret's"
          + " namespace");
    }
    TargetPatterns.sslMode(where + ".sslMode", sslMode, problems);
    RequestChecks.required(where + ".database", database, TargetPatterns.SQL_NAME,
        "a SQL database name", problems);
  }

  /** {@code host:port}: how operators and messages name the server. */
  @Override
  @JsonIgnore
  public String key() {
    return sqlHost + ":" + sqlPort;
  }

  @Override
  @JsonIgnore
  public String sqlHostOrDefault() {
    return sqlHost;
  }

  @Override
  @JsonIgnore
  public int sqlPortOrDefault() {
    return sqlPort == null ? DEFAULT_SQL_PORT : sqlPort;
  }

  @Override
  @JsonIgnore
  public String sslModeOrDefault() {
    return sslMode == null || sslMode.isBlank() ? DEFAULT_SSL_MODE : sslMode;
  }
}
