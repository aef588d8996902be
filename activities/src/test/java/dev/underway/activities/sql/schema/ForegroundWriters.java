package dev.underway.activities.sql.schema;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;

/**
 * A foreground that writes as an application does, for as long as the test runs: {@code threads}
 * connections, each committing a transaction that updates two random rows of the table (lower
 * key first, as a careful application does) every {@code everyMillis}. It waits on the row locks
 * a backfill batch holds, as a real client would; it counts its transactions and its failures.
 */
final class ForegroundWriters implements AutoCloseable {

  private final AtomicBoolean running = new AtomicBoolean(true);
  private final List<Thread> threads = new ArrayList<>();
  final AtomicLong committed = new AtomicLong();
  final AtomicLong failed = new AtomicLong();
  final AtomicReference<String> lastFailure = new AtomicReference<>();

  ForegroundWriters(SchemaFixture db, String table, int rows, int threadCount, long everyMillis)
      throws SQLException {
    for (int i = 0; i < threadCount; i++) {
      Connection c = db.connect();
      Thread t = new Thread(() -> loop(c, table, rows, everyMillis), "foreground-" + i);
      t.setDaemon(true);
      threads.add(t);
    }
    threads.forEach(Thread::start);
  }

  private void loop(Connection c, String table, int rows, long everyMillis) {
    String sql = "UPDATE " + table + " SET amount = amount + 1 WHERE id = ?";
    long next = System.nanoTime();
    try (c; PreparedStatement ps = c.prepareStatement(sql)) {
      c.setAutoCommit(false);
      while (running.get()) {
        long a = 1 + ThreadLocalRandom.current().nextInt(rows);
        long b = 1 + ThreadLocalRandom.current().nextInt(rows);
        try {
          ps.setLong(1, Math.min(a, b));
          ps.executeUpdate();
          ps.setLong(1, Math.max(a, b));
          ps.executeUpdate();
          c.commit();
          committed.incrementAndGet();
        } catch (SQLException e) {
          failed.incrementAndGet();
          lastFailure.set(e.getSQLState() + " " + e.getMessage());
          c.rollback();
        }
        next += everyMillis * 1_000_000L;
        long wait = next - System.nanoTime();
        if (wait > 0) {
          LockSupport.parkNanos(wait); // the load's own rate, not a wait for a result
        } else {
          next = System.nanoTime();
        }
      }
    } catch (SQLException e) {
      failed.incrementAndGet();
      lastFailure.set(e.getSQLState() + " " + e.getMessage());
    }
  }

  @Override
  public void close() throws InterruptedException {
    running.set(false);
    for (Thread t : threads) {
      t.join(10_000);
    }
  }
}
