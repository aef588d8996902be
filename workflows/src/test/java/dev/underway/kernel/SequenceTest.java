package dev.underway.kernel;

import static org.assertj.core.api.Assertions.assertThat;

import io.temporal.common.SearchAttributeUpdate;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * What each command sequence upserts, and when: recorded histories replay only while these stay
 * as they were (one upsert command per list, in this order). Pure.
 */
class SequenceTest {

  /** {@code name=value} for each update, {@code name unset} for an unset. */
  private static List<String> words(List<SearchAttributeUpdate<?>> updates) {
    return updates.stream().map(u -> u.getKey().getName()
        + (u.getValue().isPresent() ? "=" + u.getValue().get() : " unset")).toList();
  }

  @Test
  void theStartOfARunUpsertsWhatItsSequenceDid() {
    assertThat(words(Sequence.FIRST.started("db/x")))
        .containsExactly("UnderwayTarget=db/x", "UnderwayOpenGate=");
    assertThat(words(Sequence.SAFETY.started("db/x")))
        .containsExactly("UnderwayTarget=db/x", "UnderwayOpenGate=", "UnderwayState=RUNNING");
    assertThat(words(Sequence.VIEW.started("db/x")))
        .containsExactly("UnderwayTarget=db/x", "UnderwayState=RUNNING");
    assertThat(words(Sequence.WITHOUT_GATES.started("db/x")))
        .containsExactly("UnderwayTarget=db/x");
  }

  @Test
  void aGateOpeningAndClosingUpsertsWhatItsSequenceDid() {
    assertThat(words(Sequence.FIRST.gateOpened("g"))).containsExactly("UnderwayOpenGate=g");
    assertThat(words(Sequence.VIEW.gateOpened("g")))
        .containsExactly("UnderwayOpenGate=g", "UnderwayState=WAITING_FOR_APPROVAL");
    assertThat(words(Sequence.FIRST.gateClosed())).containsExactly("UnderwayOpenGate=");
    assertThat(words(Sequence.SAFETY.gateClosed()))
        .containsExactly("UnderwayOpenGate=", "UnderwayState=RUNNING");
    assertThat(words(Sequence.VIEW.gateClosed()))
        .containsExactly("UnderwayOpenGate unset", "UnderwayState=RUNNING");
  }

  @Test
  void onlySequencesWithTheStateUpsertIt() {
    assertThat(Sequence.FIRST.stateChanged(RunState.HOLDING)).isEmpty();
    assertThat(Sequence.WITHOUT_GATES.stateChanged(RunState.FAILED)).isEmpty();
    assertThat(words(Sequence.SAFETY.stateChanged(RunState.HOLDING)))
        .containsExactly("UnderwayState=HOLDING");
  }

  @Test
  void whatEachSequenceDoesBesides() {
    assertThat(Sequence.FIRST.cancelsSteps()).isFalse();
    assertThat(Sequence.SAFETY.cancelsSteps()).isTrue();
    assertThat(Sequence.SAFETY.waitsOnNamedTimers()).isFalse();
    assertThat(Sequence.VIEW.waitsOnNamedTimers()).isTrue();
    assertThat(Sequence.VIEW.endsFailedUnlessCompleted()).isTrue();
    assertThat(Sequence.WITHOUT_GATES.endsFailedUnlessCompleted()).isFalse();
    assertThat(Sequence.WITHOUT_GATES.holdsWhileUnhealthy()).isFalse();
  }
}
