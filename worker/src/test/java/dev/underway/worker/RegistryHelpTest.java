package dev.underway.worker;

import static org.assertj.core.api.Assertions.assertThat;

import dev.underway.runbooks.OperatorUpdate;
import dev.underway.runbooks.Runbook;
import dev.underway.runbooks.Runbooks;
import dev.underway.workflows.schema.SchemaChangeWorkflow;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The help texts come from the registry: what Underway is, what each runbook does on reject and
 * on abort, each runbook's Updates with an example, a command per shortcut. And what {@code
 * update} refuses before it connects (an undeclared name, a missing input): one sentence, exit 2,
 * nothing sent.
 */
class RegistryHelpTest {

  final Cli cli = new Cli(o -> {
    throw new AssertionError("no connection expected");
  }, List::of, Map.of("USER", "carol"));

  static final String RUN = "schema-change-orders-db.internal-5432-shop-public.orders";

  /** The help's text with picocli's wrapping undone: every run of spaces and newlines one space. */
  private String help(String... args) {
    Cli.Result r = cli.run(args);
    assertThat(r.exitCode()).as(r.toString()).isZero();
    return r.out().replaceAll("\\s+", " ");
  }

  private static String flat(String s) {
    return s.replaceAll("\\s+", " ");
  }

  @Test
  void rootHelpSaysWhatUnderwayIsAndListsTheRunbooksAndTheShortcuts() {
    String help = help("--help");
    assertThat(help).doesNotContain("CockroachDB cluster, with")
        .contains("Durable runbooks on Temporal that change a live database's shape");
    for (Runbook<?> r : Runbooks.ALL) {
      assertThat(help).contains(flat(r.name() + ": " + r.description()));
    }
    assertThat(help).contains(" update ").contains(" throttle ").contains(" unthrottle ")
        .contains(" set-batch ").contains(" set-ratio ").contains(" revert ")
        .doesNotContain(" override ");
  }

  @Test
  void rejectAndAbortHelpSayWhatEachRunbookDoes() {
    String reject = help("reject", "--help");
    String abort = help("abort", "--help");
    for (Runbook<?> r : Runbooks.ALL) {
      assertThat(reject).contains(flat(r.name() + ": " + r.onReject()));
      assertThat(abort).contains(flat(r.name() + ": " + r.onAbort()));
    }
    assertThat(reject).contains("schema-change: the run rolls back everything it did")
        .contains("cluster-evolution: the run ends at that gate: nothing in that phase was"
            + " changed, earlier phases stay done, nothing is rolled back");
    assertThat(abort).doesNotContain("Nothing is rolled back.")
        .contains("schema-change: the run stops wherever it is")
        .contains("cluster-evolution: the run stops at once");
  }

  @Test
  void updateHelpAndRunbooksListEveryDeclaredUpdateWithItsExample() {
    String update = help("update", "--help");
    String runbooks = help("runbooks");
    for (OperatorUpdate u : Runbooks.SCHEMA_CHANGE.updates()) {
      assertThat(update).contains(flat(u.name() + ": " + u.description()))
          .contains("--input '" + u.example() + "'");
      assertThat(runbooks).contains(flat(u.name() + ": " + u.description()))
          .contains("underway update RUN " + u.name() + " --input '" + u.example() + "'");
    }
    assertThat(update).contains("cluster-evolution: none (decide its gates with approve,"
        + " reject, abort)").contains("drift-check: none ").doesNotContain("drift-check: none (");
    assertThat(help("set-batch", "--help")).contains("Usage: underway set-batch")
        .contains("RUN N").contains("--by=NAME").contains("--reason=TEXT")
        .contains("The same as: underway update RUN set-batch --input '{\"by\": \"bob\","
            + " \"batchSize\": 200}'");
    assertThat(help("throttle", "--help")).contains("--by=NAME").contains("--reason=TEXT")
        .doesNotContain("batchSize");
    assertThat(help("set-ratio", "--help")).contains("Usage: underway set-ratio")
        .contains("--ratio=R").contains("--by=NAME").contains("--reason=TEXT")
        .contains("The same as: underway update RUN set-ratio --input '{\"by\": \"bob\","
            + " \"ratio\": 1.5}'");
  }

