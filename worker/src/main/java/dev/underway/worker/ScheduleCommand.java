package dev.underway.worker;

import dev.underway.runbooks.Runbooks;
import dev.underway.workflows.drift.DriftCheckRequest;
import dev.underway.workflows.drift.DriftCheckWorkflow;
import dev.underway.workflows.drift.DriftReport;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.temporal.api.enums.v1.ScheduleOverlapPolicy;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowFailedException;
import io.temporal.client.WorkflowOptions;
import io.temporal.client.schedules.Schedule;
import io.temporal.client.schedules.ScheduleActionExecutionStartWorkflow;
import io.temporal.client.schedules.ScheduleActionResult;
import io.temporal.client.schedules.ScheduleActionStartWorkflow;
import io.temporal.client.schedules.ScheduleAlreadyRunningException;
import io.temporal.client.schedules.ScheduleClient;
import io.temporal.client.schedules.ScheduleClientOptions;
import io.temporal.client.schedules.ScheduleHandle;
import io.temporal.client.schedules.ScheduleIntervalSpec;
import io.temporal.client.schedules.ScheduleOptions;
import io.temporal.client.schedules.SchedulePolicy;
import io.temporal.client.schedules.ScheduleSpec;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/**
 * {@code underway schedule create|trigger|delete}: Temporal Schedules that run a {@code
 * DriftCheck} of one target against its declared phase.
 */
@Command(name = "schedule", sortOptions = false, mixinStandardHelpOptions = true,
    description = {"Scheduled drift checks: a DriftCheck run compares the live target with the"
        + " phase it is declared to be at and reports the drift. It changes nothing."},
    subcommands = {ScheduleCommand.Create.class, ScheduleCommand.Trigger.class,
        ScheduleCommand.Delete.class})
class ScheduleCommand implements Runnable {

  @ParentCommand Underway underway;

  /** Shortest --every: a drift check more often than this mostly measures itself. */
  static final Duration MIN_EVERY = Duration.ofMinutes(1);

  /** A scheduled run that lasts longer than this (no worker, say) is timed out. */
  static final Duration RUN_TIMEOUT = Duration.ofMinutes(10);

  @Spec CommandSpec spec;

  @Override
  public void run() {
    throw new ParameterException(spec.commandLine(),
        "name a subcommand: create, trigger or delete");
  }

  /**
   * What {@link ConnectedCommand} is for the top-level commands, one level down (picocli injects
   * the direct parent, here {@link ScheduleCommand}).
   */
  abstract static class Subcommand implements Callable<Integer> {
    @ParentCommand ScheduleCommand schedule;

    @Mixin ConnectionOptions connection;

    @Spec CommandSpec spec;

    Underway underway;

    PrintWriter out() {
      return spec.commandLine().getOut();
    }

    @Override
    public final Integer call() throws Exception {
      underway = schedule.underway;
      return run();
    }

    abstract Integer run() throws Exception;

    TemporalConnection connect() {
      return underway.connector().connect(connection);
    }

    /** The command a user types next, with the connection options they would need. */
    String underwayCommand(String rest) {
      return connection.underwayCommand(rest);
    }
  }

  /** The SDK's schedule client on the same connection, namespace and data converter. */
  static ScheduleClient schedules(WorkflowClient client) {
    return ScheduleClient.newInstance(client.getWorkflowServiceStubs(),
        ScheduleClientOptions.newBuilder()
            .setNamespace(client.getOptions().getNamespace())
            .setDataConverter(client.getOptions().getDataConverter())
            .build());
  }

  /** Runs a schedule call; a missing schedule becomes a clear failure (exit 1). */
  static <T> T onSchedule(String id, String namespace, Supplier<T> call) {
    try {
      return call.get();
    } catch (RuntimeException e) {
      StatusRuntimeException grpc = Underway.grpcCause(e);
      if (grpc != null && grpc.getStatus().getCode() == Status.Code.NOT_FOUND) {
        throw CommandFailure.failed("no schedule '" + id + "' in namespace '" + namespace
            + "' (see `temporal schedule list`)", e);
      }
      throw e;
    }
  }

  /** {@code PT10M}, {@code 10m}, {@code 1h}, {@code 90s}, {@code 1d}. */
  static Duration parseEvery(String text) {
    Matcher m = Pattern.compile("(\\d{1,9})([smhd])").matcher(text.trim().toLowerCase(
        Locale.ROOT));
    Duration d;
    if (m.matches()) {
      long n = Long.parseLong(m.group(1));
      d = switch (m.group(2)) {
        case "s" -> Duration.ofSeconds(n);
        case "m" -> Duration.ofMinutes(n);
        case "h" -> Duration.ofHours(n);
        default -> Duration.ofDays(n);
      };
    } else {
      try {
        d = Duration.parse(text.trim());
      } catch (DateTimeParseException e) {
        throw CommandFailure.badInput("--every '" + text + "' is not a duration: write e.g."
            + " 10m, 1h, 1d or ISO-8601 PT10M", e);
      }
    }
    if (d.compareTo(MIN_EVERY) < 0) {
      throw CommandFailure.badInput("--every " + text + " is shorter than " + MIN_EVERY
          + ": a drift check more often than once a minute mostly measures itself");
    }
    return d;
  }

