package dev.underway.sandbox.load;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * Rows of key and value in {@value #TABLE}: writes are {@code INSERT}s, some of them {@code
 * UPDATE}s of recently written rows; reads are point {@code SELECT}s of recent rows. Never a
 * {@code DELETE} or a {@code DROP}.
 */
public final class KeyValueWorkload implements Workload {

  /** The workload's own table. */
  public static final String TABLE = "underway_load";

  static final String CREATE_TABLE = "CREATE TABLE IF NOT EXISTS " + TABLE
      + " (id bigserial PRIMARY KEY, k text NOT NULL, v text NOT NULL,"
      + " at timestamptz NOT NULL DEFAULT now())";
  static final String INSERT =
      "INSERT INTO " + TABLE + " (k, v, at) VALUES (?, ?, now()) RETURNING id";
  static final String UPDATE = "UPDATE " + TABLE + " SET v = ?, at = now() WHERE id = ?";
  static final String SELECT = "SELECT k, v, at FROM " + TABLE + " WHERE id = ?";

  private static final int RECENT_IDS = 1024;

  private final int updatePercentOfWrites;
  private final AtomicLongArray recentIds = new AtomicLongArray(RECENT_IDS);
  private final AtomicLong idsWritten = new AtomicLong();
  private final AtomicLong keySeq = new AtomicLong();

  /** @param updatePercentOfWrites share of the writes that update a recent row (0..100) */
  public KeyValueWorkload(int updatePercentOfWrites) {
    if (updatePercentOfWrites < 0 || updatePercentOfWrites > 100) {
      throw new IllegalArgumentException(
          "updatePercentOfWrites must be in [0, 100]: " + updatePercentOfWrites);
    }
    this.updatePercentOfWrites = updatePercentOfWrites;
  }

  @Override
  public String name() {
    return "key-value";
  }

  @Override
  public List<String> schema() {
    return List.of(CREATE_TABLE);
  }

  @Override
  public Operation write(int thread, ThreadLocalRandom random) {
    String value = Long.toHexString(random.nextLong());
    if (random.nextInt(100) < updatePercentOfWrites && idsWritten.get() > 0) {
      long id = recentId(random);
      return new Operation("update", sql -> {
        PreparedStatement ps = sql.prepare(UPDATE);
        ps.setString(1, value);
        ps.setLong(2, id);
        sql.retrying(ps::executeUpdate);
        return true;
      });
    }
    String key = "k-" + thread + "-" + keySeq.incrementAndGet();
    return new Operation("insert", sql -> {
      PreparedStatement ps = sql.prepare(INSERT);
      ps.setString(1, key);
      ps.setString(2, value);
      long id = sql.retrying(() -> {
        try (ResultSet rs = ps.executeQuery()) {
          return rs.next() ? rs.getLong(1) : -1L;
        }
      });
      if (id >= 0) {
        rememberId(id);
      }
      return true;
    });
  }

  @Override
  public Operation read(ThreadLocalRandom random) {
    long id = recentId(random);
    return new Operation("read", sql -> {
      PreparedStatement ps = sql.prepare(SELECT);
      ps.setLong(1, id);
      return sql.retrying(() -> {
        try (ResultSet rs = ps.executeQuery()) {
          return rs.next();
        }
      });
    });
  }

  private long recentId(ThreadLocalRandom random) {
    long written = idsWritten.get();
    if (written == 0) {
      return 1;
    }
    int span = (int) Math.min(written, RECENT_IDS);
    long index = written - 1 - random.nextInt(span);
    return recentIds.get((int) (index % RECENT_IDS));
  }

  private void rememberId(long id) {
    long index = idsWritten.getAndIncrement();
    recentIds.set((int) (index % RECENT_IDS), id);
  }
}
