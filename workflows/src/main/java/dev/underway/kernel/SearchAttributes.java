package dev.underway.kernel;

import io.temporal.common.SearchAttributeKey;
import java.util.List;

/**
 * Custom search attributes, so the UI can list runs waiting for approval: {@code
 * UnderwayOpenGate != ""}, or holding: {@code UnderwayState = "HOLDING"}. They must be
 * registered on the namespace (the worker checks at start).
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

  public static final List<SearchAttributeKey<String>> ALL =
      List.of(PHASE, OPEN_GATE, TARGET, STATE);
}
