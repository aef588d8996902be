package dev.underway.activities.support;

import static org.assertj.core.api.Assertions.assertThat;

import dev.underway.workflows.evolution.model.NodesReady;
import io.temporal.activity.ActivityInterface;
import io.temporal.activity.ActivityMethod;
import io.temporal.activity.ActivityOptions;
import io.temporal.testing.TestActivityEnvironment;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Every waiting activity's loop: the readings are heartbeated, the wait ends on the first one
 * that is done, and a retried attempt's first reading is given the last heartbeat of the attempt
 * before (null when there was none).
 */
class HeartbeatWaitTest {

  @ActivityInterface
  public interface Wait {
    @ActivityMethod(name = "Test.Wait")
    NodesReady await(int wanted);
  }

  /** One more node ready at each reading, from where the last reading (or heartbeat) was. */
  static final class OneMoreEachTime implements Wait {
    final List<NodesReady> given = Collections.synchronizedList(new ArrayList<>());

    @Override
    public NodesReady await(int wanted) {
      return HeartbeatWait.until("the test wait", NodesReady.class, Duration.ofMillis(10),
          NodesReady::done, last -> {
            given.add(last);
            return new NodesReady(last == null ? 0 : last.ready() + 1, wanted);
          });
    }
  }

  private final TestActivityEnvironment env = TestActivityEnvironment.newInstance();
  private final List<NodesReady> beats = new CopyOnWriteArrayList<>();
  private final OneMoreEachTime activity = new OneMoreEachTime();

  private Wait stub() {
    env.registerActivitiesImplementations(activity);
    env.setActivityHeartbeatListener(NodesReady.class, beats::add);
    return env.newActivityStub(Wait.class, ActivityOptions.newBuilder()
        .setStartToCloseTimeout(Duration.ofSeconds(30)).build());
  }

  @AfterEach
  void close() {
    env.close();
  }

  @Test
  void heartbeatsEveryReadingUntilOneIsDone() {
    assertThat(stub().await(3)).isEqualTo(new NodesReady(3, 3));
    // the SDK throttles heartbeats (at most one per 80% of the heartbeat timeout): the first
    // reading is sent at once, later ones may be folded
    assertThat(beats).startsWith(new NodesReady(0, 3)).isSubsetOf(new NodesReady(0, 3),
        new NodesReady(1, 3), new NodesReady(2, 3), new NodesReady(3, 3));
    assertThat(activity.given).as("each reading gets the one before").containsExactly(null,
        new NodesReady(0, 3), new NodesReady(1, 3), new NodesReady(2, 3));
  }

  @Test
  void aRetriedAttemptResumesFromTheLastHeartbeat() {
    Wait wait = stub();
    env.setHeartbeatDetails(new NodesReady(2, 3));
    assertThat(wait.await(3)).isEqualTo(new NodesReady(3, 3));
    assertThat(activity.given).containsExactly(new NodesReady(2, 3));
    assertThat(beats).containsExactly(new NodesReady(3, 3));
  }
}
