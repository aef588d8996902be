package dev.underway.kernel;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The README's saved views are the kernel's: one per {@link Outcome} (its word, its filter), the
 * waiting, holding and stopped views as {@link SearchAttributes} gives them, and the cluster
 * evolution's runbook shows the same filters. {@code OutcomeViewsTest} (worker) runs them on a
 * real server.
 */
class OutcomeViewsDocTest {

  @Test
  void everyOutcomeHasTheReadmeViewTheKernelDefines() {
    for (Outcome o : Outcome.values()) {
      if (o == Outcome.TIMED_OUT) {
        continue; // runbooks set no execution timeout
      }
      assertThat(ReadmeViews.of(o)).as(o.word()).isEqualTo(o.view());
    }
    assertThat(ReadmeViews.view(ReadmeViews.WAITING)).isEqualTo(SearchAttributes.WAITING);
    assertThat(ReadmeViews.view(ReadmeViews.HOLDING)).isEqualTo(SearchAttributes.HOLDING);
    assertThat(ReadmeViews.view(ReadmeViews.STOPPED)).isEqualTo(SearchAttributes.STOPPED);
  }

  @Test
  void theOpenRunsViewsLeaveOutWhatEnded() {
    for (String open : new String[] {ReadmeViews.WAITING, ReadmeViews.HOLDING,
        "at a given gate"}) {
      assertThat(ReadmeViews.view(open)).as("a terminated run keeps its state: left out")
          .startsWith("ExecutionStatus = \"Running\" AND ");
    }
  }

  @Test
  void theRunbookShowsTheReadmesFilters() throws IOException {
    Map<String, String> readme = ReadmeViews.all();
    Map<String, String> runbook = ReadmeViews.of(runbook("cluster-evolution.md"));
    assertThat(runbook.keySet()).contains(ReadmeViews.WAITING, ReadmeViews.STOPPED);
    runbook.forEach((name, filter) -> {
      if (readme.containsKey(name)) {
        assertThat(filter).as(name).isEqualTo(readme.get(name));
      }
    });
  }

  @Test
  void theTableIsReadAsAnOperatorReadsIt() {
    Map<String, String> views = ReadmeViews.of("""
        | view | filter |
        |---|---|
        | waiting for a decision | `ExecutionStatus = "Running" AND UnderwayState = "X"` |
        | canceled | `ExecutionStatus = "Canceled"` |

        | view | filter |
        | not this one | `A = "B"` |
        """);
    assertThat(views).containsExactly(
        Map.entry("waiting for a decision", "ExecutionStatus = \"Running\" AND UnderwayState = \"X\""),
        Map.entry("canceled", "ExecutionStatus = \"Canceled\""));
  }

  private static String runbook(String file) throws IOException {
    try (InputStream in = OutcomeViewsDocTest.class.getResourceAsStream("/runbooks/" + file)) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }
}
