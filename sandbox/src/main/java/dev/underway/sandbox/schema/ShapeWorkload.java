package dev.underway.sandbox.schema;

import dev.underway.sandbox.load.Workload;
import dev.underway.sandbox.schema.FlagsFollower.Reads;
import dev.underway.sandbox.schema.FlagsFollower.Writes;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * The application of the schema-change scenario, on {@link CustomersTable}: it follows the flags
 * ({@link FlagsFollower}) as an application would. Writes (four in five update a random row,
 * one inserts a new one) set {@code first_name, last_name} in the old shape, and also {@code
 * full_name} (as the application computes it) once writes are {@code both} and when they are
 * {@code new} (an added column keeps the old ones: the new shape is all three, and after the
 * contract no trigger fills {@code full_name} for it). Reads are point reads of the names, or of
 * {@code full_name} once reads are {@code new}. The shape is chosen per operation, so the flags
 * may flip at any moment. Successful operations are counted per name ({@code update-old}, {@code
 * read-new}, ...).
 */
public final class ShapeWorkload implements Workload {

  static final String UPDATE_OLD =
      "UPDATE " + CustomersTable.TABLE + " SET first_name = ?, last_name = ? WHERE id = ?";
  static final String UPDATE_NEW = "UPDATE " + CustomersTable.TABLE
      + " SET first_name = ?, last_name = ?, full_name = ? WHERE id = ?";
  static final String INSERT_OLD = "INSERT INTO " + CustomersTable.TABLE
      + " (id, first_name, last_name) VALUES (?, ?, ?)";
  static final String INSERT_NEW = "INSERT INTO " + CustomersTable.TABLE
      + " (id, first_name, last_name, full_name) VALUES (?, ?, ?, ?)";
  static final String READ_OLD =
      "SELECT first_name, last_name FROM " + CustomersTable.TABLE + " WHERE id = ?";
  static final String READ_NEW =
      "SELECT full_name FROM " + CustomersTable.TABLE + " WHERE id = ?";

  private final FlagsFollower flags;
  private final long seededRows;
  private final AtomicLong nextId;
  private final Map<String, LongAdder> done = new ConcurrentHashMap<>();

  /** {@code seededRows}: ids 1 to it exist; inserts take the ids after it. */
  public ShapeWorkload(FlagsFollower flags, long seededRows) {
    this.flags = flags;
    this.seededRows = seededRows;
    this.nextId = new AtomicLong(seededRows);
  }

  @Override
  public String name() {
    return "schema-change application";
  }

  @Override
  public List<String> schema() {
    return List.of(); // the scenario creates and fills the table before the load starts
  }

  @Override
  public Operation write(int thread, ThreadLocalRandom random) {
    Writes shape = flags.writes();
    String suffix = "-" + shape.name().toLowerCase(java.util.Locale.ROOT);
    String first = "f" + Long.toHexString(random.nextLong());
    String last = "l" + Long.toHexString(random.nextLong());
    String full = first + " " + last;
    boolean newColumn = shape != Writes.OLD;
    if (random.nextInt(5) == 0) {
      long id = nextId.incrementAndGet();
      return counted("insert" + suffix, sql -> {
        PreparedStatement ps = sql.prepare(newColumn ? INSERT_NEW : INSERT_OLD);
        ps.setLong(1, id);
        ps.setString(2, first);
        ps.setString(3, last);
        if (newColumn) {
          ps.setString(4, full);
        }
        sql.retrying(ps::executeUpdate);
        return true;
      });
    }
    long id = 1 + random.nextLong(seededRows);
    return counted("update" + suffix, sql -> {
      PreparedStatement ps = sql.prepare(newColumn ? UPDATE_NEW : UPDATE_OLD);
      ps.setString(1, first);
      ps.setString(2, last);
      if (newColumn) {
        ps.setString(3, full);
      }
      ps.setLong(newColumn ? 4 : 3, id);
      sql.retrying(ps::executeUpdate);
      return true;
    });
  }

  @Override
  public Operation read(ThreadLocalRandom random) {
    boolean newShape = flags.reads() == Reads.NEW;
    long id = 1 + random.nextLong(seededRows);
    return counted(newShape ? "read-new" : "read-old", sql -> {
      PreparedStatement ps = sql.prepare(newShape ? READ_NEW : READ_OLD);
      ps.setLong(1, id);
      return sql.retrying(() -> {
        try (ResultSet rs = ps.executeQuery()) {
          return rs.next();
        }
      });
    });
  }

  private Operation counted(String name, Body body) {
    return new Operation(name, sql -> {
      boolean found = body.run(sql);
      done.computeIfAbsent(name, n -> new LongAdder()).increment();
      return found;
    });
  }

  /** Successful operations per name so far, e.g. {@code update-both=1234}. */
  public Map<String, Long> operations() {
    Map<String, Long> m = new TreeMap<>();
    done.forEach((k, v) -> m.put(k, v.sum()));
    return m;
  }
}
