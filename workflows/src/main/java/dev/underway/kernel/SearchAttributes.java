package dev.underway.kernel;

import io.temporal.common.SearchAttributeKey;
import java.util.List;

/**
 * Custom search attributes, so the UI can list runs waiting for approval ({@link #WAITING}),
 * holding ({@link #HOLDING}) and how runs ended ({@link Outcome#view()}). They must be
 * registered on the namespace (the worker checks at start). A run that ends clears
 * UnderwayOpenGate and says its outcome in UnderwayState; a terminated run runs none of our code
 * and keeps both as they were, so the views of open runs ask for {@code ExecutionStatus =
 * "Running"} too.
 */
public final class SearchAttributes {
  private SearchAttributes() {}

  /** The phase being worked on. */
  public static final SearchAttributeKey<String> PHASE =
      SearchAttributeKey.forKeyword("UnderwayPhase");

  /** The gate waiting for a decision; empty string when none is open. */
  public static final SearchAttributeKey<String> OPEN_GATE =
      SearchAttributeKey.forKeyword("UnderwayOpenGate");

  /** The target, {@code namespace/statefulSet}. */
  public static final SearchAttributeKey<String> TARGET =
      SearchAttributeKey.forKeyword("UnderwayTarget");

  /** Where the run is: a {@code RunState} name (RUNNING, WAITING_FOR_APPROVAL, HOLDING, ...). */
  public static final SearchAttributeKey<String> STATE =
      SearchAttributeKey.forKeyword("UnderwayState");

  /** The list filter of runs waiting for a decision at a gate (the README's saved view). */
  public static final String WAITING = "ExecutionStatus = \"Running\" AND UnderwayState = \""
      + RunState.WAITING_FOR_APPROVAL.name() + "\"";

  /** The list filter of runs holding (the README's saved view). */
  public static final String HOLDING = "ExecutionStatus = \"Running\" AND UnderwayState = \""
      + RunState.HOLDING.name() + "\"";

  /**
   * The list filter of runs that a person or the clock stopped before the end: rejected,
   * aborted, expired or canceled (the README's saved view).
   */
  public static final String STOPPED = Outcome.CANCELED.view() + " OR (ExecutionStatus ="
      + " \"Failed\" AND UnderwayState IN (\"" + RunState.REJECTED.name() + "\", \""
      + RunState.ABORTED.name() + "\", \"" + RunState.EXPIRED.name() + "\"))";

  public static final List<SearchAttributeKey<String>> ALL =
      List.of(PHASE, OPEN_GATE, TARGET, STATE);
}
