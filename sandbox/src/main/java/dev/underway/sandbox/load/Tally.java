package dev.underway.sandbox.load;

import dev.underway.sandbox.report.LoadReport.OperationStats;
import org.HdrHistogram.Histogram;

/** Mutable sums of intervals (single-threaded: used under the aggregator's lock). */
final class Tally {
  final Histogram reads = newHistogram();
  final Histogram writes = newHistogram();
  long readsOk;
  long readsFailed;
  long writesOk;
  long writesFailed;
  long missed;
  long retries;
  long readsOnReaderPath;
  long readsStandby;
  long readsPrimary;
  long readsUnknown;
  long readsNotFound;

  private static Histogram newHistogram() {
    Histogram h = new Histogram(3);
    h.setAutoResize(true);
    return h;
  }

  void add(IntervalRecorder.Interval i) {
    reads.add(i.readLatency);
    writes.add(i.writeLatency);
    readsOk += i.readsOk.sum();
    readsFailed += i.readsFailed.sum();
    writesOk += i.writesOk.sum();
    writesFailed += i.writesFailed.sum();
    missed += i.missed.sum();
    retries += i.retries.sum();
    readsOnReaderPath += i.readsOnReaderPath.sum();
    readsStandby += i.readsStandby.sum();
    readsPrimary += i.readsPrimary.sum();
    readsUnknown += i.readsUnknown.sum();
    readsNotFound += i.readsNotFound.sum();
  }

  void add(Tally t) {
    reads.add(t.reads);
    writes.add(t.writes);
    readsOk += t.readsOk;
    readsFailed += t.readsFailed;
    writesOk += t.writesOk;
    writesFailed += t.writesFailed;
    missed += t.missed;
    retries += t.retries;
    readsOnReaderPath += t.readsOnReaderPath;
    readsStandby += t.readsStandby;
    readsPrimary += t.readsPrimary;
    readsUnknown += t.readsUnknown;
    readsNotFound += t.readsNotFound;
  }

  long ok() {
    return readsOk + writesOk;
  }

  long failed() {
    return readsFailed + writesFailed;
  }

  Histogram all() {
    Histogram h = reads.copy();
    h.add(writes);
    return h;
  }

  OperationStats allStats() {
    return stats(all(), ok(), failed());
  }

  OperationStats readStats() {
    return stats(reads, readsOk, readsFailed);
  }

  OperationStats writeStats() {
    return stats(writes, writesOk, writesFailed);
  }

  static OperationStats stats(Histogram h, long ok, long failed) {
    if (h.getTotalCount() == 0) {
      return new OperationStats(ok, failed, null, null, null);
    }
    return new OperationStats(ok, failed,
        ms(h.getValueAtPercentile(50)), ms(h.getValueAtPercentile(99)), ms(h.getMaxValue()));
  }

  /** Microseconds to milliseconds, rounded to the microsecond. */
  static double ms(long micros) {
    return micros / 1000.0;
  }
}
