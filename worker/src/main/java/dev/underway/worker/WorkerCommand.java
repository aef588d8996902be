package dev.underway.worker;

import dev.underway.runbooks.Coverage;
import dev.underway.runbooks.Runbooks;
import io.temporal.worker.Worker;
import io.temporal.worker.WorkerFactory;
import java.time.Duration;
import io.temporal.activity.ActivityOptions;
import io.temporal.worker.WorkflowImplementationOptions;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "worker", sortOptions = false, mixinStandardHelpOptions = true,
    description = {"Run the worker: polls the task queue for the workflows of every runbook its"
        + " activities serve (see `underway runbooks`) and their activities until SIGTERM or"
        + " Ctrl-C, then stops gracefully.",
        "Activities come from the ActivitiesProvider on the classpath (see --activities). At"
            + " start it warns about each runbook they do not serve, naming the activity"
            + " interfaces they lack."})
class WorkerCommand extends ConnectedCommand {
  private static final Logger log = LoggerFactory.getLogger(WorkerCommand.class);

  @Option(names = "--embedded-temporal",
      description = "Start an in-process Temporal server (in memory, no Web UI) on --address's"
          + " port and serve it. For trying Underway out; everything is lost at exit.")
  boolean embeddedTemporal;

  @Option(names = "--activities", paramLabel = "NAME",
      description = "Which activities to run: kubernetes (the default: Kubernetes API and SQL),"
          + " local (the sandbox's local database processes; only in the sandbox jar that"
          + " ./underway runs).")
  String activitiesName;

  @Option(names = "--shutdown-grace", paramLabel = "DURATION", defaultValue = "PT30S",
      description = "At shutdown, how long running activities may take to finish (ISO-8601)."
          + " Default: ${DEFAULT-VALUE}.")
  Duration shutdownGrace;

  @Option(names = "--heartbeat-timeout", paramLabel = "DURATION",
      description = "How long any step of any runbook (observe, change, wait, a schema"
          + " change's backfill or verify) may go without a heartbeat before Temporal retries it"
          + " elsewhere, i.e. how fast a dead worker is noticed (ISO-8601). Applies to the runs"
          + " whose steps this worker schedules. Default: the workflow's (cluster evolution"
          + " PT2M; schema change PT30S); at least PT3S: the worker sends heartbeats every"
          + " " + WorkerSettings.HEARTBEAT_EVERY_TEXT + " whatever the timeout.")
  Duration heartbeatTimeout;

  /** Every activity type the runbooks' workflows schedule: each one heartbeats or ends quickly. */
  static final List<String> ACTIVITY_TYPES = Runbooks.activityTypes();

  /** The shortest {@code --heartbeat-timeout}: three heartbeat intervals. */
  static final Duration MIN_HEARTBEAT_TIMEOUT = WorkerSettings.HEARTBEAT_EVERY.multipliedBy(3);

  /** Per-type activity options the worker lays over the workflow's defaults. */
  WorkflowImplementationOptions implementationOptions() {
    WorkflowImplementationOptions.Builder b = WorkflowImplementationOptions.newBuilder();
    if (heartbeatTimeout != null) {
      if (heartbeatTimeout.compareTo(MIN_HEARTBEAT_TIMEOUT) < 0) {
        throw CommandFailure.badInput("--heartbeat-timeout " + heartbeatTimeout + " is too short:"
            + " the worker sends heartbeats every " + WorkerSettings.HEARTBEAT_EVERY_TEXT
            + ", so give at least " + MIN_HEARTBEAT_TIMEOUT + " (a healthy step would time out)");
      }
      Map<String, ActivityOptions> perType = new java.util.LinkedHashMap<>();
      for (String type : ACTIVITY_TYPES) {
        perType.put(type, ActivityOptions.newBuilder().setHeartbeatTimeout(heartbeatTimeout)
            .build());
      }
      b.setActivityOptions(perType);
    }
    return b.build();
  }

