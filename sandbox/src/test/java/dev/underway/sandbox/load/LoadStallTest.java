package dev.underway.sandbox.load;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.underway.sandbox.report.LoadReport;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.Properties;
import org.junit.jupiter.api.Test;

/**
 * A server that accepts TCP connections and never answers (a hung database): operations time out
 * and are counted as failed, the backlog fills and further operations are counted as missed,
 * and stop() still returns.
 */
class LoadStallTest {

  @Test
  void aHungServerShowsUpAsFailedAndMissedOperations() throws Exception {
    try (ServerSocket blackHole = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
      String url = "jdbc:postgresql://127.0.0.1:" + blackHole.getLocalPort()
          + "/postgres?sslmode=disable";
      Properties p = new Properties();
      p.setProperty("user", "nobody");
      p.setProperty("password", "not-a-real-secret");
      // The stall must clearly outlast the pacer's queue (one second of work): with a
      // 1 s timeout, whether the queue overflowed ("missed") was a coin toss.
      p.setProperty("socketTimeout", "3");
      p.setProperty("loginTimeout", "3");
      LoadEndpoints endpoints = LoadEndpoints.writerOnly(url, p);
      LoadOptions options = LoadOptions.of(40, 1, 50)
          .withBackoff(Duration.ofMillis(20), Duration.ofMillis(50));
      LoadReport report;
      try (LoadGenerator gen = new LoadGenerator(endpoints, options)) {
        gen.mark("hung", "");
        gen.start();
        // On a timeout Awaitility prints the last snapshot: what the generator counted.
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200))
            .until(gen::snapshot, s -> s.missed() > 0 && s.failed() > 0);
        gen.stop();
        report = gen.report();
      }
      LoadReport.PhaseReport hung = report.phase("hung").orElseThrow();
      assertThat(hung.all().ok()).isZero();
      assertThat(hung.all().p99Ms()).isNull();
      assertThat(hung.all().failed()).isPositive();
      assertThat(hung.missed()).isPositive();
      assertThat(report.errors()).isNotEmpty()
          .allSatisfy(e -> assertThat(e.message()).doesNotContain("not-a-real-secret"));
      assertThat(report.baselinePhase()).isNull();
      assertThat(report.baseline()).singleElement()
          .satisfies(b -> assertThat(b.opsPerSecondRatio()).isNull());
    }
  }
}
