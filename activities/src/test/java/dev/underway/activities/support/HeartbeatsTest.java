package dev.underway.activities.support;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.temporal.activity.ActivityInterface;
import io.temporal.activity.ActivityMethod;
import io.temporal.activity.ActivityOptions;
import io.temporal.failure.CanceledFailure;
import io.temporal.testing.TestActivityEnvironment;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** A long change step heartbeats its progress while it runs, and a cancellation stops it. */
class HeartbeatsTest {

  @ActivityInterface
  public interface Copy {
    @ActivityMethod(name = "Test.Copy")
    String copy(int chunks);
  }

  /** Copies "chunks", each taking a while, reporting progress; never heartbeats itself. */
  static final class SlowCopy implements Copy {
    final CountDownLatch release = new CountDownLatch(1);
    final AtomicBoolean interrupted = new AtomicBoolean();

    @Override
    public String copy(int chunks) {
      try {
        return Heartbeats.during("starting", beat -> {
          for (int i = 1; i <= chunks; i++) {
            try {
              release.await(200, TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
              interrupted.set(true);
              throw e;
            }
            beat.report(i + " of " + chunks + " copied");
          }
          return "copied " + chunks;
        });
      } catch (RuntimeException e) {
        throw e;
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
    }
  }

  private final TestActivityEnvironment env = TestActivityEnvironment.newInstance();

  @AfterEach
  void close() {
    env.close();
  }

  @Test
  void progressIsHeartbeatWhileTheWorkRuns() {
    List<String> beats = new CopyOnWriteArrayList<>();
    env.setActivityHeartbeatListener(String.class, beats::add);
    env.registerActivitiesImplementations(new SlowCopy());
    Copy copy = env.newActivityStub(Copy.class, ActivityOptions.newBuilder()
        .setStartToCloseTimeout(Duration.ofMinutes(1))
        .setHeartbeatTimeout(Duration.ofSeconds(1)).build());

    assertThat(copy.copy(10)).isEqualTo("copied 10");
    assertThat(beats).as("a heartbeat at least every third of the timeout: ~2 s of work")
        .hasSizeGreaterThanOrEqualTo(3).contains("starting")
        .anyMatch(b -> b.matches("[0-9]+ of 10 copied"));
  }

  @Test
  void aCancellationInterruptsTheWork() throws Exception {
    SlowCopy impl = new SlowCopy();
    env.registerActivitiesImplementations(impl);
    Copy copy = env.newActivityStub(Copy.class, ActivityOptions.newBuilder()
        .setStartToCloseTimeout(Duration.ofMinutes(1))
        .setHeartbeatTimeout(Duration.ofSeconds(1)).build());
    env.requestCancelActivity();
    assertThatThrownBy(() -> copy.copy(1000)).isInstanceOf(CanceledFailure.class);
    await().atMost(Duration.ofSeconds(10)).untilTrue(impl.interrupted);
    assertThat(Thread.currentThread().isInterrupted()).isFalse();
  }

  @Test
  void outsideAnActivityTheWorkJustRuns() throws Exception {
    Integer answer = Heartbeats.during("x", beat -> {
      beat.report("y");
      return 42;
    });
    assertThat(answer).isEqualTo(42);
  }
}
