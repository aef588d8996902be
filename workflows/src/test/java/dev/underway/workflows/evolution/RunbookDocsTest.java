package dev.underway.workflows.evolution;

import dev.underway.kernel.SearchAttributes;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.underway.workflows.evolution.model.EvolutionRequest;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** The operator's runbook is checked against the code, so it cannot drift from it. */
class RunbookDocsTest {

  private static final String RUNBOOK = Requests.runbookFile("cluster-evolution.md");

  private static List<String> blocks(String language) {
    Matcher m = Pattern.compile("```" + language + "\\n(.*?)```", Pattern.DOTALL)
        .matcher(RUNBOOK);
    List<String> found = new ArrayList<>();
    while (m.find()) {
      found.add(m.group(1));
    }
    return found;
  }

  @Test
  void jsonToPasteIntoTheUiIsAValidRequestAndMatchesTheExampleFile() throws Exception {
    List<String> json = blocks("json");
    assertThat(json).isNotEmpty();
    ObjectMapper strict = Requests.TEMPORAL_JSON.copy()
        .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);
    for (String block : json) {
      EvolutionRequest r = Requests.TEMPORAL_JSON.readValue(block, EvolutionRequest.class);
      assertThat(RequestValidation.problems(r)).as(block).isEmpty();
    }
    assertThat(strict.readTree(json.get(0)))
        .isEqualTo(strict.readTree(Requests.runbookFile("cluster-evolution/evolve.json")));
  }

  @Test
  void namesEveryStepSignalUpdateQueryAndSearchAttribute() throws Exception {
    List<String> names = new ArrayList<>(List.of(ClusterEvolutionWorkflow.TYPE,
        ClusterEvolutionWorkflow.SIGNAL_APPROVE, ClusterEvolutionWorkflow.SIGNAL_REJECT,
        ClusterEvolutionWorkflow.SIGNAL_ABORT, ClusterEvolutionWorkflow.UPDATE_DECIDE,
        ClusterEvolutionWorkflow.QUERY_STATUS));
    SearchAttributes.ALL.forEach(k -> names.add(k.getName()));
    for (Field f : Steps.class.getFields()) {
      if (Modifier.isStatic(f.getModifiers()) && f.getName().equals(f.getName().toUpperCase())
          && !List.of("STARTED", "COMPLETED", "SKIPPED", "FAILED", "EXPIRED")
              .contains(f.getName())) {
        names.add((String) f.get(null));
      }
    }
    assertThat(RUNBOOK).contains(names.stream().map(n -> "`" + n + "`").toList()
        .toArray(String[]::new));
    assertThat(RUNBOOK).contains(ClusterEvolutionWorkflow.workflowId(Requests.TARGET));
  }

  @Test
  void referencedExampleFilesExist() {
    Matcher m = Pattern.compile("runbooks/(cluster-evolution/[a-z-]+\\.json)").matcher(RUNBOOK);
    int seen = 0;
    while (m.find()) {
      assertThat(Requests.runbookFile(m.group(1))).isNotBlank();
      seen++;
    }
    assertThat(seen).isGreaterThan(2);
  }
}
