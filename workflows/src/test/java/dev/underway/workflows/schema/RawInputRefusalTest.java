package dev.underway.workflows.schema;

import static dev.underway.workflows.schema.SchemaTestSupport.approve;
import static dev.underway.workflows.schema.SchemaTestSupport.awaitGate;
import static dev.underway.workflows.schema.SchemaTestSupport.toContractGate;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.underway.kernel.DecisionHandlers;
import dev.underway.kernel.GateView;
import dev.underway.kernel.RunState;
import dev.underway.workflows.schema.contract.BackfillControl;
import io.temporal.client.WorkflowStub;
import io.temporal.client.WorkflowUpdateException;
import io.temporal.failure.ApplicationFailure;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * What a person types into the Web UI's Send an Update dialog, sent as raw JSON (an untyped
 * stub, a map for the payload): the card's placeholders, a near-miss confirmation, an unknown key,
 * a wrong type and a fraction are each refused in one sentence naming the field, and nothing
 * moves.
 */
class RawInputRefusalTest extends AmountChangeRuns {


  /** The sentence an update is refused with, checked to be one sentence without Java in it. */
  private static String refusal(SchemaChangeWorkflow wf, String update, Map<String, ?> input) {
    WorkflowUpdateException e = catchThrowableOfType(WorkflowUpdateException.class,
        () -> WorkflowStub.fromTyped(wf).update(update, Object.class, input));
    assertThat(e).as("%s %s is refused", update, input).isNotNull();
    assertThat(e.getCause()).isInstanceOf(ApplicationFailure.class);
    ApplicationFailure cause = (ApplicationFailure) e.getCause();
    String sentence = cause.getOriginalMessage();
    assertThat(sentence).as("one line, no Java").doesNotContain("\n").doesNotContain("Exception")
        .doesNotContain("com.fasterxml").doesNotContain("java.").doesNotContain("dev.underway");
    assertThat(cause.getStackTrace()).as("no stack trace from the worker (only the client's)")
        .noneMatch(f -> f.getClassName().startsWith("com.fasterxml")
            || f.getClassName().startsWith("io.temporal.internal.sync")
            || f.getClassName().startsWith("dev.underway.kernel"));
    return sentence;
  }

  private static Map<String, Object> json(String text) throws Exception {
    return new ObjectMapper().readValue(text,
        new TypeReference<LinkedHashMap<String, Object>>() {});
  }

  /** The decide input the gate's card prints for {@code decision}, as printed. */
  private static String printedInput(GateView gate, String decision) {
    return gate.text().lines().map(String::strip)
        .filter(l -> l.startsWith("temporal workflow update execute")
            && l.contains("\"decision\":\"" + decision + "\""))
        .map(l -> l.substring(l.indexOf("--input '") + 9, l.lastIndexOf('\'')))
        .findFirst().orElseThrow();
  }

  @Test
  void theCardsPlaceholderInputPastedUnchangedIsRefused() throws Exception {
    SchemaChangeWorkflow wf = start(new InMemoryTable());
    GateView expand = awaitGate(wf, "expand");
    Map<String, Object> pasted = json(printedInput(expand, "approve"));
    assertThat(pasted).containsEntry("by", "YOUR-NAME").containsEntry("comment", "why");

    assertThat(refusal(wf, DecisionHandlers.UPDATE_DECIDE, pasted))
        .isEqualTo("\"by\" is still the placeholder YOUR-NAME: put your own name");
    pasted.put("by", "bob");
    assertThat(refusal(wf, DecisionHandlers.UPDATE_DECIDE, pasted))
        .isEqualTo("\"comment\" is still the placeholder \"why\": say why you decide");
    assertThat(wf.status().openGate().gate()).as("nothing moved").isEqualTo("expand");
    assertThat(wf.status().decisions()).as("an update refused is not recorded").isEmpty();

    pasted.put("comment", "dashboards green");
    WorkflowStub.fromTyped(wf).update(DecisionHandlers.UPDATE_DECIDE, Object.class, pasted);
    awaitGate(wf, "switch-reads");
  }

