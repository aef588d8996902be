package dev.underway.worker;

import dev.underway.kernel.Decision;
import dev.underway.kernel.DecisionKind;
import dev.underway.kernel.DecisionRequest;
import dev.underway.kernel.RunStatus;
import dev.underway.kernel.GateView;
import dev.underway.workflows.evolution.ClusterEvolutionWorkflow;
import io.temporal.client.WorkflowException;
import io.temporal.client.WorkflowStub;
import java.time.Instant;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * approve / reject / abort. By default a validated Update, so a refusal (wrong gate, not an
 * approver, self-approval, a plan that changed, a stale decision) is heard at once; {@code
 * --signal} sends the plain signal instead, as {@code temporal workflow signal} does. Every
 * decision says when it was issued and, unless told otherwise, is for the plan the gate shows
 * now. The command first asks the server whether a worker polls the run's task queue, and
 * refuses to send an update nobody would answer.
 */
abstract class DecideCommand extends ConnectedCommand {

  @Parameters(index = "0", paramLabel = "WORKFLOW_ID",
      description = "The run, e.g. cluster-evolution-underway-demo-cockroachdb.")
  String workflowId;

  @Option(names = "--gate", paramLabel = "GATE",
      description = "The gate decided (a phase name). Default: the open gate, if one is open.")
  String gate;

  @Option(names = "--by", paramLabel = "NAME", description = "Who decides. Default: $USER.")
  String by;

  @Option(names = "--comment", paramLabel = "TEXT", description = "Why; kept in the audit trail.")
  String comment;

  @Option(names = "--plan", paramLabel = "DIGEST",
      description = "The digest of the plan you read (the gate shows it): a decision for a plan"
          + " that has changed since is refused. Default: the plan the gate shows now.")
  String plan;

  @Option(names = "--confirm", paramLabel = "NAME",
      description = "At a destructive gate, the name of what it drops, typed exactly (the gate"
          + " shows it): an approval without it is refused.")
  String confirm;

  @Option(names = "--signal", description = "Send a signal (not validated, no answer) instead of"
      + " the validated update.")
  boolean signal;

  abstract DecisionKind kind();

  @Override
  public Integer call() {
    String who = by != null ? by : underway.currentUser();
    if (who == null || who.isBlank()) {
      throw CommandFailure.badInput("say who decides: --by NAME ($USER is not set)");
    }
    DecisionKind kind = kind();
    try (TemporalConnection c = connect()) {
      WorkflowStub stub = c.client().newUntypedWorkflowStub(workflowId);
      RunOnServer run = RunOnServer.of(c, stub, workflowId);
      if (!run.open()) {
        throw CommandFailure.failed("run " + workflowId + " has already ended ("
            + Runs.howItEnded(stub) + ")");
      }
      if (run.unpolled() && !signal) {
        throw CommandFailure.failed(run.noWorker() + ": the decision cannot be checked or"
            + " applied now (it would wait, and be applied whenever a worker came back)."
            + " Start a worker, then decide again.");
      }
      String decidedGate = gate;
      String decidedPlan = plan;
      GateView open = null;
      if (kind != DecisionKind.ABORT && !run.unpolled()
          && (blank(decidedGate) || blank(decidedPlan))) {
        try {
          open = openGate(stub, kind, decidedGate);
        } catch (CommandFailure e) {
          if (!Runs.isNoPoller(e)) {
            throw e;
          }
          run = run.withoutPollers(); // the server says so: a dead worker it still lists
          if (!signal) {
            throw CommandFailure.failed(run.noWorker() + ": the decision cannot be checked or"
                + " applied now. Start a worker, then decide again.", e);
          }
        }
      }
      if (run.unpolled() && kind != DecisionKind.ABORT && blank(decidedGate)) {
        throw CommandFailure.badInput("name the gate (--gate GATE): " + run.noWorker()
            + ", so the open gate cannot be read");
      }
      if (open != null) {
        if (blank(decidedGate)) {
          decidedGate = open.gate();
          out().println("Deciding the open gate: " + decidedGate);
        }
        if (blank(decidedPlan) && decidedGate.equals(open.gate()) && open.plan() != null) {
          decidedPlan = open.plan();
          out().println("For its plan " + decidedPlan + " (as the gate shows it now)");
        }
      }
      DecisionRequest request = new DecisionRequest(decidedGate, kind.json(), who, comment,
          decidedPlan, Instant.now().toString(), kind == DecisionKind.APPROVE ? confirm : null);
      if (signal) {
        return sendSignal(stub, kind, request, run);
      }
      return sendUpdate(stub, kind, request, run);
    }
  }

