package dev.underway.workflows.schema;

import com.fasterxml.jackson.annotation.JsonAnySetter;
import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import dev.underway.guard.GuardSettings;
import dev.underway.workflows.schema.contract.BackfillSettings;
import dev.underway.workflows.schema.contract.TableChange;
import dev.underway.kernel.ApprovalPolicy;
import dev.underway.kernel.WholeNumbers;
import dev.underway.targets.PostgresTarget;
import java.time.Duration;
import java.util.Map;

/**
 * The input of a {@code SchemaChange} run, as pasted into the UI's input box or passed with
 * {@code underway start --runbook schema-change}.
 *
 * @param target the PostgreSQL server and database ({@link dev.underway.targets.PostgresServer}:
 *     {@code sqlHost}, {@code sqlPort}, {@code database}, {@code sslMode}, credentials from {@code
 *     credentialsSecret} (in {@code namespace}) or the worker's environment); or a sandbox's
 *     local server ({@link dev.underway.targets.LocalEngine}: {@code kind: local}, {@code name})
 * @param change the table and the change (see {@link TableChange})
 * @param batchSize the backfill's first batch, in rows; default 1,000
 * @param targetBatchTime ISO-8601 duration a batch should take; default {@code PT0.5S}
 * @param maxReplicaLag ISO-8601: the backfill pauses while a standby lags more; default {@code
 *     PT1.5S}
 * @param latencyRatio the latency guard's budget as a multiple of the foreground's p99 before the
 *     backfill (its baseline): the backfill rests between slices of work while the rolling p99
 *     is above it; default {@value dev.underway.guard.GuardSettings#DEFAULT_RATIO}, from more
 *     than 1.0 to {@value RequestValidation#MAX_LATENCY_RATIO}; not with {@code latencyBudget}
 * @param latencyBudget ISO-8601: an absolute p99 budget for the latency guard instead of the
 *     ratio (the operator's number); absent: the ratio decides
 * @param latencyProbe SQL the guard's probe times (one SELECT the application runs, in a
 *     transaction that is rolled back); absent: the guard's own probe, which feels what writers
 *     feel (a lock of a random row of the table, rolled back)
 * @param soak ISO-8601: how long reads run on the new shape before the stop-old-writes gate
 *     opens; absent: no soak
 * @param approval who decides at gates, N-of-M, gate expiry
 * @param dryRun observe and plan, change nothing
 * @param requestedBy who asked for the run
 * @param quietPeriod ISO-8601: before a column is dropped (the contract's old ones, a rollback's
 *     new ones), how long no writer the flags no longer allow may have been seen; default {@code
 *     PT1M}, at least {@code PT10S}
 * @param unknownFields unknown names, and a {@code batchSize} that is not a whole number
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record SchemaChangeRequest(
    PostgresTarget target,
    TableChange change,
    Integer batchSize,
    String targetBatchTime,
    String maxReplicaLag,
    Double latencyRatio,
    String latencyBudget,
    String latencyProbe,
    String soak,
    ApprovalPolicy approval,
    Boolean dryRun,
    String requestedBy,
    String quietPeriod,
    @JsonAnySetter @JsonIgnore Map<String, Object> unknownFields) {

  public static final String DEFAULT_TARGET_BATCH_TIME = "PT0.5S";
  public static final String DEFAULT_MAX_REPLICA_LAG = "PT1.5S";
  public static final String DEFAULT_QUIET_PERIOD = "PT1M";

  public SchemaChangeRequest {
    unknownFields = unknownFields == null ? Map.of() : Map.copyOf(unknownFields);
  }

  public SchemaChangeRequest(PostgresTarget target, TableChange change, Integer batchSize,
      String targetBatchTime, String maxReplicaLag, String latencyBudget, String latencyProbe,
      String soak, ApprovalPolicy approval, Boolean dryRun, String requestedBy,
      Map<String, Object> unknownFields) {
    this(target, change, batchSize, targetBatchTime, maxReplicaLag, null, latencyBudget,
        latencyProbe, soak, approval, dryRun, requestedBy, null, unknownFields);
  }

  /** Without {@code latencyRatio} (the guard's default ratio). */
  public SchemaChangeRequest(PostgresTarget target, TableChange change, Integer batchSize,
      String targetBatchTime, String maxReplicaLag, String latencyBudget, String latencyProbe,
      String soak, ApprovalPolicy approval, Boolean dryRun, String requestedBy,
      String quietPeriod, Map<String, Object> unknownFields) {
    this(target, change, batchSize, targetBatchTime, maxReplicaLag, null, latencyBudget,
        latencyProbe, soak, approval, dryRun, requestedBy, quietPeriod, unknownFields);
  }

  /**
   * How JSON becomes a request: {@code batchSize} is checked, never truncated; {@code
   * latencyRatio} must be a JSON number (text or anything else is refused naming it).
   */
  @JsonCreator
  static SchemaChangeRequest fromJson(
      @JsonProperty("target") PostgresTarget target,
      @JsonProperty("change") TableChange change,
      @JsonProperty("batchSize") Object batchSize,
      @JsonProperty("targetBatchTime") String targetBatchTime,
      @JsonProperty("maxReplicaLag") String maxReplicaLag,
      @JsonProperty("latencyRatio") Object latencyRatio,
      @JsonProperty("latencyBudget") String latencyBudget,
      @JsonProperty("latencyProbe") String latencyProbe,
      @JsonProperty("soak") String soak,
      @JsonProperty("approval") ApprovalPolicy approval,
      @JsonProperty("dryRun") Boolean dryRun,
      @JsonProperty("requestedBy") String requestedBy,
      @JsonProperty("quietPeriod") String quietPeriod,
      @JsonAnySetter Map<String, Object> unknown) {
    Map<String, Object> rejected = WholeNumbers.copy(unknown);
    return new SchemaChangeRequest(target, change,
        WholeNumbers.take("batchSize", batchSize, rejected), targetBatchTime, maxReplicaLag,
        Numbers.take("latencyRatio", latencyRatio, rejected), latencyBudget, latencyProbe, soak, approval, dryRun, requestedBy, quietPeriod, rejected);
  }

  @JsonIgnore
  public ApprovalPolicy approvalOrDefault() {
    return approval == null ? ApprovalPolicy.ANYONE : approval;
  }

  @JsonIgnore
  public boolean isDryRun() {
    return Boolean.TRUE.equals(dryRun);
  }

  public SchemaChangeRequest withDryRun(boolean value) {
    return new SchemaChangeRequest(target, change, batchSize, targetBatchTime, maxReplicaLag,
        latencyRatio, latencyBudget, latencyProbe, soak, approval, value, requestedBy,
        quietPeriod, unknownFields);
  }

  public SchemaChangeRequest withRequestedBy(String who) {
    return new SchemaChangeRequest(target, change, batchSize, targetBatchTime, maxReplicaLag,
        latencyRatio, latencyBudget, latencyProbe, soak, approval, dryRun, who, quietPeriod,
        unknownFields);
  }

  @JsonIgnore
  public int batchSizeOrDefault() {
    return batchSize == null ? BackfillSettings.DEFAULT_BATCH_SIZE : batchSize;
  }

  /**
   * The latency guard's settings this request asks for: its ratio (default {@value
   * GuardSettings#DEFAULT_RATIO}) or its absolute budget, and its probe; the guard's defaults
   * for the rest (the floor, the baseline's sampling). A request cannot turn the guard off: only
   * the benchmark's reference runs build settings without it. Call after validation.
   */
  @JsonIgnore
  public GuardSettings guardSettings() {
    Long budget = latencyBudget == null ? null : Duration.parse(latencyBudget).toMillis();
    return new GuardSettings(budget == null ? latencyRatio : null, null, budget, latencyProbe,
        null, null, null);
  }

  /** A duration field, its default when absent. Call after validation. */
  static Duration duration(String value, String fallback) {
    return Duration.parse(value == null ? fallback : value);
  }

  /** The quiet period before a drop. Call after validation. */
  @JsonIgnore
  public Duration quietPeriodOrDefault() {
    return duration(quietPeriod, DEFAULT_QUIET_PERIOD);
  }

  /** The soak, or null when none. Call after validation. */
  @JsonIgnore
  public Duration soakOrNull() {
    return soak == null ? null : Duration.parse(soak);
  }

  /**
   * The target's key, for messages and the UI: {@code host:port/database/schema.table}, or
   * {@code local/name/database/schema.table}.
   */
  @JsonIgnore
  public String targetKey() {
    return target.key() + "/" + target.database() + "/" + change.qualifiedTable();
  }
}
