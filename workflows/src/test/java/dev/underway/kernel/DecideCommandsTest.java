package dev.underway.kernel;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class DecideCommandsTest {

  static final String ID = "cluster-evolution-underway-demo-cockroachdb";

  @Test
  void defaultServerAndNamespaceAreLeftOut() {
    String text = new DecideCommands(null, "default").text(ID, "phase-1", "0a1b2c3d");
    assertThat(text)
        .contains("  underway approve " + ID + " --gate phase-1 --plan 0a1b2c3d --by YOUR-NAME"
            + " --comment 'why'\n")
        .contains("  temporal workflow update execute --workflow-id " + ID + " --name decide"
            + " --input '{\"gate\":\"phase-1\",\"decision\":\"approve\",\"plan\":\"0a1b2c3d\","
            + "\"by\":\"YOUR-NAME\",\"comment\":\"why\"}'\n")
        .contains("\"decision\":\"reject\"")
        .doesNotContain("--address").doesNotContain("--namespace");
    assertThat(new DecideCommands("localhost:7233", "default").text(ID, "phase-1", null))
        .isEqualTo(new DecideCommands(null, "default").text(ID, "phase-1", null))
        .doesNotContain("--plan").doesNotContain("\"plan\"");
  }

  @Test
  void anotherServerOrNamespaceIsNamedInEveryCommand() {
    String text = new DecideCommands("127.0.0.1:40123", "team-db").text(ID, "phase-2", "ffff0000");
    assertThat(text.lines().filter(l -> l.startsWith("  ")))
        .hasSize(4)
        .allSatisfy(l -> assertThat(l).contains("--address 127.0.0.1:40123")
            .contains("--namespace team-db"));
  }

  @Test
  void aDestructiveGatesApprovalsCarryTheExactConfirmationAsOneShellWord() {
    String text = new DecideCommands(null, "default").text(ID, "contract", "0a1b2c3d",
        "public.orders.amount");
    assertThat(text)
        .contains("  underway approve " + ID + " --gate contract --plan 0a1b2c3d --confirm"
            + " 'public.orders.amount' --by YOUR-NAME --comment 'why'\n")
        .contains("  underway reject " + ID + " --gate contract --plan 0a1b2c3d --by YOUR-NAME"
            + " --comment 'why'\n")
        .contains("\"decision\":\"approve\",\"plan\":\"0a1b2c3d\","
            + "\"confirm\":\"public.orders.amount\",\"by\"")
        .doesNotContain("\"decision\":\"reject\",\"plan\":\"0a1b2c3d\",\"confirm\"");
    assertThat(DecideCommands.underwayArguments("approve", ID, "g", null, "it's"))
        .contains("--confirm 'it'\\''s'");
    assertThat(DecideCommands.underwayArguments("abort", ID, "g", "p", "x"))
        .isEqualTo("abort " + ID + " --by YOUR-NAME --comment 'why'");
  }
}
