package dev.underway.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.underway.kernel.RunState;
import dev.underway.kernel.RunStatus;
import dev.underway.workflows.schema.InMemoryTable;
import dev.underway.workflows.schema.SchemaChangeWorkflow;
import dev.underway.workflows.schema.SchemaTestSupport;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@code underway plan|start|status|approve} for a schema change, in real time against the SDK's
 * in-memory Temporal server, with the {@link InMemoryTable} STAND-IN for PostgreSQL.
 */
class SchemaChangeCliTest {

  SchemaTestSupport support;
  Cli cli;

  @BeforeEach
  void start() {
    support = new SchemaTestSupport(new InMemoryTable(), false);
    cli = new Cli(o -> TemporalConnection.borrowed(support.client,
        support.env.getOperatorServiceStubs()), List::of, Map.of("USER", "carol"));
  }

  @AfterEach
  void close() {
    support.close();
  }

  private static String example(String name) throws Exception {
    return Path.of(SchemaChangeCliTest.class.getResource("/runbooks/schema-change/" + name)
        .toURI()).toString();
  }

  private RunStatus status(String id) {
    return support.client.newUntypedWorkflowStub(id).query(SchemaChangeWorkflow.QUERY_STATUS,
        RunStatus.class);
  }

  private void awaitGate(String id, String gate) {
    await().atMost(Duration.ofSeconds(30)).until(() -> {
      RunStatus s = status(id);
      return s.openGate() != null && s.openGate().gate().equals(gate);
    });
  }

  @Test
  void planStartApproveWithTheConfirmationAndStatus() throws Exception {
    Cli.Result plan = cli.run("plan", "--input-file", example("bigint-amount.json"),
        "--task-queue", SchemaTestSupport.TASK_QUEUE);
    assertThat(plan.exitCode()).as(plan.toString()).isZero();
    assertThat(plan.out()).contains("Table public.orders: CHANGE_TYPE")
        .contains("contract: drop [public.orders.amount, trigger underway_sync_orders,")
        .contains("(approval types \"public.orders.amount\")").contains("nothing was changed");
    assertThat(support.table.mutatingCalls()).isEmpty();

    Cli.Result started = cli.run("start", "--input-file", example("bigint-amount.json"),
        "--task-queue", SchemaTestSupport.TASK_QUEUE);
    assertThat(started.exitCode()).as(started.toString()).isZero();
    String id = "schema-change-orders-db.internal-5432-shop-public.orders";
    assertThat(started.out()).contains(id).contains("Started SchemaChange for"
        + " orders-db.internal:5432/shop/public.orders requested by alice");
    for (String gate : List.of("expand", "switch-reads", "stop-old-writes")) {
      awaitGate(id, gate);
      Cli.Result approved = cli.run("approve", id, "--by", "bob", "--comment", "ok");
      assertThat(approved.exitCode()).as(approved.toString()).isZero();
    }
    awaitGate(id, "contract");
    Cli.Result unconfirmed = cli.run("approve", id, "--by", "bob");
    assertThat(unconfirmed.exitCode()).isNotZero();
    assertThat(unconfirmed.err()).contains("gate contract is destructive: an approval must"
        + " carry \"confirm\": \"public.orders.amount\"");
    Cli.Result confirmed = cli.run("approve", id, "--by", "bob", "--confirm",
        "public.orders.amount");
    assertThat(confirmed.exitCode()).as(confirmed.toString()).isZero();
    await().atMost(Duration.ofSeconds(30)).until(() -> status(id).state()
        == RunState.COMPLETED);
    Cli.Result status = cli.run("status", id);
    assertThat(status.exitCode()).as(status.toString()).isZero();
    assertThat(status.out()).contains("COMPLETED").contains("contract");
    assertThat(support.table.hasColumn("amount")).isFalse();
  }

  @Test
  void statusOfARunTerminatedAtAGateSaysTerminatedNotTheStateItHad() throws Exception {
    Cli.Result started = cli.run("start", "--input-file", example("bigint-amount.json"),
        "--task-queue", SchemaTestSupport.TASK_QUEUE);
    assertThat(started.exitCode()).as(started.toString()).isZero();
    String id = "schema-change-orders-db.internal-5432-shop-public.orders";
    awaitGate(id, "expand");
    support.client.newUntypedWorkflowStub(id).terminate("gave up");

    Cli.Result status = cli.run("status", id);

    assertThat(status.out()).as(status.toString()).containsPattern("(state|status): +TERMINATED")
        .contains("the run was terminated: gave up")
        .doesNotContainPattern("state: +WAITING_FOR_APPROVAL").doesNotContain("In flight");
    assertThat(status.exitCode()).as(status.toString()).isEqualTo(1);
  }
}
