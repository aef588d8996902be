package dev.underway.sandbox.load;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.LongAdder;

/**
 * Write transactions that touch several rows, as pgbench's TPC-B-like script does: in one
 * transaction an account's balance changes by a random delta, the account is read back, the same
 * delta goes to a teller and to the account's branch, and a history row records it. Row locks
 * are held from the first update to the commit, so transactions wait on each other (most on a
 * branch's row) and on anything else that holds those rows. Reads are point reads of an
 * account's balance (pgbench's select-only script).
 *
 * <p>Its tables ({@value #BRANCHES}, {@value #TELLERS}, {@value #ACCOUNTS}, {@value #HISTORY})
 * are small and made by {@link #create} before the load starts; every balance starts at 0, so at
 * any moment the branches' balances, the tellers', the accounts' and the history's deltas have
 * the same sum.
 */
public final class TpcbWorkload implements Workload {

  public static final String BRANCHES = "tpcb_branches";
  public static final String TELLERS = "tpcb_tellers";
  public static final String ACCOUNTS = "tpcb_accounts";
  public static final String HISTORY = "tpcb_history";

  /** Tellers per branch, as in pgbench. */
  public static final int TELLERS_PER_BRANCH = 10;

  static final String UPDATE_ACCOUNT =
      "UPDATE " + ACCOUNTS + " SET abalance = abalance + ? WHERE aid = ?";
  static final String SELECT_ACCOUNT = "SELECT abalance FROM " + ACCOUNTS + " WHERE aid = ?";
  static final String UPDATE_TELLER =
      "UPDATE " + TELLERS + " SET tbalance = tbalance + ? WHERE tid = ?";
  static final String UPDATE_BRANCH =
      "UPDATE " + BRANCHES + " SET bbalance = bbalance + ? WHERE bid = ?";
  static final String INSERT_HISTORY = "INSERT INTO " + HISTORY
      + " (tid, bid, aid, delta, mtime) VALUES (?, ?, ?, ?, now())";

  private final int branches;
  private final int accountsPerBranch;
  private final LongAdder committed = new LongAdder();

  /** Over tables {@link #create created} with the same sizes. */
  public TpcbWorkload(int branches, int accountsPerBranch) {
    if (branches < 1 || accountsPerBranch < 1) {
      throw new IllegalArgumentException("branches and accounts per branch must be positive: "
          + branches + ", " + accountsPerBranch);
    }
    this.branches = branches;
    this.accountsPerBranch = accountsPerBranch;
  }

  /** Creates and fills the four tables (every balance 0), analyzed. Not idempotent. */
  public static void create(Connection c, int branches, int accountsPerBranch)
      throws SQLException {
    try (Statement s = c.createStatement()) {
      s.execute("CREATE TABLE " + BRANCHES + " (bid int PRIMARY KEY, bbalance bigint NOT NULL)");
      s.execute("CREATE TABLE " + TELLERS + " (tid int PRIMARY KEY, bid int NOT NULL,"
          + " tbalance bigint NOT NULL)");
      s.execute("CREATE TABLE " + ACCOUNTS + " (aid int PRIMARY KEY, bid int NOT NULL,"
          + " abalance bigint NOT NULL, filler char(84))");
      s.execute("CREATE TABLE " + HISTORY + " (tid int, bid int, aid int, delta int,"
          + " mtime timestamptz, filler char(22))");
      s.execute("INSERT INTO " + BRANCHES + " SELECT g, 0 FROM generate_series(1, " + branches
          + ") g");
      s.execute("INSERT INTO " + TELLERS + " SELECT g, (g - 1) / " + TELLERS_PER_BRANCH
          + " + 1, 0 FROM generate_series(1, " + branches * TELLERS_PER_BRANCH + ") g");
      s.execute("INSERT INTO " + ACCOUNTS + " SELECT g, (g - 1) / " + accountsPerBranch
          + " + 1, 0, '' FROM generate_series(1, " + (long) branches * accountsPerBranch
          + ") g");
      s.execute("ANALYZE " + BRANCHES + ", " + TELLERS + ", " + ACCOUNTS);
    }
  }

  @Override
  public String name() {
    return "tpcb-like";
  }

  @Override
  public List<String> schema() {
    return List.of(); // the scenario creates and fills the tables before the load starts
  }

  @Override
  public Operation write(int thread, ThreadLocalRandom random) {
    int aid = 1 + random.nextInt(branches * accountsPerBranch);
    int tid = 1 + random.nextInt(branches * TELLERS_PER_BRANCH);
    int bid = 1 + random.nextInt(branches);
    int delta = random.nextInt(-5000, 5001);
    return new Operation("tpcb", sql -> {
      sql.transaction(() -> {
        PreparedStatement account = sql.prepare(UPDATE_ACCOUNT);
        account.setInt(1, delta);
        account.setInt(2, aid);
        account.executeUpdate();
        PreparedStatement read = sql.prepare(SELECT_ACCOUNT);
        read.setInt(1, aid);
        try (ResultSet rs = read.executeQuery()) {
          rs.next();
        }
        PreparedStatement teller = sql.prepare(UPDATE_TELLER);
        teller.setInt(1, delta);
        teller.setInt(2, tid);
        teller.executeUpdate();
        PreparedStatement branch = sql.prepare(UPDATE_BRANCH);
        branch.setInt(1, delta);
        branch.setInt(2, bid);
        branch.executeUpdate();
        PreparedStatement history = sql.prepare(INSERT_HISTORY);
        history.setInt(1, tid);
        history.setInt(2, bid);
        history.setInt(3, aid);
        history.setInt(4, delta);
        history.executeUpdate();
        return null;
      });
      committed.increment();
      return true;
    });
  }

  @Override
  public Operation read(ThreadLocalRandom random) {
    int aid = 1 + random.nextInt(branches * accountsPerBranch);
    return new Operation("tpcb-read", sql -> {
      PreparedStatement ps = sql.prepare(SELECT_ACCOUNT);
      ps.setInt(1, aid);
      return sql.retrying(() -> {
        try (ResultSet rs = ps.executeQuery()) {
          return rs.next();
        }
      });
    });
  }

  /** Transactions committed so far. */
  public long committed() {
    return committed.sum();
  }
}
