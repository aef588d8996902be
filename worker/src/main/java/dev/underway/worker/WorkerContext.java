package dev.underway.worker;

import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Map;

/**
 * What an {@link ActivitiesProvider} may use to build activities. It deliberately carries no
 * Temporal credentials.
 *
 * @param namespace the Temporal namespace served
 * @param taskQueue the task queue polled
 * @param environment the process environment (e.g. {@code KUBECONFIG}, {@code UNDERWAY_SQL_USER})
 */
public record WorkerContext(String namespace, String taskQueue, Map<String, String> environment) {
  public WorkerContext {
    environment = environment == null ? Map.of() : Map.copyOf(environment);
  }

  /** How often the waits look again: {@code UNDERWAY_POLL_INTERVAL} (ISO-8601), default 5 s. */
  public Duration pollInterval() {
    return duration(POLL_INTERVAL, DEFAULT_POLL_INTERVAL, false, "PT5S");
  }

  static final String POLL_INTERVAL = "UNDERWAY_POLL_INTERVAL";
  static final Duration DEFAULT_POLL_INTERVAL = Duration.ofSeconds(5);

  /** A duration setting from the environment; {@code fallback} when unset or blank. */
  Duration duration(String variable, Duration fallback, boolean zeroAllowed, String example) {
    String value = environment.get(variable);
    if (value == null || value.isBlank()) {
      return fallback;
    }
    Duration d;
    try {
      d = Duration.parse(value.trim());
    } catch (DateTimeParseException e) {
      throw new IllegalArgumentException(variable + " '" + value
          + "' is not an ISO-8601 duration such as " + example, e);
    }
    if (d.isNegative() || (d.isZero() && !zeroAllowed)) {
      throw new IllegalArgumentException(variable + " must be " + (zeroAllowed
          ? "zero or more" : "positive") + ", got " + value);
    }
    return d;
  }

  @Override
  public String toString() {
    return "WorkerContext[namespace=" + namespace + ", taskQueue=" + taskQueue
        + ", environment=(" + environment.size() + " variables, not shown)]";
  }
}
