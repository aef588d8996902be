package dev.underway.workflows.evolution.model;

import com.fasterxml.jackson.annotation.JsonIgnore;

/**
 * What the database says about its CockroachDB licence. The key itself never leaves the
 * activity: only what it states.
 *
 * <p>What matters for an operator (from CockroachDB's licence enforcement): a cluster without a
 * key is throttled 7 days after it was <em>initialised</em> ({@code cockroach start} + {@code
 * init}; only {@code start-single-node} and {@code cockroach demo} are exempt), whatever its
 * size; throttling rejects more than 5 concurrent open transactions; Enterprise Free and Trial
 * keys also need telemetry to reach Cockroach Labs (throttled after 7 days without it), and keys
 * expire. A key being set is therefore no proof that the cluster will not be throttled.
 *
 * @param keySet whether {@code enterprise.license} is set
 * @param type the key's type as CockroachDB names it ({@code Enterprise}, {@code Free}, {@code
 *     Trial}, {@code Evaluation}, {@code NonCommercial}); null when no key is set or it could not
 *     be read
 * @param validUntil when the key expires (ISO-8601), null when unknown or none
 * @param daysLeft whole days from the observation to {@code validUntil}; negative once expired;
 *     null when unknown
 */
public record Licence(boolean keySet, String type, String validUntil, Long daysLeft) {

  public static final Licence NONE = new Licence(false, null, null, null);

  /** Free and Trial keys keep the cluster unthrottled only while telemetry reaches Cockroach Labs. */
  @JsonIgnore
  public boolean needsTelemetry() {
    return "Free".equals(type) || "Trial".equals(type);
  }

  /** The key is known to have expired when observed. */
  @JsonIgnore
  public boolean expired() {
    return daysLeft != null && daysLeft < 0;
  }
}