  @Test
  void aSignalWithAPlaceholderOrAnUnknownKeyIsRecordedAsRefused() throws Exception {
    SchemaChangeWorkflow wf = start(new InMemoryTable());
    awaitGate(wf, "expand");
    WorkflowStub stub = WorkflowStub.fromTyped(wf);
    stub.signal("approve", json("{\"gate\":\"expand\",\"by\":\"YOUR-NAME\","
        + "\"comment\":\"why\"}"));
    stub.signal("approve", json("{\"gate\":\"expand\",\"by\":\"bob\",\"comment\":\"ok\","
        + "\"confrim\":\"yes\"}"));
    await().until(() -> wf.status().decisions().size() == 2);
    assertThat(wf.status().decisions()).extracting(d -> d.accepted(), d -> d.note())
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple(false,
                "\"by\" is still the placeholder YOUR-NAME: put your own name"),
            org.assertj.core.groups.Tuple.tuple(false, "\"confrim\" is not a field of this input"
                + " (did you mean \"confirm\"?); its fields are gate, by, comment, plan,"
                + " issuedAt, confirm"));
    assertThat(wf.status().openGate().gate()).as("nothing moved").isEqualTo("expand");
  }

  @Test
  void aConfirmationWithATrailingSpaceIsRefusedShowingTheDifference() throws Exception {
    SchemaChangeWorkflow wf = start(new InMemoryTable());
    toContractGate(wf);
    Map<String, Object> input = json("{\"gate\":\"contract\",\"decision\":\"approve\","
        + "\"by\":\"bob\",\"comment\":\"drop it\",\"confirm\":\"" + CONFIRM + " \"}");

    assertThat(refusal(wf, DecisionHandlers.UPDATE_DECIDE, input)).isEqualTo(
        "gate contract is destructive: an approval must carry \"confirm\": \"" + CONFIRM
            + "\", the name of what it drops, typed exactly: it has \"" + CONFIRM
            + " \" (one character more: a space at the end)");
    input.put("confirm", "public.orders.amout");
    assertThat(refusal(wf, DecisionHandlers.UPDATE_DECIDE, input)).endsWith(
        "typed exactly: it has \"public.orders.amout\" (from character 19 on it has \"t\""
            + " where the name has \"nt\")");
    assertThat(wf.status().openGate().gate()).as("nothing moved").isEqualTo("contract");

    input.put("confirm", CONFIRM);
    WorkflowStub.fromTyped(wf).update(DecisionHandlers.UPDATE_DECIDE, Object.class, input);
    await().until(() -> wf.status().state() == RunState.COMPLETED);
  }

  @Test
  void anUnknownKeyOrAWrongTypeIsRefusedNamingTheField() throws Exception {
    SchemaChangeWorkflow wf = start(new InMemoryTable());
    toContractGate(wf);

    assertThat(refusal(wf, DecisionHandlers.UPDATE_DECIDE, json("{\"gate\":\"contract\","
        + "\"decision\":\"approve\",\"by\":\"bob\",\"comment\":\"drop it\",\"confrim\":\""
        + CONFIRM + "\"}"))).isEqualTo("\"confrim\" is not a field of this input (did you mean"
            + " \"confirm\"?); its fields are gate, decision, by, comment, plan, issuedAt,"
            + " confirm");
    assertThat(refusal(wf, DecisionHandlers.UPDATE_DECIDE, json("{\"gate\":\"contract\","
        + "\"decision\":\"approve\",\"by\":[\"bob\"],\"comment\":\"drop it\",\"confirm\":\""
        + CONFIRM + "\"}"))).isEqualTo("\"by\" must be text in quotes, not [\"bob\"]");
    assertThat(refusal(wf, SchemaChangeWorkflow.UPDATE_THROTTLE,
        json("{\"by\":\"bob\",\"reasons\":\"deploy\"}"))).isEqualTo(
            "\"reasons\" is not a field of this input (did you mean \"reason\"?); its fields"
                + " are by, reason, batchSize, confirm, ratio");
    assertThat(wf.status().openGate().gate()).as("nothing moved").isEqualTo("contract");
    assertThat(wf.status().decisions()).hasSize(3).allSatisfy(d -> assertThat(d.by())
        .isEqualTo("bob"));
  }

  @Test
  void setBatchWithAFractionOrTextIsRefusedNamingTheField() throws Exception {
    InMemoryTable table = new InMemoryTable().holdBackfill();
    SchemaChangeWorkflow wf = start(table);
    awaitGate(wf, "expand");
    wf.decide(approve("expand", "bob"));
    await().until(table::backfillStarted);
    await().until(() -> "backfill".equals(wf.status().currentStep()));

    assertThat(refusal(wf, SchemaChangeWorkflow.UPDATE_SET_BATCH,
        json("{\"by\":\"bob\",\"batchSize\":2.5}"))).isEqualTo("\"batchSize\" must be a whole"
            + " number from 0 (adaptive again) to 50000, not 2.5");
    assertThat(refusal(wf, SchemaChangeWorkflow.UPDATE_SET_BATCH,
        json("{\"by\":\"bob\",\"batchSize\":\"two hundred\"}"))).isEqualTo("\"batchSize\" must"
            + " be a whole number from 0 (adaptive again) to 50000, not \"two hundred\"");
    assertThat(refusal(wf, SchemaChangeWorkflow.UPDATE_SET_RATIO,
        json("{\"by\":\"bob\",\"ratio\":\"fast\"}"))).isEqualTo("\"ratio\" must be a number"
            + " above 1.0 and at most 10x, e.g. 1.5, not \"fast\"");
    assertThat(refusal(wf, SchemaChangeWorkflow.UPDATE_SET_RATIO,
        json("{\"by\":\"bob\",\"ratio\":[1.5]}"))).startsWith("\"ratio\" must be a number");
    assertThat(table.control()).as("nothing pinned").isNull();

    WorkflowStub.fromTyped(wf).update(SchemaChangeWorkflow.UPDATE_SET_BATCH, Object.class,
        json("{\"by\":\"bob\",\"batchSize\":200}"));
    assertThat(table.control()).isEqualTo(new BackfillControl(false, null, 200));
    WorkflowStub.fromTyped(wf).update(SchemaChangeWorkflow.UPDATE_SET_RATIO, Object.class,
        json("{\"by\":\"bob\",\"ratio\":\"1.5\"}"));
    assertThat(table.control()).as("a number in quotes, as Jackson has always taken it")
        .isEqualTo(new BackfillControl(false, null, 200, 1.5));
    table.releaseBackfill();
  }
}
