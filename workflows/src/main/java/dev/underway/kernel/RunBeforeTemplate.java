package dev.underway.kernel;

import io.temporal.failure.ApplicationFailure;
import io.temporal.failure.CanceledFailure;
import java.time.Duration;
import java.util.List;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * The {@link Run} API of runbooks written before the template ({@link RunProtocol}): steps that
 * answer null or false when aborted, a gate that answers null for expiry and interruption, and
 * endings the runbook calls itself. Thin delegates, kept while the schema change moves to the
 * template; then this class goes and {@link Run} extends {@link RunParts}.
 */
abstract class RunBeforeTemplate extends RunParts {

  RunBeforeTemplate(String runbook, String temporalAddress) {
    super(runbook, temporalAddress);
  }

  /** @deprecated use {@link Run#configure} and {@link Run#started}: drift checks follow
   *     {@link Sequence#WITHOUT_GATES} */
  @Deprecated(forRemoval = true)
  public void startedWithoutGates(String targetKey) {
    view.started(targetKey);
  }

  /** @deprecated the sequence is the template's business */
  @Deprecated(forRemoval = true)
  public Sequence sequence() {
    return view.sequence();
  }

  /** @deprecated the state is the kernel's business */
  @Deprecated(forRemoval = true)
  public RunState state() {
    return view.state();
  }

  /** @deprecated the state is the kernel's business */
  @Deprecated(forRemoval = true)
  public void setState(RunState next) {
    view.setState(next);
  }

  /** @deprecated ask the {@link Sequence} what it does */
  @Deprecated(forRemoval = true)
  public boolean current() {
    return view.sequence().checksFreshness();
  }

  /** @deprecated use {@link Run#gate(Gate)} */
  @Deprecated(forRemoval = true)
  public Decision gate(String stage, String gate, String planText, PlanCard card, String digest,
      Duration expiry) {
    return decision(gates.open(new Gate(stage, gate, planText, card, digest, expiry)));
  }

  /**
   * @deprecated use {@link Run#gate(Gate)}: the decision, or null when the gate expired or was
   *     interrupted ({@link #interruption()} then says why)
   */
  @Deprecated(forRemoval = true)
  public Decision gate(String stage, String gate, String planText, PlanCard card, String digest,
      Duration expiry, String confirm) {
    return decision(gates.open(new Gate(stage, gate, planText, card, digest, expiry, confirm)));
  }

  /** The decision that ended the wait, as this API answered it: null when there is none. */
  private static Decision decision(GateOutcome o) {
    if (o instanceof GateOutcome.Approved a) {
      return a.last();
    }
    if (o instanceof GateOutcome.Rejected r) {
      return r.decision();
    }
    return o instanceof GateOutcome.Aborted a ? a.decision() : null;
  }

  /** @deprecated {@link GateOutcome.Interrupted} says why */
  @Deprecated(forRemoval = true)
  public String interruption() {
    return gates.interruption();
  }

  /** @deprecated use {@link Run#abortable(Supplier)}: null when an abort stopped it */
  @Deprecated(forRemoval = true)
  public <T> T cancellable(Supplier<T> call) {
    return steps.abortable(call);
  }

  /** @deprecated use {@link Run#changeStep}: false when an abort stopped it */
  @Deprecated(forRemoval = true)
  public boolean change(String stage, String step, Supplier<ChangeResult> action) {
    return steps.change(stage, step, action);
  }

  /** @deprecated use {@link Run#awaitStep}: false when an abort stopped it */
  @Deprecated(forRemoval = true)
  public boolean await(String stage, String step, Supplier<String> wait) {
    return steps.await(stage, step, wait);
  }

  /** @deprecated use {@link Run#holdUntilHealthy}: null when an abort stopped the hold */
  @Deprecated(forRemoval = true)
  public <T> T holdWhileUnhealthy(String stage, T observed, Function<T, List<String>> problems,
      Supplier<T> observe) {
    return holding.whileUnhealthy(stage, observed, problems, observe);
  }

  /** @deprecated the template ends the run */
  @Deprecated(forRemoval = true)
  public void finish(RunState end, String text) {
    endings.finish(end, text);
  }

  /** @deprecated the template ends the run ({@link Run#end(Ending, Function)}) */
  @Deprecated(forRemoval = true)
  public <R> R end(RunState end, String text, R result) {
    return endings.end(new Ending(end, null, text), e -> result);
  }

  /** @deprecated the template ends the run ({@link Run#end(Ending, Function)}) */
  @Deprecated(forRemoval = true)
  public <R> R end(RunState end, String text, Function<String, R> result) {
    return endings.end(new Ending(end, null, text), e -> result.apply(e.text()));
  }

  /** @deprecated the template words an abort ({@link RunProtocol#afterAbort()}) */
  @Deprecated(forRemoval = true)
  public String aborted(String afterwards) {
    return endings.aborted(afterwards).text();
  }

  /** @deprecated the template takes a cancellation ({@link RunProtocol#afterCancel()}) */
  @Deprecated(forRemoval = true)
  public CanceledFailure cancelled(String afterwards) {
    return endings.cancelled(afterwards);
  }

  /** @deprecated the template refuses ({@link RunProtocol}); never returns (it throws) */
  @Deprecated(forRemoval = true)
  public ApplicationFailure refuse(String why, FailureType kind) {
    throw endings.fail(FailureType.REFUSED + ": " + why, kind.type(), true);
  }

  /** @deprecated the template refuses ({@link RunProtocol}); never returns (it throws) */
  @Deprecated(forRemoval = true)
  public ApplicationFailure refuseWith(String text, FailureType kind) {
    throw endings.fail(text, kind.type(), true);
  }

  /** @deprecated the template takes a cancellation ({@link RunProtocol#afterCancel()}) */
  @Deprecated(forRemoval = true)
  public boolean cancelledByTemporal(RuntimeException e) {
    return endings.cancelledByTemporal(e);
  }

  /** @deprecated the template ends a failed run; never returns (it throws) */
  @Deprecated(forRemoval = true)
  public ApplicationFailure failed(RuntimeException e) {
    throw endings.failure(e);
  }
}
