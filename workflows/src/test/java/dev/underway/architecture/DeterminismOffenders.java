package dev.underway.architecture;

import io.temporal.activity.Activity;
import io.temporal.client.WorkflowClient;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.util.ArrayList;
import java.util.Date;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.SplittableRandom;
import java.util.Timer;
import java.util.TimerTask;
import java.util.function.Supplier;

/**
 * Small classes that each do one thing workflow code must not do. {@link
 * WorkflowDeterminismTest} checks that its rules flag every one of them (and nothing in {@link
 * DeterministicExample}). Never used anywhere else.
 */
@SuppressWarnings("unused")
final class DeterminismOffenders {
  private DeterminismOffenders() {}

  static class ReadsAFile {
    long size() throws IOException {
      return Files.size(Path.of("/"));
    }
  }

  static class StartsAThread {
    void run() {
      new Thread(() -> { }).start();
    }
  }

  static class ReadsTheSystemClock {
    long now() {
      return System.currentTimeMillis();
    }
  }

  static class ReadsInstantNow {
    Instant now() {
      return Instant.now();
    }
  }

  static class ReadsLocalDateNow {
    LocalDate today() {
      return LocalDate.now();
    }
  }

  static class ReadsLocalTimeNow {
    LocalTime now() {
      return LocalTime.now();
    }
  }

  /** A method reference is no call, but reads the clock all the same when it is used. */
  static class ReadsTheClockThroughAMethodReference {
    Supplier<LocalDateTime> clock() {
      return LocalDateTime::now;
    }
  }

  static class CreatesADateOfNow {
    Date now() {
      return new Date();
    }
  }

  static class UsesSplittableRandom {
    int roll() {
      return new SplittableRandom().nextInt(6);
    }
  }

  static class CreatesATimer {
    Timer timer() {
      return new Timer(true);
    }
  }

  static class ExtendsTimerTask extends TimerTask {
    @Override
    public void run() { }
  }

  static class KeepsAThreadLocal {
    final ThreadLocal<String> user = new ThreadLocal<>();
  }

  static class ReadsTheWholeEnvironment {
    Map<String, String> environment() {
      return System.getenv();
    }
  }

  static class ReadsAllSystemProperties {
    Properties properties() {
      return System.getProperties();
    }
  }

  static class ReadsAnIntegerSystemProperty {
    Integer retries() {
      return Integer.getInteger("underway.retries");
    }
  }

  static class CallsAWorkflowClient {
    Object stub(WorkflowClient client) {
      return client.newUntypedWorkflowStub("cluster-evolution-x-y");
    }
  }

  static class CallsTheActivityApi {
    void beat() {
      Activity.getExecutionContext().heartbeat("progress");
    }
  }

  static class HasStaticMutableState {
    static int counter;
  }

  static class HasAStaticFinalArrayList {
    static final List<String> SEEN = new ArrayList<>();
  }

  static class HasAStaticFinalHashMap {
    static final Map<String, Integer> COUNTS = new HashMap<>();
  }

  static class HasAStaticFinalArray {
    static final String[] NAMES = {"phase-0"};
  }

  static class DependsOnALibraryBeyondTheSdk {
    Object mapper() {
      return new com.fasterxml.jackson.databind.ObjectMapper();
    }
  }
}
