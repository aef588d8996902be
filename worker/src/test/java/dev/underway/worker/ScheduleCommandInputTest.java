package dev.underway.worker;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code underway schedule create} refuses bad input with exit 2 before connecting. */
class ScheduleCommandInputTest {

  private final Cli cli = new Cli(o -> {
    throw new AssertionError("must not connect");
  }, List::of, Map.of("USER", "test"));

  @Test
  void badInputIsRefusedBeforeAnythingIsSent(@TempDir Path tmp) throws Exception {
    Path bad = tmp.resolve("bad.json");
    Files.writeString(bad, """
        {"target": {"namespace": "local", "statefulSet": "sandbox",
                    "publicService": "sandbox-primary", "database": "app"},
         "declared": {"name": "phase-0", "nodes": 1, "replicationFactor": 3}}
        """);
    Cli.Result invalid = cli.run("schedule", "create", "--input-file", bad.toString(),
        "--every", "1h");
    assertThat(invalid.exitCode()).as(invalid.toString()).isEqualTo(ExitCodes.BAD_INPUT);
    assertThat(invalid.err()).contains("nothing was created",
        "replicationFactor 3 is larger than its 1 node(s)", "declared.readerPath is missing");

    Files.writeString(bad, "{\"target\": {}, \"declard\": {}}");
    Cli.Result typo = cli.run("schedule", "create", "--input-file", bad.toString(),
        "--every", "1h");
    assertThat(typo.exitCode()).isEqualTo(ExitCodes.BAD_INPUT);
    assertThat(typo.err()).contains("unknown field 'declard'");

    Cli.Result missing = cli.run("schedule", "create", "--input-file",
        tmp.resolve("nope.json").toString(), "--every", "1h");
    assertThat(missing.exitCode()).isEqualTo(ExitCodes.BAD_INPUT);
    assertThat(missing.err()).contains("does not exist");

    Path good = Path.of("..", "runbooks", "drift-check", "sandbox-phase-0.json");
    for (String every : List.of("30s", "soon", "PT0S")) {
      Cli.Result r = cli.run("schedule", "create", "--input-file", good.toString(),
          "--every", every);
      assertThat(r.exitCode()).as(r.toString()).isEqualTo(ExitCodes.BAD_INPUT);
      assertThat(r.err()).contains("--every");
    }
    Cli.Result noSub = cli.run("schedule");
    assertThat(noSub.exitCode()).isEqualTo(ExitCodes.BAD_INPUT);
    assertThat(noSub.err()).contains("name a subcommand");
  }

  @Test
  void everyAcceptsShorthandAndIsoDurations() {
    assertThat(ScheduleCommand.parseEvery("10m")).hasMinutes(10);
    assertThat(ScheduleCommand.parseEvery("1h")).hasHours(1);
    assertThat(ScheduleCommand.parseEvery("1d")).hasDays(1);
    assertThat(ScheduleCommand.parseEvery("PT15M")).hasMinutes(15);
  }
}
