package dev.underway.architecture;

import dev.underway.workflows.evolution.model.Phase;
import dev.underway.kernel.RunState;
import io.temporal.workflow.Workflow;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.slf4j.Logger;

/**
 * What workflow code may do, close to each thing {@link DeterminismOffenders} must not: {@link
 * WorkflowDeterminismTest} checks that its rules flag nothing here, so they are not simply
 * flagging everything. Never used anywhere else.
 */
@SuppressWarnings("unused")
final class DeterministicExample {
  private static final Logger log = Workflow.getLogger(DeterministicExample.class);

  static final List<String> NAMES = List.of("phase-0", "phase-1");
  static final Map<String, Integer> SIZES = Map.of("phase-0", 1);
  static final Set<String> MODES = Set.of("disable", "require");
  static final List<String> COPIED = List.copyOf(new ArrayList<>(NAMES));
  static final List<String> STREAMED = Stream.of("a", "b").toList();
  static final List<String> VIEW = Collections.unmodifiableList(new ArrayList<>(NAMES));
  static final List<String> NONE = Collections.emptyList();
  static final String[] NO_NAMES = {};
  static final Phase FIRST = Phase.DEFAULTS.get(0);
  static final RunState END = RunState.COMPLETED;
  static final Duration EXPIRY = Duration.ofHours(72);

  enum Kind { APPROVE, REJECT }

  int weight(Kind kind) {
    return switch (kind) {
      case APPROVE -> 1;
      case REJECT -> 2;
    };
  }

  long now() {
    return Workflow.currentTimeMillis();
  }

  String id() {
    return Workflow.randomUUID().toString();
  }

  Date at(long millis) {
    return new Date(millis);
  }

  Instant parsed(String text) {
    return Instant.parse(text);
  }

  LocalDate firstOf(int year) {
    return LocalDate.of(year, 1, 1);
  }

  void pause() {
    Workflow.sleep(EXPIRY);
    log.info("{} {}", NAMES, SIZES);
  }
}
