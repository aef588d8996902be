package dev.underway.workflows.schema;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.underway.workflows.schema.contract.SchemaChangeActivities;
import dev.underway.workflows.evolution.Requests;
import io.temporal.activity.ActivityMethod;
import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** runbooks/schema-change.md is checked against the code, so it cannot drift from it. */
class RunbookDocsTest {

  private static final String RUNBOOK = Requests.runbookFile("schema-change.md");

  @Test
  void itsJsonIsTheSplitExampleAndValid() throws Exception {
    Matcher m = Pattern.compile("```json\\n(.*?)```", Pattern.DOTALL).matcher(RUNBOOK);
    assertThat(m.find()).isTrue();
    ObjectMapper strict = Requests.TEMPORAL_JSON.copy()
        .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);
    assertThat(strict.readTree(m.group(1)))
        .isEqualTo(strict.readTree(Requests.runbookFile("schema-change/split-name.json")));
    SchemaChangeRequest r = Requests.TEMPORAL_JSON.readValue(m.group(1),
        SchemaChangeRequest.class);
    assertThat(RequestValidation.problems(r)).isEmpty();
    assertThat(RUNBOOK).contains(SchemaChangeWorkflow.workflowId(r));
  }

  @Test
  void namesEveryGateStepUpdateAndActivity() throws Exception {
    List<String> names = new ArrayList<>(List.of(SchemaChangeWorkflow.TYPE,
        SchemaChangeWorkflow.RUNBOOK, SchemaChangeWorkflow.UPDATE_THROTTLE,
        SchemaChangeWorkflow.UPDATE_UNTHROTTLE, SchemaChangeWorkflow.UPDATE_SET_BATCH,
        SchemaChangeWorkflow.UPDATE_SET_RATIO, SchemaChangeWorkflow.UPDATE_REVERT, SchemaChangeWorkflow.UPDATE_OVERRIDE,
        SchemaChangeWorkflow.UPDATE_DECIDE, QuietWriters.STEP, GuardChanges.STEP,
        SchemaChangeWorkflow.QUERY_STATUS));
    for (Class<?> named : List.of(SchemaChangeWorkflowImpl.class, Backfill.class, Flags.class,
        Rollback.class, ConstraintsStep.class, CommandLock.class)) {
      for (Field f : named.getDeclaredFields()) {
        if (Modifier.isStatic(f.getModifiers()) && f.getType() == String.class
            && !f.getName().startsWith("UNDO") && !f.getName().equals("REFUSED")) {
          f.setAccessible(true);
          names.add((String) f.get(null));
        }
      }
    }
    for (Method m : SchemaChangeActivities.class.getMethods()) {
      names.add(m.getAnnotation(ActivityMethod.class).name());
    }
    assertThat(RUNBOOK).contains(names.stream().map(n -> "`" + n + "`").toList()
        .toArray(String[]::new));
  }

  @Test
  void everyExampleItNamesExists() {
    Matcher m = Pattern.compile("runbooks/(schema-change/[a-z-]+\\.json)").matcher(RUNBOOK);
    int seen = 0;
    while (m.find()) {
      assertThat(Requests.runbookFile(m.group(1))).isNotBlank();
      seen++;
    }
    assertThat(seen).isEqualTo(4);
  }
}
