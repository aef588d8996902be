package dev.underway.sandbox.schema;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.underway.kernel.RunState;
import dev.underway.sandbox.Sandbox;
import dev.underway.sandbox.SandboxOptions;
import java.io.BufferedReader;
import java.io.PrintWriter;
import java.io.Reader;
import java.io.StringWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The schema change's gates answered at the prompt, as a person would: {@code y} at each gate;
 * at the destructive {@code contract} gate the sandbox says what to type, refuses a plain {@code
 * y} and approves on the exact text.
 */
class SchemaChangePromptTest {

  private static final String PLAIN = "Or type y (approve) or n (reject) and Enter here.";
  private static final Pattern DESTRUCTIVE = Pattern.compile(
      "This gate is destructive: to approve, type (\\S+) exactly and Enter here; n rejects\\.");

  @Test
  void theContractGateNeedsTheTypedConfirmationAtThePrompt(@TempDir Path tmp) throws Exception {
    SandboxOptions options = SandboxOptions.defaults(tmp.resolve("report")).with(o -> {
      o.runbook = "schema-change";
      o.rows = 5_000;
      o.rate = 40;
      o.concurrency = 2;
      o.settle = Duration.ofSeconds(1);
      o.dataDir = tmp.resolve("data");
      o.embeddedTemporal = true;
    });
    StringWriter printed = new StringWriter();
    LinkedBlockingQueue<String> typed = new LinkedBlockingQueue<>();
    Thread person = new Thread(() -> answer(printed, typed), "the-person-at-the-prompt");
    person.setDaemon(true);
    person.start();
    try (Sandbox sandbox = new Sandbox(options, new PrintWriter(printed, true))) {
      Sandbox.Outcome outcome = sandbox.run(new BufferedReader(new QueueReader(typed)));

      String out = printed.toString();
      assertThat(outcome.result().state()).as(out).isEqualTo(RunState.COMPLETED);
      Matcher m = DESTRUCTIVE.matcher(out);
      assertThat(m.find()).as(out).isTrue();
      String confirm = m.group(1);
      assertThat(out).contains("Gate contract is destructive: type " + confirm
          + " exactly to approve it, or n to reject");
      assertThat(out).contains("Approved contract (confirmed " + confirm + ")");
      assertThat(count(out, PLAIN)).as("expand, switch-reads, stop-old-writes").isEqualTo(3);
      assertThat(outcome.check().passed()).as(outcome.check().text()).isTrue();
    } finally {
      person.interrupt();
    }
  }

  /**
   * A rollback while the application writes both shapes: it is told {@code writes=old} and given
   * time to see it before the new column goes, so not one of its writes names a dropped column
   * (before the drain, a few writes in flight failed with "column does not exist").
   */
  @Test
  void aRejectionAtSwitchReadsRollsBackWithoutFailingTheApplication(@TempDir Path tmp)
      throws Exception {
    SandboxOptions options = SandboxOptions.defaults(tmp.resolve("report")).with(o -> {
      o.runbook = "schema-change";
      o.rows = 5_000;
      o.rate = 150;
      o.concurrency = 4;
      o.writePercent = 80;
      o.settle = Duration.ofSeconds(1);
      o.dataDir = tmp.resolve("data");
      o.embeddedTemporal = true;
    });
    StringWriter printed = new StringWriter();
    LinkedBlockingQueue<String> typed = new LinkedBlockingQueue<>();
    Thread person = new Thread(() -> answerPlain(printed, typed, "y", "n"),
        "the-person-at-the-prompt");
    person.setDaemon(true);
    person.start();
    try (Sandbox sandbox = new Sandbox(options, new PrintWriter(printed, true))) {
      Sandbox.Outcome outcome = sandbox.run(new BufferedReader(new QueueReader(typed)));

      String out = printed.toString();
      assertThat(outcome.result().state()).as(out).isEqualTo(RunState.REJECTED);
      assertThat(outcome.result().message()).contains("Undone");
      assertThat(outcome.report().total().writes().ok()).as("the application wrote throughout")
          .isPositive();
      assertThat(outcome.failedOperations()).as("failed client operations: %s",
          outcome.report().errors()).isZero();
    } finally {
      person.interrupt();
    }
  }

  /** Types {@code answers} in order, one at each plain gate's prompt. */
  private static void answerPlain(StringWriter printed, LinkedBlockingQueue<String> typed,
      String... answers) {
    for (int i = 0; i < answers.length; i++) {
      int prompts = i + 1;
      if (!seen(() -> count(printed.toString(), PLAIN) >= prompts)) {
        return;
      }
      typed.add(answers[i] + "\n");
    }
  }

  /** Types y at each plain gate; at the destructive one y first, then the text it asks for. */
  private static void answer(StringWriter printed, LinkedBlockingQueue<String> typed) {
    for (int plain = 1; plain <= 3; plain++) {
      int prompts = plain;
      if (!seen(() -> count(printed.toString(), PLAIN) >= prompts)) {
        return;
      }
      typed.add("y\n");
    }
    if (!seen(() -> DESTRUCTIVE.matcher(printed.toString()).find())) {
      return;
    }
    typed.add("y\n");
    if (!seen(() -> printed.toString().contains("Gate contract is destructive: type"))) {
      return;
    }
    Matcher m = DESTRUCTIVE.matcher(printed.toString());
    m.find();
    typed.add(m.group(1) + "\n");
  }

  /**
   * Waits, as a person reading the screen, until {@code shown}; false when the run ended first
   * (the test interrupts this thread) or it never showed.
   */
  private static boolean seen(Callable<Boolean> shown) {
    try {
      await().atMost(Duration.ofMinutes(5)).pollInterval(Duration.ofMillis(100)).until(shown);
      return true;
    } catch (ConditionTimeoutException e) {
      return false;
    }
  }

  private static int count(String text, String what) {
    int n = 0;
    for (int i = text.indexOf(what); i >= 0; i = text.indexOf(what, i + 1)) {
      n++;
    }
    return n;
  }

  /** What the person typed, line by line, as a terminal's reader. */
  private static final class QueueReader extends Reader {
    private final LinkedBlockingQueue<String> lines;
    private String current = "";
    private int at;

    QueueReader(LinkedBlockingQueue<String> lines) {
      this.lines = lines;
    }

    @Override
    public int read(char[] buf, int off, int len) {
      try {
        while (at >= current.length()) {
          current = lines.take();
          at = 0;
        }
      } catch (InterruptedException e) {
        return -1;
      }
      int n = Math.min(len, current.length() - at);
      current.getChars(at, at + n, buf, off);
      at += n;
      return n;
    }

    @Override
    public void close() {}
  }
}
