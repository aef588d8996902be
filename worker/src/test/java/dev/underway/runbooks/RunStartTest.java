package dev.underway.runbooks;

import static org.assertj.core.api.Assertions.assertThat;

import dev.underway.workflows.schema.SchemaChangeRequest;
import io.temporal.client.WorkflowOptions;
import java.io.InputStream;
import org.junit.jupiter.api.Test;

/**
 * Every way of starting a run gives the Temporal UI's Summary and Details panels what the run
 * is: runbook and target, who asked, the change in one line.
 */
class RunStartTest {

  @Test
  void theSummaryAndDetailsSayWhatTheRunIsWhoAskedAndTheChange() throws Exception {
    SchemaChangeRequest request;
    try (InputStream in = RunStartTest.class.getResourceAsStream(
        "/runbooks/schema-change/bigint-amount.json")) {
      request = io.temporal.common.converter.JacksonJsonPayloadConverter
          .newDefaultObjectMapper().readValue(in, SchemaChangeRequest.class);
    }
    Runbook<SchemaChangeRequest> runbook = Runbooks.SCHEMA_CHANGE;
    WorkflowOptions o = RunStart.options(runbook, request, "id-1", "queue", "underway start");

    String target = runbook.targetKey(request);
    assertThat(o.getWorkflowId()).isEqualTo("id-1");
    assertThat(o.getTaskQueue()).isEqualTo("queue");
    assertThat(o.getStaticSummary()).isEqualTo("schema-change · " + target
        + " · requested by alice");
    assertThat(o.getStaticDetails())
        .contains("**What:** change a live PostgreSQL table")
        .contains("- **Runbook:** `schema-change`")
        .contains("- **Target:** `" + target + "`")
        .contains("- **Requested by:** alice")
        .contains("- **Change:** `public.orders CHANGE_TYPE: add amount_cents bigint ="
            + " amount::bigint; replace amount (down: amount = amount_cents::integer)`")
        .contains("- **Started with:** underway start");
  }

  @Test
  void aDryRunSaysItChangesNothing() {
    var runbook = Runbooks.CLUSTER_EVOLUTION;
    var request = new dev.underway.workflows.evolution.model.EvolutionRequest(
        dev.underway.workflows.evolution.model.ClusterTarget.local("sandbox", "app"), null,
        null, true, null);
    assertThat(RunStart.summary(runbook, request)).isEqualTo("cluster-evolution · local/sandbox"
        + " (dry run: changes nothing)");
    assertThat(RunStart.details(runbook, request, "underway plan"))
        .contains("- **Requested by:** not said").contains("- **Dry run:**")
        .contains("- **Change:** `phase-0: 1 node(s), RF 1; phase-1: 2 node(s), RF 2, reader"
            + " path;");
  }
}
