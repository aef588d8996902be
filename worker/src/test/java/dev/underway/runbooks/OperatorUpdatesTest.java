package dev.underway.runbooks;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.underway.runbooks.OperatorUpdate.Field;
import dev.underway.workflows.schema.SchemaChangeWorkflow;
import io.temporal.common.converter.JacksonJsonPayloadConverter;
import io.temporal.workflow.UpdateMethod;
import java.lang.reflect.Method;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * Every Update a runbook declares is an {@code @UpdateMethod} of its workflow interface, and its
 * example is an input that Update takes as is: read by Temporal's own JSON converter into the
 * Update's parameter type, nothing left over (an unknown key or a wrong type would be collected
 * aside and refused by the run, and would be missing when the value is written back).
 */
class OperatorUpdatesTest {

  static final ObjectMapper TEMPORAL_JSON = JacksonJsonPayloadConverter.newDefaultObjectMapper();

  @Test
  void everyDeclaredUpdateIsAnUpdateMethodWhoseParameterTakesTheExampleAsIs() throws Exception {
    int checked = 0;
    for (Runbook<?> r : Runbooks.ALL) {
      assertThat(r.updates().stream().map(OperatorUpdate::name).distinct())
          .as(r.name() + ": names unique").hasSize(r.updates().size());
      for (OperatorUpdate u : r.updates()) {
        Method m = updateMethod(r.workflowInterface(), u.name()).orElseThrow(
            () -> new AssertionError(r.name() + " declares " + u.name() + ", which "
                + r.workflowInterface().getSimpleName() + " has no @UpdateMethod for"));
        assertThat(m.getParameterCount()).as(u.name()).isEqualTo(1);
        assertTakesAsIs(m.getParameterTypes()[0], TEMPORAL_JSON.readTree(u.example()),
            r.name() + " " + u.name() + " example");
        assertThat(u.description()).as(u.name()).isNotBlank().doesNotContain("\n");
        if (u.shortcut() != null) {
          ObjectNode fromShortcut = TEMPORAL_JSON.createObjectNode();
          List<Field> fields = new java.util.ArrayList<>(u.shortcut().options());
          if (u.shortcut().argument() != null) {
            fields.add(u.shortcut().argument());
          }
          for (Field f : fields) {
            if (f.number()) {
              fromShortcut.put(f.json(), 1);
            } else if (f.decimal()) {
              fromShortcut.put(f.json(), 1.5);
            } else {
              fromShortcut.put(f.json(), "text");
            }
          }
          assertTakesAsIs(m.getParameterTypes()[0], fromShortcut,
              r.name() + " " + u.name() + " shortcut's fields");
        }
        checked++;
      }
    }
    assertThat(checked).isEqualTo(6);
  }

  @Test
  void theSchemaChangeDeclaresItsOperatorUpdatesByTheInterfacesNames() {
    assertThat(Runbooks.SCHEMA_CHANGE.updates()).extracting(OperatorUpdate::name)
        .containsExactly(SchemaChangeWorkflow.UPDATE_THROTTLE,
            SchemaChangeWorkflow.UPDATE_UNTHROTTLE, SchemaChangeWorkflow.UPDATE_SET_BATCH,
            SchemaChangeWorkflow.UPDATE_SET_RATIO, SchemaChangeWorkflow.UPDATE_REVERT, SchemaChangeWorkflow.UPDATE_OVERRIDE);
    assertThat(Runbooks.SCHEMA_CHANGE.updates()).filteredOn(u -> u.shortcut() != null)
        .extracting(OperatorUpdate::name)
        .containsExactly("throttle", "unthrottle", "set-batch", "set-ratio", "revert");
    assertThat(Runbooks.CLUSTER_EVOLUTION.updates()).isEmpty();
    assertThat(Runbooks.DRIFT_CHECK.updates()).isEmpty();
  }

  /** {@code input} read as {@code type} and written back is {@code input}: nothing aside. */
  private static void assertTakesAsIs(Class<?> type, JsonNode input, String what)
      throws Exception {
    Object read = TEMPORAL_JSON.treeToValue(input, type);
    JsonNode back = TEMPORAL_JSON.valueToTree(read);
    assertThat(back).as(what + " read as " + type.getSimpleName()).isEqualTo(input);
  }

  private static Optional<Method> updateMethod(Class<?> workflowInterface, String name) {
    return Arrays.stream(workflowInterface.getMethods())
        .filter(m -> m.isAnnotationPresent(UpdateMethod.class)
            && m.getAnnotation(UpdateMethod.class).name().equals(name))
        .findFirst();
  }
}
