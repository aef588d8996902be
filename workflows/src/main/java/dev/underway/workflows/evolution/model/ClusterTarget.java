package dev.underway.workflows.evolution.model;

import dev.underway.kernel.WholeNumbers;
import dev.underway.targets.SqlEndpoint;
import com.fasterxml.jackson.annotation.JsonAnySetter;
import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;

/**
 * Which database cluster a run changes: a CockroachDB StatefulSet in a Kubernetes namespace
 * ({@code kind} absent or {@code kubernetes}), or a local cluster of the sandbox ({@code kind}
 * {@code local}, named by {@code name}; the worker's local activities know where it is).
 *
 * <p>One record for both kinds, so that the JSON of every request and recorded history reads as
 * it always has; each kind's problems are its own class's in {@code workflows.evolution}. A
 * PostgreSQL runbook takes {@link dev.underway.targets.PostgresTarget} instead.
 *
 * <p>On Kubernetes only {@code namespace}, {@code statefulSet}, {@code publicService} and {@code
 * database} are required; a local target needs {@code name} and {@code database}. The rest have
 * defaults (see the accessors ending in {@code OrDefault}). Unknown JSON
 * fields are collected in {@link #unknownFields()} so the workflow can refuse them with a clear
 * message instead of silently ignoring a typo.
 *
 * @param namespace Kubernetes namespace of the cluster
 * @param statefulSet name of the CockroachDB StatefulSet
 * @param publicService the Service SQL clients (the writer path) connect to
 * @param readerService the Service of the reader path; default {@code <statefulSet>-read}
 * @param credentialsSecret Secret in {@code namespace} with keys {@code username} and {@code
 *     password} for the SQL admin; when absent the worker's environment ({@code
 *     UNDERWAY_SQL_USER}, {@code UNDERWAY_SQL_PASSWORD}) is used
 * @param database the application database the read-only user may read
 * @param readerUser the read-only SQL user; default {@code underway_reader}
 * @param sqlHost host the worker connects to; default {@code <publicService>.<namespace>.svc}
 * @param sqlPort SQL port; default 26257
 * @param sslMode JDBC {@code sslmode}; default {@code verify-full}
 * @param tableOwners SQL roles that create tables in {@code database} (the application's or its
 *     migrations' role): tables they create later are readable by the reader too ({@code ALTER
 *     DEFAULT PRIVILEGES FOR ROLE ...}); the SQL admin Underway connects as is always covered.
 *     Each must exist, and the admin must be allowed to act for it (a member of it, or a
 *     superuser/admin)
 * @param revokePublicCreate when true, and the pseudo-role PUBLIC may CREATE in schema {@code
 *     public} (CockroachDB's default), the reader-user step runs {@code REVOKE CREATE ON SCHEMA
 *     public FROM PUBLIC} so the reader cannot create tables; every {@code tableOwners} role that
 *     could create there is first granted CREATE explicitly. Shown at the gate as a change of its
 *     own. Default false: the gate only warns, naming the statement
 * @param kind where the cluster runs; absent means Kubernetes
 * @param name a local cluster's name (local targets only)
 * @param unknownFields what JSON gave that this record could not take: unknown field names, and
 *     a {@code sqlPort} that is not a whole number (kept as given, never truncated)
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ClusterTarget(
    String namespace,
    String statefulSet,
    String publicService,
    String readerService,
    String credentialsSecret,
    String database,
    String readerUser,
    String sqlHost,
    Integer sqlPort,
    String sslMode,
    List<String> tableOwners,
    Boolean revokePublicCreate,
    PlatformKind kind,
    String name,
    @JsonAnySetter @JsonIgnore Map<String, Object> unknownFields) implements SqlEndpoint {

  public static final int DEFAULT_SQL_PORT = 26257;
  public static final String DEFAULT_READER_USER = "underway_reader";
  public static final String DEFAULT_SSL_MODE = "verify-full";

  public ClusterTarget {
    unknownFields = unknownFields == null ? Map.of() : Map.copyOf(unknownFields);
    // null entries are kept (validation names them); List.copyOf would throw
    tableOwners = tableOwners == null ? null
        : Collections.unmodifiableList(new ArrayList<>(tableOwners));
  }

  /** A Kubernetes target without {@code revokePublicCreate}. */
  public ClusterTarget(String namespace, String statefulSet, String publicService,
      String readerService, String credentialsSecret, String database, String readerUser,
      String sqlHost, Integer sqlPort, String sslMode, List<String> tableOwners,
      Map<String, Object> unknownFields) {
    this(namespace, statefulSet, publicService, readerService, credentialsSecret, database,
        readerUser, sqlHost, sqlPort, sslMode, tableOwners, null, unknownFields);
  }

  /** A Kubernetes target. */
  public ClusterTarget(String namespace, String statefulSet, String publicService,
      String readerService, String credentialsSecret, String database, String readerUser,
      String sqlHost, Integer sqlPort, String sslMode, List<String> tableOwners,
      Boolean revokePublicCreate, Map<String, Object> unknownFields) {
    this(namespace, statefulSet, publicService, readerService, credentialsSecret, database,
        readerUser, sqlHost, sqlPort, sslMode, tableOwners, revokePublicCreate, null, null,
        unknownFields);
  }

  /** A local cluster of the sandbox, named {@code name}. */
  public static ClusterTarget local(String name, String database) {
    return new ClusterTarget(null, null, null, null, null, database, null, null, null, null, null,
        null, PlatformKind.LOCAL, name, null);
  }

  /** How JSON becomes a target: {@code sqlPort} is checked, never truncated. */
  @JsonCreator
  static ClusterTarget fromJson(
      @JsonProperty("namespace") String namespace,
      @JsonProperty("statefulSet") String statefulSet,
      @JsonProperty("publicService") String publicService,
      @JsonProperty("readerService") String readerService,
      @JsonProperty("credentialsSecret") String credentialsSecret,
      @JsonProperty("database") String database,
      @JsonProperty("readerUser") String readerUser,
      @JsonProperty("sqlHost") String sqlHost,
      @JsonProperty("sqlPort") Object sqlPort,
      @JsonProperty("sslMode") String sslMode,
      @JsonProperty("tableOwners") List<String> tableOwners,
      @JsonProperty("revokePublicCreate") Boolean revokePublicCreate,
      @JsonProperty("kind") String kind,
      @JsonProperty("name") String name,
      @JsonAnySetter Map<String, Object> unknown) {
    Map<String, Object> rejected = WholeNumbers.copy(unknown);
    PlatformKind platform = kind == null ? null : PlatformKind.parse(kind);
    if (kind != null && platform == null) {
      rejected.put("kind", kind); // validation names it
    }
    return new ClusterTarget(namespace, statefulSet, publicService, readerService, credentialsSecret,
        database, readerUser, sqlHost, WholeNumbers.take("sqlPort", sqlPort, rejected), sslMode,
        tableOwners, revokePublicCreate, platform, name, rejected);
  }

  /** The usual shape: required fields only, defaults for the rest. */
  public static ClusterTarget of(
      String namespace, String statefulSet, String publicService, String database) {
    return new ClusterTarget(
        namespace, statefulSet, publicService, null, null, database, null, null, null, null, null,
        null);
  }

  public ClusterTarget withCredentialsSecret(String secret) {
    return new ClusterTarget(namespace, statefulSet, publicService, readerService, secret, database,
        readerUser, sqlHost, sqlPort, sslMode, tableOwners, revokePublicCreate, kind, name,
        unknownFields);
  }

  public ClusterTarget withSql(String host, Integer port, String mode) {
    return new ClusterTarget(namespace, statefulSet, publicService, readerService, credentialsSecret,
        database, readerUser, host, port, mode, tableOwners, revokePublicCreate, kind, name,
        unknownFields);
  }

  public ClusterTarget withTableOwners(List<String> owners) {
    return new ClusterTarget(namespace, statefulSet, publicService, readerService, credentialsSecret,
        database, readerUser, sqlHost, sqlPort, sslMode, owners, revokePublicCreate, kind, name,
        unknownFields);
  }

  public ClusterTarget withRevokePublicCreate(Boolean value) {
    return new ClusterTarget(namespace, statefulSet, publicService, readerService, credentialsSecret,
        database, readerUser, sqlHost, sqlPort, sslMode, tableOwners, value, kind, name,
        unknownFields);
  }

  /** Whether {@link #revokePublicCreate()} was asked for. */
  @JsonIgnore
  public boolean revokesPublicCreate() {
    return Boolean.TRUE.equals(revokePublicCreate);
  }

  /** {@link #tableOwners()}, empty when not given. */
  @JsonIgnore
  public List<String> tableOwnersOrEmpty() {
    return tableOwners == null ? List.of() : tableOwners;
  }

  @JsonIgnore
  public String readerServiceOrDefault() {
    return readerService == null || readerService.isBlank() ? statefulSet + "-read" : readerService;
  }

  @JsonIgnore
  public String readerUserOrDefault() {
    return readerUser == null || readerUser.isBlank() ? DEFAULT_READER_USER : readerUser;
  }

  @Override
  @JsonIgnore
  public String sqlHostOrDefault() {
    return sqlHost == null || sqlHost.isBlank()
        ? publicService + "." + namespace + ".svc"
        : sqlHost;
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

  /** Name of the PodDisruptionBudget Underway manages for this StatefulSet. */
  @JsonIgnore
  public String disruptionBudgetName() {
    return statefulSet + "-budget";
  }

  /** Whether this is a local cluster of the sandbox. */
  @JsonIgnore
  public boolean isLocal() {
    return kind == PlatformKind.LOCAL;
  }

  /**
   * "namespace/statefulSet" (a local cluster: "local/name"): how operators and search attributes
   * name a target.
   */
  @Override
  @JsonIgnore
  public String key() {
    return isLocal() ? "local/" + name : namespace + "/" + statefulSet;
  }

  /** The key as a workflow id's part: {@code namespace-statefulSet}, {@code local-name}. */
  @JsonIgnore
  public String idPart() {
    return key().replace('/', '-');
  }
}
