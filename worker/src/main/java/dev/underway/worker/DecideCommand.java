package dev.underway.worker;

import dev.underway.model.Decision;
import dev.underway.model.DecisionKind;
import dev.underway.model.DecisionRequest;
import dev.underway.model.DecisionSignal;
import dev.underway.model.EvolutionStatus;
import dev.underway.workflows.evolution.ClusterEvolutionWorkflow;
import io.temporal.client.WorkflowException;
import io.temporal.client.WorkflowStub;
import io.temporal.client.WorkflowUpdateException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * approve / reject / abort. By default a validated Update, so a refusal (wrong gate, not an
 * approver, self-approval) is heard at once; {@code --signal} sends the plain signal instead, as
 * the UI and {@code temporal workflow signal} do.
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
      String decidedGate = gate;
      if ((decidedGate == null || decidedGate.isBlank()) && kind != DecisionKind.ABORT) {
        EvolutionStatus s = Runs.status(stub, workflowId, c.namespace());
        if (s.state() != null && s.state().terminal()) {
          throw CommandFailure.failed("run " + workflowId + " has already ended (" + s.state()
              + (s.message() == null ? "" : ": " + s.message()) + ")");
        }
        if (s.openGate() == null) {
          throw CommandFailure.failed("no gate is open on " + workflowId + " (state " + s.state()
              + (s.currentStep() == null ? "" : ", at " + s.currentPhase() + "/"
                  + s.currentStep()) + "): nothing to " + kind.json());
        }
        decidedGate = s.openGate().gate();
        out().println("Deciding the open gate: " + decidedGate);
      }
      if (signal) {
        return sendSignal(stub, kind, decidedGate, who);
      }
      return sendUpdate(stub, kind, decidedGate, who);
    }
  }

  private int sendSignal(WorkflowStub stub, DecisionKind kind, String g, String who) {
    try {
      stub.signal(kind.json(), new DecisionSignal(g, who, comment));
    } catch (WorkflowException e) {
      if (Runs.isNotFound(e)) {
        throw ended(stub, e);
      }
      throw e;
    }
    out().println("Sent signal " + kind.json() + (g == null ? "" : " for gate " + g) + " to "
        + workflowId + " as " + who + ".");
    out().println("A signal gets no answer: check it was accepted with `"
        + underwayCommand("status " + workflowId) + "`.");
    out().flush();
    return ExitCodes.OK;
  }

  private int sendUpdate(WorkflowStub stub, DecisionKind kind, String g, String who) {
    Decision d;
    try {
      d = stub.update(ClusterEvolutionWorkflow.UPDATE_DECIDE, Decision.class,
          new DecisionRequest(g, kind.json(), who, comment));
    } catch (WorkflowUpdateException e) {
      throw CommandFailure.failed("refused: " + Runs.failureMessage(e), e);
    } catch (WorkflowException e) {
      if (Runs.isNotFound(e)) {
        throw ended(stub, e);
      }
      throw e;
    }
    String verb = switch (kind) {
      case APPROVE -> "Approved";
      case REJECT -> "Rejected";
      case ABORT -> "Aborted";
    };
    out().println(verb + (d.gate() == null ? "" : " gate " + d.gate()) + " of " + workflowId
        + " as " + d.by() + " at " + d.at() + (d.comment() == null ? "" : ": " + d.comment()));
    out().println("Next: " + underwayCommand("status " + workflowId));
    out().flush();
    return ExitCodes.OK;
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
      description = "Reject a gate: the run stops before changing anything in that phase.")
  static final class Reject extends DecideCommand {
    @Override
    DecisionKind kind() {
      return DecisionKind.REJECT;
    }
  }

  @Command(name = "abort", sortOptions = false, mixinStandardHelpOptions = true,
      description = "Abort the run at the next step boundary (at once when waiting at a gate)."
          + " Nothing is rolled back.")
  static final class Abort extends DecideCommand {
    @Override
    DecisionKind kind() {
      return DecisionKind.ABORT;
    }
  }
}
