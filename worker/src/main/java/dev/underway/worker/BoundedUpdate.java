package dev.underway.worker;

import io.temporal.client.WorkflowException;
import io.temporal.client.WorkflowStub;
import io.temporal.client.WorkflowUpdateException;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;

/**
 * An Update sent to a run and answered within a bound, saying after a quiet while what it waits
 * for: a refusal becomes the run's own sentence (exit 1), a run that is gone says how it ended,
 * and no answer within {@link #ANSWER_TIMEOUT} asks whether a worker polls.
 *
 * @param what what is sent, for the messages: {@code "the decision"}, {@code "the update"}
 * @param afterTimeout what to say after the timeout's question (what may still happen), or ""
 * @param ended the failure for a run that is no longer open, given the cause
 */
record BoundedUpdate(String what, String afterTimeout,
    Function<WorkflowException, CommandFailure> ended) {

  /** How long to wait for the run's answer before giving up. */
  static final Duration ANSWER_TIMEOUT = Duration.ofSeconds(60);

  /** After this long without an answer, say what the command is waiting for. */
  static final Duration QUIET_WAIT = Duration.ofSeconds(5);

  /** Sends {@code input} as Update {@code name} and returns the run's answer. */
  <T> T send(WorkflowStub stub, String workflowId, String name, Class<T> answerType,
      Object input, RunOnServer run, String statusCommand, PrintWriter out) {
    ExecutorService sender = Executors.newSingleThreadExecutor(t -> {
      Thread thread = new Thread(t, "underway-update-" + name);
      thread.setDaemon(true);
      return thread;
    });
    try {
      Future<T> f = sender.submit(() -> stub.update(name, answerType, input));
      try {
        return f.get(QUIET_WAIT.toMillis(), TimeUnit.MILLISECONDS);
      } catch (TimeoutException e) {
        out.println("Waiting for the run's answer: a worker polling task queue "
            + run.taskQueue() + " must pick " + what + " up (up to " + ANSWER_TIMEOUT + ")...");
        out.flush();
      }
      try {
        return f.get(ANSWER_TIMEOUT.minus(QUIET_WAIT).toMillis(), TimeUnit.MILLISECONDS);
      } catch (TimeoutException e) {
        f.cancel(true);
        throw CommandFailure.failed("no answer from " + workflowId + " within "
            + ANSWER_TIMEOUT + ": is a worker polling task queue " + run.taskQueue() + "?"
            + (afterTimeout.isEmpty() ? "" : " " + afterTimeout) + " Check with `"
            + statusCommand + "`.");
      }
    } catch (ExecutionException e) {
      Throwable cause = e.getCause();
      if (cause instanceof WorkflowUpdateException u) {
        throw CommandFailure.failed("refused: " + Runs.failureMessage(u), u);
      }
      if (cause instanceof WorkflowException w && Runs.isNotFound(w)) {
        throw ended.apply(w);
      }
      if (cause instanceof RuntimeException re) {
        throw re;
      }
      throw new IllegalStateException(cause);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw CommandFailure.failed("interrupted while waiting for the run's answer", e);
    } finally {
      sender.shutdownNow();
    }
  }
}
