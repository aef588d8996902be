package dev.underway.kernel;

/**
 * What a mutating activity did. A retried activity that finds the change already made answers
 * {@link Outcome#UNCHANGED}: that is how idempotence shows.
 *
 * @param object what was changed, e.g. {@code StatefulSet db/cockroachdb}
 * @param outcome created, updated, or already as desired
 * @param detail a sentence for the timeline, e.g. {@code replicas 1 -> 2}
 */
public record ChangeResult(String object, Outcome outcome, String detail) {

  public enum Outcome {
    CREATED,
    UPDATED,
    UNCHANGED
  }

  public static ChangeResult unchanged(String object, String detail) {
    return new ChangeResult(object, Outcome.UNCHANGED, detail);
  }
}