  @Command(name = "create", sortOptions = false, mixinStandardHelpOptions = true,
      description = {"Create a Temporal Schedule that starts a DriftCheck (workflow type '"
          + DriftCheckWorkflow.TYPE + "') every DURATION.",
          "The input is checked first; every problem is printed and nothing is created.",
          "Overlapping runs are skipped; missed runs are not caught up (catch-up window 1m)."})
  static class Create extends Subcommand {

    @Option(names = "--input-file", paramLabel = "FILE", required = true,
        description = "The DriftCheck input (JSON: target, declared), '-' for standard input;"
            + " e.g. runbooks/drift-check/sandbox-phase-0.json.")
    Path inputFile;

    @Option(names = "--every", paramLabel = "DURATION", required = true,
        description = "How often: 10m, 1h, 1d or ISO-8601 (PT10M). At least 1m.")
    String every;

    @Option(names = "--schedule-id", paramLabel = "ID",
        description = "Default: drift-check-<namespace>-<statefulSet> of the target. Also the"
            + " base of each run's workflow id.")
    String scheduleId;

    @Option(names = "--trigger-now", description = "Also start one check at once.")
    boolean triggerNow;

    @Override
    Integer run() {
      Duration interval = parseEvery(every);
      DriftCheckRequest request =
          RequestReader.fromFile(inputFile, underway.stdin(), Runbooks.DRIFT_CHECK);
      List<String> problems = Runbooks.DRIFT_CHECK.problems(request);
      if (!problems.isEmpty()) {
        throw CommandFailure.badInput(inputFile + " is not a valid DriftCheck input; nothing"
            + " was created:\n  - " + String.join("\n  - ", problems));
      }
      String id = scheduleId != null ? scheduleId : DriftCheckWorkflow.scheduleId(request.target());
      if (id.isBlank()) {
        throw CommandFailure.badInput("--schedule-id is blank");
      }
      Schedule schedule = Schedule.newBuilder()
          .setAction(ScheduleActionStartWorkflow.newBuilder()
              .setWorkflowType(DriftCheckWorkflow.TYPE)
              .setArguments(request)
              .setOptions(WorkflowOptions.newBuilder()
                  .setWorkflowId(id)
                  .setTaskQueue(connection.taskQueue())
                  .setWorkflowExecutionTimeout(RUN_TIMEOUT)
                  .build())
              .build())
          .setSpec(ScheduleSpec.newBuilder()
              .setIntervals(List.of(new ScheduleIntervalSpec(interval)))
              .build())
          .setPolicy(SchedulePolicy.newBuilder()
              .setOverlap(ScheduleOverlapPolicy.SCHEDULE_OVERLAP_POLICY_SKIP)
              .setCatchupWindow(Duration.ofMinutes(1))
              .build())
          .build();
      try (TemporalConnection c = connect()) {
        try {
          schedules(c.client()).createSchedule(id, schedule, ScheduleOptions.newBuilder()
              .setTriggerImmediately(triggerNow).build());
        } catch (ScheduleAlreadyRunningException e) {
          throw CommandFailure.failed("schedule '" + id + "' already exists: delete it first (`"
              + underwayCommand("schedule delete " + id) + "`) or choose --schedule-id", e);
        }
      }
      out().println("Created schedule " + id + ": " + DriftCheckWorkflow.TYPE + " of "
          + request.target().key() + " against " + request.declared().name() + " every "
          + interval + (triggerNow ? " (first check started now)" : ""));
      out().println("  task queue:  " + connection.taskQueue());
      out().println("  workflow id: " + id + "-<scheduled time>");
      out().println("Check now: " + underwayCommand("schedule trigger " + id + " --wait"));
      out().flush();
      return ExitCodes.OK;
    }
  }

  @Command(name = "trigger", sortOptions = false, mixinStandardHelpOptions = true,
      description = {"Start the schedule's DriftCheck now.",
          "With --wait: print the report; exit 0 without drift, 1 with drift or a failed run."})
  static class Trigger extends Subcommand {

    @Parameters(paramLabel = "SCHEDULE_ID", description = "The schedule to trigger.")
    String id;

    @Option(names = "--wait", description = "Wait for the check and print its report.")
    boolean waitForReport;

