package dev.underway.sandbox.schema;

import dev.underway.guard.GuardState;
import dev.underway.workflows.schema.contract.BackfillProgress;
import dev.underway.sandbox.report.LoadReport;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * Samples, once a second, what the load cannot see: the standbys' replay lag on the primary
 * ({@code pg_stat_replication.replay_lag}, the largest; 0 when every standby has replayed all)
 * and the backfill's rate from the progress it writes to its control row (rows done since the
 * previous sample, per second; 0 done before its first progress). Samples keep their wall-clock time; {@link #gauges} places them
 * on the report's timeline.
 */
final class GaugeSampler implements AutoCloseable {

  static final String LAG = "replica lag";
  static final String RATE = "backfill rate";

  private record Sample(Instant at, Double lagMs, Long rowsDone) {}

  private final FlagsFollower.Connect connect;
  private final Supplier<BackfillProgress> progress;
  private final List<Sample> samples = new ArrayList<>();
  /** How long the backfill's guard sampled its baseline, once its progress said; else null. */
  private Long baselineMillis;
  private ScheduledExecutorService timer;
  private Connection connection;

  /** Told the guard's baseline window once, when the backfill's progress first shows it. */
  @FunctionalInterface
  interface BaselineListener {
    void baseline(Instant from, Instant to);
  }

  private final BaselineListener onBaseline;

  GaugeSampler(FlagsFollower.Connect connect, Supplier<BackfillProgress> progress,
      BaselineListener onBaseline) {
    this.connect = connect;
    this.progress = progress;
    this.onBaseline = onBaseline;
  }

  synchronized void start(Duration every) {
    timer = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "underway-sandbox-gauges");
      t.setDaemon(true);
      return t;
    });
    timer.scheduleAtFixedRate(this::sample, 0, every.toMillis(), TimeUnit.MILLISECONDS);
  }

  synchronized void sample() {
    Double lag = null;
    try {
      if (connection == null || connection.isClosed()) {
        connection = connect.open();
      }
      try (Statement s = connection.createStatement(); ResultSet rs = s.executeQuery(
          "SELECT count(*), coalesce(max(extract(epoch FROM replay_lag)) * 1000, 0)"
              + " FROM pg_stat_replication")) {
        rs.next();
        lag = rs.getLong(1) == 0 ? null : rs.getDouble(2);
      }
    } catch (SQLException e) {
      closeConnection();
    }
    Long rowsDone = null;
    try {
      BackfillProgress p = progress.get();
      rowsDone = p == null ? null : p.rowsDone();
      if (p != null && baselineMillis == null) {
        Instant[] window = baselineWindow(p.guardChanges());
        if (window != null) {
          baselineMillis = Duration.between(window[0], window[1]).toMillis();
          onBaseline.baseline(window[0], window[1]);
        }
      }
    } catch (RuntimeException e) {
      // no control row (before expand, after the contract): no rate
    }
    samples.add(new Sample(Instant.now(), lag, rowsDone));
  }

  /**
   * How long the backfill's latency guard sampled its baseline before the first batch, from its
   * changes of mode (the baseline's {@code since} to the next mode's); null until the progress
   * shows the baseline ended, or when it never had one.
   */
  synchronized Long baselineMillis() {
    return baselineMillis;
  }

  /**
   * The guard's baseline from its changes of mode: from the baseline's {@code since} to the next
   * mode's; null when the changes do not show both.
   */
  static Instant[] baselineWindow(List<GuardState> changes) {
    if (changes == null) {
      return null;
    }
    for (int i = 0; i + 1 < changes.size(); i++) {
      GuardState c = changes.get(i);
      String end = changes.get(i + 1).since();
      if (GuardState.BASELINE.equals(c.mode()) && c.since() != null && end != null) {
        try {
          Instant from = Instant.parse(c.since());
          Instant to = Instant.parse(end);
          return to.isBefore(from) ? null : new Instant[] {from, to};
        } catch (java.time.format.DateTimeParseException e) {
          return null;
        }
      }
    }
    return null;
  }

  /** The samples as the report's gauges, offsets from {@code start}. */
  synchronized List<LoadReport.Gauge> gauges(Instant start) {
    List<LoadReport.GaugePoint> lag = new ArrayList<>();
    List<LoadReport.GaugePoint> rate = new ArrayList<>();
    Sample previous = null;
    long lastDone = 0; // before the backfill wrote any progress, no row was done
    boolean backfilling = false;
    for (Sample s : samples) {
      long offset = Duration.between(start, s.at()).toMillis();
      if (s.lagMs() != null && offset >= 0) {
        lag.add(new LoadReport.GaugePoint(offset, s.lagMs()));
      }
      if (previous != null && offset >= 1_000) {
        double seconds = Duration.between(previous.at(), s.at()).toMillis() / 1000.0;
        if (s.rowsDone() != null && seconds > 0) {
          // the rate over [previous, this], placed at its middle
          rate.add(new LoadReport.GaugePoint(offset - (long) (seconds * 500),
              Math.max(0, s.rowsDone() - lastDone) / seconds));
          backfilling = true;
        } else if (backfilling) {
          rate.add(new LoadReport.GaugePoint(offset, 0));
          backfilling = false;
        }
      }
      if (s.rowsDone() != null) {
        lastDone = s.rowsDone();
      }
      previous = s;
    }
    return List.of(new LoadReport.Gauge(RATE, "rows/s", rate),
        new LoadReport.Gauge(LAG, "ms", lag));
  }

  private void closeConnection() {
    try {
      if (connection != null) {
        connection.close();
      }
    } catch (SQLException ignored) {
      // opened again at the next sample
    }
    connection = null;
  }

  @Override
  public void close() {
    if (timer != null) {
      timer.shutdownNow();
      try {
        timer.awaitTermination(5, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    synchronized (this) {
      closeConnection();
    }
  }
}
