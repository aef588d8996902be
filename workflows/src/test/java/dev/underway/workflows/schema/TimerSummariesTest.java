package dev.underway.workflows.schema;

import static dev.underway.workflows.schema.SchemaTestSupport.awaitGate;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.underway.kernel.RunState;
import io.temporal.api.enums.v1.EventType;
import io.temporal.api.history.v1.HistoryEvent;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A schema change with a soak, through every gate, read from its recorded history: every timer
 * it starts (each gate's, the backfill's progress reads, the soak) carries a summary a person
 * reads on the run's page, never an id, and every gate's timer ends at its decision.
 */
class TimerSummariesTest {

  @Test
  void everyTimerOfARunHasASummaryAndEveryGatesTimerEndsAtItsDecision() {
    SchemaChangeRequest r = SchemaHistories.REQUEST;
    SchemaChangeRequest soaking = new SchemaChangeRequest(r.target(), r.change(), null, null,
        null, null, null, "PT10M", r.approval(), null, "alice", null, null);
    try (SchemaTestSupport t = new SchemaTestSupport(new InMemoryTable())) {
      SchemaChangeWorkflow wf = t.start(soaking);
      for (String gate : new String[] {"expand", "switch-reads"}) {
        awaitGate(wf, gate);
        wf.decide(SchemaTestSupport.approve(gate, "bob"));
      }
      await().atMost(Duration.ofSeconds(20)).until(
          () -> "soak".equals(wf.status().currentStep()));
      t.env.sleep(Duration.ofMinutes(11));
      awaitGate(wf, "stop-old-writes");
      wf.decide(SchemaTestSupport.approve("stop-old-writes", "bob"));
      awaitGate(wf, "contract");
      wf.decide(SchemaTestSupport.approveContract("bob", "public.orders.amount"));
      assertThat(SchemaTestSupport.outcome(wf).state()).isEqualTo(RunState.COMPLETED);
      List<HistoryEvent> events = t.client.fetchHistory(SchemaHistories.WORKFLOW_ID)
          .getEvents();
      List<String> summaries = events.stream()
          .filter(HistoryEvent::hasTimerStartedEventAttributes)
          .map(e -> e.getUserMetadata().getSummary().getData().toStringUtf8()).toList();
      assertThat(summaries).isNotEmpty().allSatisfy(s -> assertThat(s)
          .as("a sentence, not an id").matches("\"[a-z].*[a-z)]\"")
          .doesNotContainPattern("[0-9a-f]{8}-[0-9a-f]{4}-"));
      assertThat(summaries)
          .anyMatch(s -> s.contains("backfill · next progress read in 1 min"))
          .anyMatch(s -> s.contains("switch-reads · soak: reads on the new shape for 10 min"))
          .anyMatch(s -> s.contains("contract · gate contract: waiting for a decision"));
      assertThat(events.stream().map(HistoryEvent::getEventType))
          .as("each of the four gates' timers ended by its decision")
          .filteredOn(e -> e == EventType.EVENT_TYPE_TIMER_CANCELED).hasSize(4);
    }
  }
}