    @Option(names = "--wait-timeout", paramLabel = "DURATION", defaultValue = "PT2M",
        description = "How long --wait waits (ISO-8601). Default: ${DEFAULT-VALUE}.")
    Duration waitTimeout;

    @Override
    Integer run() throws Exception {
      try (TemporalConnection c = connect()) {
        ScheduleHandle handle = schedules(c.client()).getHandle(id);
        Set<String> before = new HashSet<>(onSchedule(id, c.namespace(),
            () -> startedWorkflowIds(handle)));
        awaitNextSecond(handle);
        onSchedule(id, c.namespace(), () -> {
          handle.trigger(ScheduleOverlapPolicy.SCHEDULE_OVERLAP_POLICY_ALLOW_ALL);
          return null;
        });
        out().println("Triggered schedule " + id);
        out().flush();
        if (!waitForReport) {
          return ExitCodes.OK;
        }
        long deadline = System.nanoTime() + waitTimeout.toNanos();
        Optional<String> started = Optional.empty();
        while (started.isEmpty() && System.nanoTime() < deadline) {
          started = startedWorkflowIds(handle).stream().filter(w -> !before.contains(w))
              .findFirst();
          if (started.isEmpty()) {
            TimeUnit.MILLISECONDS.sleep(200);
          }
        }
        if (started.isEmpty()) {
          throw CommandFailure.failed("schedule " + id + " started no run within "
              + waitTimeout);
        }
        String workflowId = started.get();
        out().println("  workflow id: " + workflowId);
        out().flush();
        DriftReport report;
        try {
          long left = Math.max(1, deadline - System.nanoTime());
          report = c.client().newUntypedWorkflowStub(workflowId)
              .getResult(left, TimeUnit.NANOSECONDS, DriftReport.class);
        } catch (TimeoutException e) {
          throw CommandFailure.failed("the check " + workflowId + " did not end within "
              + waitTimeout + ": is a worker polling the schedule's task queue?", e);
        } catch (WorkflowFailedException e) {
          throw CommandFailure.failed("the check " + workflowId + " failed: "
              + Runs.failureMessage(e), e);
        }
        out().print(report(report));
        out().flush();
        return report.drifted() ? ExitCodes.FAILED : ExitCodes.OK;
      }
    }
  }

  @Command(name = "delete", sortOptions = false, mixinStandardHelpOptions = true,
      description = "Delete a schedule. Runs it already started are not affected.")
  static class Delete extends Subcommand {

    @Parameters(paramLabel = "SCHEDULE_ID", description = "The schedule to delete.")
    String id;

    @Override
    Integer run() {
      try (TemporalConnection c = connect()) {
        ScheduleHandle handle = schedules(c.client()).getHandle(id);
        onSchedule(id, c.namespace(), () -> {
          handle.delete();
          return null;
        });
      }
      out().println("Deleted schedule " + id);
      out().flush();
      return ExitCodes.OK;
    }
  }

  /** Workflow ids of the runs the schedule started, newest last (as far as it remembers). */
  static List<String> startedWorkflowIds(ScheduleHandle handle) {
    return handle.describe().getInfo().getRecentActions().stream()
        .map(ScheduleActionResult::getAction)
        .filter(a -> a instanceof ScheduleActionExecutionStartWorkflow)
        .map(a -> ((ScheduleActionExecutionStartWorkflow) a).getWorkflowId())
        .toList();
  }

  /**
   * Waits (at most a second) until the wall-clock second differs from the newest run's start:
   * a run's workflow id ends with its scheduled time in whole seconds, so a second trigger in
   * the same second would collide with the first and be dropped by the server.
   */
  static void awaitNextSecond(ScheduleHandle handle) throws InterruptedException {
    Optional<Instant> last = handle.describe().getInfo().getRecentActions().stream()
        .map(ScheduleActionResult::getScheduledAt).max(Instant::compareTo);
    if (last.isPresent()) {
      long wait = (last.get().getEpochSecond() + 1) * 1000 - System.currentTimeMillis();
      if (wait > 0) {
        TimeUnit.MILLISECONDS.sleep(Math.min(wait, 1000) + 20);
      }
    }
  }

  /** A report as an operator reads it. */
  static String report(DriftReport r) {
    StringBuilder s = new StringBuilder();
    s.append(r.target().key()).append(r.drifted() ? " DRIFTED from " : " matches ")
        .append(r.declaredPhase().name()).append(r.drifted() ? "" : ": no drift")
        .append(" (checked ").append(r.checkedAt()).append(")\n");
    s.append("  observed: ").append(r.summary()).append('\n');
    for (String d : r.drift()) {
      s.append("  - ").append(d).append('\n');
    }
    return s.toString();
  }
}