  @Override
  public Integer call() throws Exception {
    WorkerLifecycle lifecycle = underway.lifecycle();
    WorkflowImplementationOptions implementation = implementationOptions();
    ActivitiesProvider provider = chooseProvider(underway.providers());
    EmbeddedTemporal embedded = null;
    TemporalConnection c = null;
    WorkerFactory factory = null;
    Thread hook = null;
    try {
      ConnectionOptions target = connection;
      if (embeddedTemporal) {
        int port = EmbeddedTemporal.portOf(connection.address());
        embedded = EmbeddedTemporal.start(port);
        target = connection.forEmbeddedServer("localhost:" + port);
      }
      c = underway.connector().connect(target);
      if (embedded != null) {
        EmbeddedTemporal.registerSearchAttributes(c.operator(), target.namespace());
        out().println("Embedded Temporal listening on localhost:" + embedded.port()
            + " (in-memory, no Web UI)");
        out().flush();
      } else {
        SearchAttributeCheck.require(c.operator(), target);
      }
      List<Object> activities;
      try {
        activities = provider.activities(
            new WorkerContext(target.namespace(), target.taskQueue(), underway.environment()));
      } catch (CommandFailure e) {
        throw e;
      } catch (Exception e) {
        throw CommandFailure.failed("activities '" + provider.name() + "' could not be set up: "
            + e.getMessage(), e);
      }
      factory = WorkerFactory.newInstance(c.client());
      Worker worker = factory.newWorker(target.taskQueue(), WorkerSettings.options());
      Coverage coverage = Runbooks.register(worker, implementation, target.address(),
          activities);
      if (coverage.served().isEmpty()) {
        throw CommandFailure.failed("activities '" + provider.name() + "' serve no runbook: "
            + coverage.unserved().stream().map(u -> u.runbook().name() + " needs "
                + u.missingNames()).collect(java.util.stream.Collectors.joining("; ")));
      }
      List<String> runbooks = coverage.servedNames();
      for (Coverage.Unserved u : coverage.unserved()) {
        log.warn("{} (activities '{}' on task queue {})", u.sentence(), provider.name(),
            target.taskQueue());
      }
      worker.registerActivitiesImplementations(activities.toArray());
      factory.start();
      if (underway.installShutdownHook()) {
        hook = lifecycle.shutdownHook(shutdownGrace.plusSeconds(15));
        Runtime.getRuntime().addShutdownHook(hook);
      }
      log.info("Worker started: namespace {}, task queue {}, Temporal at {}{}; runbooks {},"
              + " activities '{}' ({}): {}", target.namespace(), target.taskQueue(),
          target.address(), target.useTls() ? " (TLS)" : "", runbooks,
          provider.name(), provider.description(),
          activities.stream().map(a -> a.getClass().getName()).toList());
      lifecycle.markRunning();
      lifecycle.awaitStopRequest();
      log.info("Stopping: no new tasks are taken; running activities get up to {} to finish",
          shutdownGrace);
      return ExitCodes.OK;
    } finally {
      try {
        stop(factory, provider, c, embedded);
      } finally {
        if (hook != null && !lifecycle.stoppedByJvmShutdown()) {
          try {
            Runtime.getRuntime().removeShutdownHook(hook);
          } catch (IllegalStateException e) {
            // the JVM is already shutting down
          }
        }
        lifecycle.markStopped();
      }
    }
  }

  private void stop(WorkerFactory factory, ActivitiesProvider provider, TemporalConnection c,
      EmbeddedTemporal embedded) throws InterruptedException {
    if (factory != null) {
      factory.shutdown();
      factory.awaitTermination(shutdownGrace.toMillis(), TimeUnit.MILLISECONDS);
      if (!factory.isTerminated()) {
        log.warn("Activities still running after {}: interrupting them (they will be retried"
            + " by the next worker)", shutdownGrace);
        factory.shutdownNow();
        factory.awaitTermination(5, TimeUnit.SECONDS);
      }
    }
    try {
      provider.close();
    } catch (Exception e) {
      log.warn("Closing activities '{}' failed: {}", provider.name(), e.toString());
    }
    if (c != null) {
      c.close();
    }
    if (embedded != null) {
      embedded.close();
    }
    log.info("Worker stopped");
  }

  private ActivitiesProvider chooseProvider(List<ActivitiesProvider> providers) {
    List<String> names = providers.stream().map(ActivitiesProvider::name).toList();
    if (activitiesName != null) {
      return providers.stream().filter(p -> p.name().equals(activitiesName)).findFirst()
          .orElseThrow(() -> CommandFailure.badInput("--activities " + activitiesName
              + ": no such provider (available: " + (names.isEmpty() ? "none" : names) + ")"));
    }
    if (providers.isEmpty()) {
      throw CommandFailure.failed("this build has no activity implementations: the worker needs"
          + " an ActivitiesProvider registered in"
          + " META-INF/services/dev.underway.worker.ActivitiesProvider (see its javadoc)");
    }
    if (providers.size() == 1) {
      return providers.get(0);
    }
    List<ActivitiesProvider> production = providers.stream()
        .filter(ActivitiesProvider::production).toList();
    if (production.size() != 1) {
      throw CommandFailure.badInput("several activity providers are available " + names
          + ": choose one with --activities NAME");
    }
    log.info("Activities '{}' (the production ones; others on the classpath: {}; choose with"
        + " --activities NAME)", production.get(0).name(), names);
    return production.get(0);
  }
}
