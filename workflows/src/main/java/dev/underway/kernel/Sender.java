package dev.underway.kernel;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * Who Temporal says sent a decision.
 *
 * @param identity the identity the sender's client declared ({@code WorkflowClientOptions}
 *     identity, the CLI's {@code --identity}); empty when it declared none. Not authenticated:
 *     any client can declare any identity
 * @param principal the authenticated caller the server stamped on the signal's history event
 *     ({@code type:name}, e.g. {@code jwt:alice}), on servers that propagate principals; null
 *     when there is none
 * @param problem why the history could not be read; null when it was
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Sender(String identity, String principal, String problem) {

  /** The sender could not be found: {@code why}. */
  public static Sender unknown(String why) {
    return new Sender(null, null, why);
  }
}
