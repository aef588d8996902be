package dev.underway.worker;

import static org.assertj.core.api.Assertions.assertThat;

import dev.underway.workflows.evolution.InMemoryCluster;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** The API key is never printed: not in help, errors, output, nor toString. */
class SecretsTest {
  static final String SECRET = "uw-secret-0c9d8e7f";

  CliTestEnvironment support;

  @AfterEach
  void close() {
    if (support != null) {
      support.close();
    }
  }

  @Test
  void toStringHidesTheKey() {
    StatusCommand cmd = new StatusCommand();
    new CommandLine(cmd).parseArgs("x", "--api-key", SECRET, "--address", "temporal:7233");
    assertThat(cmd.connection.hasApiKey()).isTrue();
    assertThat(cmd.connection.toString()).doesNotContain(SECRET)
        .contains("apiKey=(set, hidden)").contains("temporal:7233").contains("tls=true");
    assertThat(new WorkerContext("ns", "q", Map.of("TEMPORAL_API_KEY", SECRET)).toString())
        .doesNotContain(SECRET);
  }

  @Test
  void noOutputShowsTheKey() {
    support = new CliTestEnvironment(InMemoryCluster.atPhase0());
    Cli cli = support.cli();
    List<Cli.Result> results = List.of(
        cli.run("status", "some-run", "--api-key", SECRET),
        cli.run("status", "some-run", "--api-key=" + SECRET, "--verbose"),
        cli.run("--api-key=" + SECRET, "status", "x"),
        cli.run("start", "--api-key", SECRET, "--input", "{\"nope\": 1}", "--verbose"),
        cli.run("worker", "--help", "--api-key", SECRET),
        cli.run("start", "--help"),
        cli.run("--help"));
    for (Cli.Result r : results) {
      assertThat(r.out() + r.err()).as(r.toString()).doesNotContain(SECRET);
    }
    assertThat(results.get(2).exitCode()).isEqualTo(2);
    assertThat(results.get(2).err()).contains("****");
    assertThat(results.get(5).out()).contains("--api-key=KEY").contains("TEMPORAL_API_KEY");
  }
}
