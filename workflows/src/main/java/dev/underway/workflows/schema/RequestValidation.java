package dev.underway.workflows.schema;

import dev.underway.workflows.schema.contract.BackfillSettings;
import dev.underway.kernel.ApprovalRules;
import dev.underway.targets.PostgresTarget;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.List;

/**
 * Checks a schema change request before anything runs: its target and its settings here, the
 * change it asks for in {@link ChangeValidation}. Pure: the workflow calls it first, the CLI
 * before starting a run. Every problem is reported at once. What only the database can judge
 * (the table, its key, whether the expressions type-check) is the planner's, from the
 * observation.
 */
public final class RequestValidation {
  private RequestValidation() {}

  /** The largest batch a request may ask for (the backfill adapts up to this too). */
  public static final int MAX_BATCH_SIZE = BackfillSettings.DEFAULT_MAX_BATCH_SIZE;
  /** The longest soak. */
  public static final Duration MAX_SOAK = Duration.ofDays(7);
  /** The quiet period's bounds: longer than the read contract's 5 s, at most a day. */
  public static final Duration MIN_QUIET_PERIOD = Duration.ofSeconds(10);
  public static final Duration MAX_QUIET_PERIOD = Duration.ofDays(1);
  /**
   * The largest latency ratio a request or {@code set-ratio} may give: past ten times its
   * baseline the foreground is not guarded any more in any sense an operator means.
   */
  public static final double MAX_LATENCY_RATIO = 10.0;

  /** Every problem with the request; empty when it is fine. */
  public static List<String> problems(SchemaChangeRequest r) {
    return problems(r, true, true);
  }

  /** Every problem with the request, the latency guard's fields checked as today. */
  public static List<String> problems(SchemaChangeRequest r, boolean strict) {
    return problems(r, strict, true);
  }

  /**
   * Every problem with the request.
   *
   * @param strict with the checks of the SQL's shape (a type is a type name and nothing else, the
   *     latency probe is one SELECT, no system schema, no template database); false only for runs
   *     recorded before them, which replay as they ran
   * @param guard with the latency guard's fields ({@code latencyRatio}; a {@code latencyProbe}
   *     without {@code latencyBudget}); false only for runs recorded before the guard, which
   *     replay as they ran
   */
  public static List<String> problems(SchemaChangeRequest r, boolean strict, boolean guard) {
    RequestProblems p = new RequestProblems(strict);
    if (r == null) {
      p.add("the request is empty: give at least a target and a change");
      return p.list();
    }
    java.util.Map<String, Object> unknown = new java.util.LinkedHashMap<>(r.unknownFields());
    if (unknown.containsKey("latencyRatio")) {
      p.add("latencyRatio is " + shown(unknown.remove("latencyRatio")) + ": " + RATIO_RULE);
    }
    p.unknown("request", unknown, "batchSize");
    target(r.target(), p);
    ChangeValidation.check(r.change(), p);
    if (r.batchSize() != null && (r.batchSize() < 1 || r.batchSize() > MAX_BATCH_SIZE)) {
      p.add("batchSize " + r.batchSize() + " is not between 1 and " + MAX_BATCH_SIZE);
    }
    positive("targetBatchTime", r.targetBatchTime(), Duration.ofMinutes(1), p);
    positive("maxReplicaLag", r.maxReplicaLag(), Duration.ofHours(1), p);
    positive("latencyBudget", r.latencyBudget(), Duration.ofMinutes(1), p);
    positive("soak", r.soak(), MAX_SOAK, p);
    positive("quietPeriod", r.quietPeriod(), MAX_QUIET_PERIOD, p);
    if (r.quietPeriod() != null && p.list().stream().noneMatch(x -> x.startsWith("quietPeriod"))
        && Duration.parse(r.quietPeriod()).compareTo(MIN_QUIET_PERIOD) < 0) {
      p.add("quietPeriod " + r.quietPeriod() + " is shorter than " + MIN_QUIET_PERIOD
          + ": applications may use a flag's previous value for up to 5 s (the read contract),"
          + " and the wait must be longer than that");
    }
    latencyGuard(r, guard, p);
    if (r.approval() != null) {
      p.unknown("approval", r.approval().unknownFields(), "requiredApprovals");
      ApprovalRules.check(r.approval(), r.requestedBy(), 1, p.list());
    }
    if (r.requestedBy() != null && r.requestedBy().isBlank()) {
      p.add("requestedBy is blank: name who asks for this run, or leave it out");
    }
    return p.list();
  }

  /** What a latency ratio must be, for the refusals (the request's and set-ratio's). */
  public static final String RATIO_RULE = "it must be a number above 1.0 (the baseline itself)"
      + " and at most 10, e.g. 1.25 (the default) or 1.5";

  /** Why {@code ratio} is not a latency ratio; null when it is one. */
  public static String ratioProblem(Double ratio) {
    return ratio == null || ratio > 1.0 && ratio <= MAX_LATENCY_RATIO ? null
        : "latencyRatio " + ratio + " is out of range: " + RATIO_RULE;
  }

  /** The latency guard's fields: a ratio or an absolute budget (not both), and the probe. */
  private static void latencyGuard(SchemaChangeRequest r, boolean guard, RequestProblems p) {
    if (r.latencyRatio() != null) {
      if (!guard) {
        p.add("latencyRatio is not known to runs started before the latency guard");
      } else {
        p.addIfAny(ratioProblem(r.latencyRatio()));
      }
      if (r.latencyBudget() != null) {
        p.add("latencyRatio and latencyBudget are both given: give one; latencyRatio holds the"
            + " foreground's p99 under a multiple of its own baseline, latencyBudget under an"
            + " absolute time");
      }
    }
    if (r.latencyProbe() != null) {
      p.expression("latencyProbe", r.latencyProbe());
      if (p.strict && !r.latencyProbe().isBlank()) {
        p.addIfAny(SqlInputChecks.probeProblem(r.latencyProbe()));
      }
      if (!guard && r.latencyBudget() == null) {
        p.add("latencyProbe is given without latencyBudget: say how long the probe may take");
      }
    }
  }

  private static String shown(Object value) {
    return value instanceof String text ? "\"" + text + "\"" : String.valueOf(value);
  }

  /** The gate expiry, or null when gates wait indefinitely. Call after {@link #problems}. */
  public static Duration gateExpiry(SchemaChangeRequest r) {
    return ApprovalRules.gateExpiry(r.approvalOrDefault());
  }

  private static void target(PostgresTarget t, RequestProblems p) {
    PostgresTarget.check(t, "target", RequestProblems.GUIDE, p.list());
    if (p.strict && t != null && t.database() != null) {
      p.addIfAny(SqlInputChecks.templateProblem(t.database()));
    }
  }

  private static void positive(String field, String value, Duration max,
      RequestProblems p) {
    if (value == null) {
      return;
    }
    try {
      Duration d = Duration.parse(value);
      if (d.isZero() || d.isNegative() || d.compareTo(max) > 0) {
        p.add(field + " " + value + " must be more than zero and at most " + max);
      }
    } catch (DateTimeParseException e) {
      p.add(field + " '" + value + "' is not an ISO-8601 duration, e.g. PT0.5S or PT10M");
    }
  }
}
