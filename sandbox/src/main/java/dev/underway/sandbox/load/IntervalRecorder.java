package dev.underway.sandbox.load;

import java.util.concurrent.atomic.LongAdder;
import java.util.function.Consumer;
import org.HdrHistogram.ConcurrentHistogram;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.WriterReaderPhaser;

/**
 * Wait-free recording of operations from many threads, read out interval by interval (the
 * double-buffering of HdrHistogram's {@code Recorder}, extended to the counters that must land in
 * the same interval as the latencies).
 */
final class IntervalRecorder {

  /** What one interval holds; read only after {@link #swap} handed it out. */
  static final class Interval {
    final Histogram readLatency = newHistogram();
    final Histogram writeLatency = newHistogram();
    final LongAdder readsOk = new LongAdder();
    final LongAdder readsFailed = new LongAdder();
    final LongAdder writesOk = new LongAdder();
    final LongAdder writesFailed = new LongAdder();
    final LongAdder missed = new LongAdder();
    final LongAdder retries = new LongAdder();
    final LongAdder readsOnReaderPath = new LongAdder();
    final LongAdder readsStandby = new LongAdder();
    final LongAdder readsPrimary = new LongAdder();
    final LongAdder readsUnknown = new LongAdder();
    final LongAdder readsNotFound = new LongAdder();

    void reset() {
      readLatency.reset();
      writeLatency.reset();
      for (LongAdder a : new LongAdder[] {readsOk, readsFailed, writesOk, writesFailed, missed,
          retries, readsOnReaderPath, readsStandby, readsPrimary, readsUnknown, readsNotFound}) {
        a.reset();
      }
    }
  }

  static Histogram newHistogram() {
    return new ConcurrentHistogram(3);
  }

  private final WriterReaderPhaser phaser = new WriterReaderPhaser();
  private volatile Interval active = new Interval();
  private Interval inactive = new Interval();

  void recordRead(boolean ok, long latencyMicros, ServerRole role, boolean onReaderPath,
      boolean found) {
    record(i -> {
      if (!ok) {
        i.readsFailed.increment();
        return;
      }
      i.readLatency.recordValue(Math.max(1, latencyMicros));
      i.readsOk.increment();
      if (!found) {
        i.readsNotFound.increment();
      }
      switch (role) {
        case STANDBY -> i.readsStandby.increment();
        case PRIMARY -> i.readsPrimary.increment();
        default -> i.readsUnknown.increment();
      }
      if (onReaderPath) {
        i.readsOnReaderPath.increment();
      }
    });
  }

  void recordWrite(boolean ok, long latencyMicros) {
    record(i -> {
      if (ok) {
        i.writeLatency.recordValue(Math.max(1, latencyMicros));
        i.writesOk.increment();
      } else {
        i.writesFailed.increment();
      }
    });
  }

  void recordRetry() {
    record(i -> i.retries.increment());
  }

  void recordMissed() {
    record(i -> i.missed.increment());
  }

  /** Updates the active interval inside the phaser's critical section (wait-free for writers). */
  private void record(Consumer<Interval> update) {
    long c = phaser.writerCriticalSectionEnter();
    try {
      update.accept(active);
    } finally {
      phaser.writerCriticalSectionExit(c);
    }
  }

  /**
   * Ends the current interval and returns it; the returned object is valid until the next call
   * (callers serialise calls and consume it at once).
   */
  synchronized Interval swap() {
    inactive.reset();
    phaser.readerLock();
    try {
      Interval done = active;
      active = inactive;
      inactive = done;
      phaser.flipPhase();
      return done;
    } finally {
      phaser.readerUnlock();
    }
  }
}