  /** The open gate; the run must be open and waiting at one unless a gate was named. */
  private GateView openGate(WorkflowStub stub, DecisionKind kind, String named) {
    RunStatus s = Runs.status(stub, workflowId, connection.namespace());
    if (s.state() != null && s.state().terminal()) {
      throw CommandFailure.failed("run " + workflowId + " has already ended (" + s.state()
          + (s.message() == null ? "" : ": " + s.message()) + ")");
    }
    if (s.openGate() == null) {
      throw CommandFailure.failed("no gate is open on " + workflowId + " (state " + s.state()
          + (s.currentStep() == null ? "" : ", at " + s.currentPhase() + "/"
              + s.currentStep()) + "): nothing to " + kind.json()
          + (blank(named) ? "" : " (gate " + named + " is not open)"));
    }
    return s.openGate();
  }

  private int sendSignal(WorkflowStub stub, DecisionKind kind, DecisionRequest r,
      RunOnServer run) {
    try {
      stub.signal(kind.json(), r.asSignal());
    } catch (WorkflowException e) {
      if (Runs.isNotFound(e)) {
        throw ended(stub, e);
      }
      throw e;
    }
    String g = r.gate();
    out().println("Sent signal " + kind.json() + (g == null ? "" : " for gate " + g) + " to "
        + workflowId + " as " + r.by() + ".");
    if (run.unpolled()) {
      out().println("Note: " + run.noWorker() + ". The signal is kept and reaches the run when"
          + " a worker starts; if that is later than the decision validity, the run refuses it"
          + " as stale.");
    }
    out().println("A signal gets no answer: check it was accepted with `"
        + underwayCommand("status " + workflowId) + "`.");
    out().flush();
    return ExitCodes.OK;
  }

  private int sendUpdate(WorkflowStub stub, DecisionKind kind, DecisionRequest r,
      RunOnServer run) {
    Decision d = answer(stub, r, run);
    String verb = switch (kind) {
      case APPROVE -> "Approved";
      case REJECT -> "Rejected";
      case ABORT -> "Aborted";
    };
    out().println(verb + (d.gate() == null ? "" : " gate " + d.gate()) + " of " + workflowId
        + " as " + d.who() + " at " + d.at() + (d.comment() == null ? "" : ": " + d.comment()));
    out().println("Next: " + underwayCommand("status " + workflowId));
    out().flush();
    return ExitCodes.OK;
  }

  /** Sends the update and waits a bounded time for the run's answer, saying why it waits. */
  private Decision answer(WorkflowStub stub, DecisionRequest r, RunOnServer run) {
    return new BoundedUpdate("the decision", "The decision may still reach the run later; it is"
        + " refused there if it is older than the decision validity by then.",
        w -> ended(stub, w)).send(stub, workflowId, ClusterEvolutionWorkflow.UPDATE_DECIDE,
            Decision.class, r, run, underwayCommand("status " + workflowId), out());
  }

  private static boolean blank(String s) {
    return s == null || s.isBlank();
  }

  /** The run is not open: say how it ended, or that it never existed. */
  private CommandFailure ended(WorkflowStub stub, Throwable cause) {
    try {
      stub.describe();
    } catch (RuntimeException e) {
      if (Runs.isNotFound(e)) {
        return Runs.notFound(workflowId, connection.namespace(), cause);
      }
    }
    return CommandFailure.failed("run " + workflowId + " has already ended ("
        + Runs.howItEnded(stub) + ")", cause);
  }

  @Command(name = "approve", sortOptions = false, mixinStandardHelpOptions = true,
      description = "Approve a gate: the phase's changes are made.")
  static final class Approve extends DecideCommand {
    @Override
    DecisionKind kind() {
      return DecisionKind.APPROVE;
    }
  }

  @Command(name = "reject", sortOptions = false, mixinStandardHelpOptions = true,
      description = "Reject a gate: the run ends there, without the change the gate guards.")
  static final class Reject extends DecideCommand {
    @Override
    DecisionKind kind() {
      return DecisionKind.REJECT;
    }
  }

  @Command(name = "abort", sortOptions = false, mixinStandardHelpOptions = true,
      description = "Abort the run at the next step boundary (at once when waiting at a gate).")
  static final class Abort extends DecideCommand {
    @Override
    DecisionKind kind() {
      return DecisionKind.ABORT;
    }
  }
}