  @Test
  void anUndeclaredNameIsRefusedInOneSentenceListingTheDeclaredOnesAndNothingIsSent() {
    Cli.Result r = cli.run("update", RUN, "thrttle", "--input", "{\"by\":\"bob\"}");
    assertThat(r.exitCode()).as(r.toString()).isEqualTo(ExitCodes.BAD_INPUT);
    assertThat(r.err().strip()).isEqualTo("underway: schema-change has no update 'thrttle': its"
        + " updates are throttle, unthrottle, set-batch, set-ratio, revert, override");
    assertThat(cli.connects).hasValue(0);

    Cli.Result decide = cli.run("update", "cluster-evolution-underway-demo-cockroachdb",
        SchemaChangeWorkflow.UPDATE_THROTTLE, "--input", "{\"by\":\"bob\"}");
    assertThat(decide.exitCode()).isEqualTo(ExitCodes.BAD_INPUT);
    assertThat(decide.err().strip()).isEqualTo("underway: cluster-evolution has no update"
        + " 'throttle': it declares none (decide its gates with approve, reject, abort)");

    Cli.Result noRunbook = cli.run("throttle", "some-other-workflow");
    assertThat(noRunbook.exitCode()).isEqualTo(ExitCodes.BAD_INPUT);
    assertThat(noRunbook.err()).contains("run some-other-workflow is no runbook's")
        .doesNotContain("Exception");
  }

  @Test
  void anUpdateWithoutInputOrWithMalformedInputIsRefusedBeforeAnythingIsSent() {
    Cli.Result none = cli.run("update", RUN, "revert");
    assertThat(none.exitCode()).isEqualTo(ExitCodes.BAD_INPUT);
    assertThat(none.err().strip()).isEqualTo("underway: give the input of revert with exactly"
        + " one of --input JSON or --input-file FILE, e.g. --input '{\"by\": \"bob\","
        + " \"reason\": \"5xx\"}'");
    Cli.Result malformed = cli.run("update", RUN, "revert", "--input", "{by: bob}");
    assertThat(malformed.exitCode()).isEqualTo(ExitCodes.BAD_INPUT);
    assertThat(malformed.err()).contains("--input").contains("malformed JSON")
        .doesNotContain("\tat ");
    Cli.Result fraction = cli.run("set-batch", RUN, "2.5");
    assertThat(fraction.exitCode()).isEqualTo(ExitCodes.BAD_INPUT);
    assertThat(fraction.err()).contains("'2.5' is not a long").doesNotContain("\tat ");
    Cli.Result comma = cli.run("set-ratio", RUN, "--ratio", "1,5", "--by", "bob");
    assertThat(comma.exitCode()).isEqualTo(ExitCodes.BAD_INPUT);
    assertThat(comma.err()).contains("--ratio").contains("'1,5'").doesNotContain("\tat ");
    assertThat(cli.connects).hasValue(0);
  }

  /**
   * Every {@code underway} line in the schema change's runbook parses as the command line takes
   * it (split by bash, as pasted): its commands and options exist.
   */
  @Test
  void theRunbooksUnderwayLinesParseAsPasted() throws Exception {
    String runbook;
    try (var in = RegistryHelpTest.class.getResourceAsStream("/runbooks/schema-change.md")) {
      runbook = new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
    }
    java.util.regex.Matcher block = java.util.regex.Pattern.compile("```bash\\n(.*?)```",
        java.util.regex.Pattern.DOTALL).matcher(runbook);
    List<String> lines = new java.util.ArrayList<>();
    while (block.find()) {
      block.group(1).lines().filter(l -> l.startsWith("underway ")).forEach(lines::add);
    }
    assertThat(lines).anyMatch(l -> l.startsWith("underway throttle "))
        .anyMatch(l -> l.startsWith("underway set-batch "))
        .anyMatch(l -> l.startsWith("underway set-ratio "))
        .anyMatch(l -> l.startsWith("underway revert "))
        .anyMatch(l -> l.startsWith("underway update "));
    for (String line : lines) {
      picocli.CommandLine cl = Underway.commandLine(new Underway(o -> {
        throw new AssertionError("parsed only");
      }, List::of, new WorkerLifecycle(), Map.of(), java.io.InputStream.nullInputStream()));
      assertThat(cl.parseArgs(ShellWords.underwayArguments(line)).subcommand()).as(line)
          .isNotNull();
    }
  }
}
