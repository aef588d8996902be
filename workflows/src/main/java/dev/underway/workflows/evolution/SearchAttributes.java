package dev.underway.workflows.evolution;

import io.temporal.common.SearchAttributeKey;

/**
 * Custom search attributes, so the UI can list runs waiting for approval: {@code
 * UnderwayOpenGate != ""}. They must be registered on the namespace (the worker checks at start).
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

  public static final java.util.List<SearchAttributeKey<String>> ALL =
      java.util.List.of(PHASE, OPEN_GATE, TARGET);
}
