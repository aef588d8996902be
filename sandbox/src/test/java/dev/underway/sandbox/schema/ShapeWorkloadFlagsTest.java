package dev.underway.sandbox.schema;

import static org.assertj.core.api.Assertions.assertThat;

import dev.underway.workflows.schema.contract.ChangeObjects;
import dev.underway.sandbox.engine.postgres.LocalPostgresCluster;
import dev.underway.sandbox.load.Workload;
import dev.underway.sandbox.schema.FlagsFollower.Reads;
import dev.underway.sandbox.schema.FlagsFollower.Writes;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The scenario's application follows {@code underway_flags} as the read contract says, against a
 * real PostgreSQL: no flags table or no row means the old shape; {@code both} adds the new column
 * to its writes, {@code reads=new} reads it, an unknown value keeps the previous one, and the
 * flags may flip back. Every operation it chooses runs on the real table.
 */
class ShapeWorkloadFlagsTest {

  private static final ChangeObjects OBJECTS = ChangeObjects.of(CustomersTable.CHANGE);

  @TempDir static Path tmp;
  private static LocalPostgresCluster cluster;

  @BeforeAll
  static void database() throws Exception {
    cluster = LocalPostgresCluster.create(LocalPostgresCluster.Options.in(tmp.resolve("pg")));
    try (Connection c = cluster.openWriter(cluster.database())) {
      CustomersTable.create(c, 100);
    }
  }

  @AfterAll
  static void stop() {
    if (cluster != null) {
      cluster.close();
    }
  }

  @Test
  void followsTheFlagsThroughEveryShapeAndBack() throws Exception {
    try (FlagsFollower flags = new FlagsFollower(
            () -> cluster.openWriter(cluster.database()), OBJECTS, Duration.ofHours(1));
        Connection c = cluster.openWriter(cluster.database())) {
      ShapeWorkload workload = new ShapeWorkload(flags, 100);
      flags.refresh();
      assertThat(flags.writes()).as("no flags table yet").isEqualTo(Writes.OLD);
      assertThat(runWrites(workload, c)).allMatch(n -> n.endsWith("-old"));
      assertThat(runRead(workload, c)).isEqualTo("read-old");

      execute(c, "ALTER TABLE customers ADD COLUMN full_name text");
      execute(c, "CREATE TABLE underway_flags (key text PRIMARY KEY, value text NOT NULL,"
          + " updated_at timestamptz NOT NULL DEFAULT now())");
      flags.refresh();
      assertThat(flags.writes()).as("no row: old shape").isEqualTo(Writes.OLD);
      assertThat(flags.reads()).isEqualTo(Reads.OLD);

      setFlag(c, OBJECTS.writesFlag(), "both");
      setFlag(c, OBJECTS.readsFlag(), "old");
      flags.refresh();
      assertThat(flags.writes()).isEqualTo(Writes.BOTH);
      assertThat(runWrites(workload, c)).allMatch(n -> n.endsWith("-both"));
      assertThat(count(c, "full_name IS NOT NULL AND full_name = " + CustomersTable.UP))
          .as("both-shape writes set full_name").isPositive();
      assertThat(runRead(workload, c)).isEqualTo("read-old");

      setFlag(c, OBJECTS.readsFlag(), "new");
      flags.refresh();
      assertThat(runRead(workload, c)).isEqualTo("read-new");

      setFlag(c, OBJECTS.readsFlag(), "sideways");
      setFlag(c, OBJECTS.writesFlag(), "bogus");
      flags.refresh();
      assertThat(flags.reads()).as("an unknown value keeps the previous").isEqualTo(Reads.NEW);
      assertThat(flags.writes()).isEqualTo(Writes.BOTH);

      setFlag(c, OBJECTS.readsFlag(), "old");
      flags.refresh();
      assertThat(runRead(workload, c)).as("the killswitch flips reads back").isEqualTo("read-old");

      setFlag(c, OBJECTS.writesFlag(), "new");
      flags.refresh();
      assertThat(runWrites(workload, c)).allMatch(n -> n.endsWith("-new"));

      execute(c, "DELETE FROM underway_flags");
      flags.refresh();
      assertThat(flags.writes()).as("rows gone: old shape").isEqualTo(Writes.OLD);
      assertThat(flags.reads()).isEqualTo(Reads.OLD);

      assertThat(workload.operations()).containsKeys("read-old", "read-new")
          .allSatisfy((name, n) -> assertThat(n).isPositive());
      assertThat(workload.operations().keySet()).anyMatch(n -> n.endsWith("-old"))
          .anyMatch(n -> n.endsWith("-both")).anyMatch(n -> n.endsWith("-new"));
    }
  }

  /** Twenty writes chosen by the workload, run on the real table; their names. */
  private static java.util.List<String> runWrites(ShapeWorkload w, Connection c)
      throws SQLException {
    java.util.List<String> names = new java.util.ArrayList<>();
    for (int i = 0; i < 20; i++) {
      Workload.Operation op = w.write(0, ThreadLocalRandom.current());
      op.body().run(sql(c));
      names.add(op.name());
    }
    return names;
  }

  private static String runRead(ShapeWorkload w, Connection c) throws SQLException {
    Workload.Operation op = w.read(ThreadLocalRandom.current());
    assertThat(op.body().run(sql(c))).as("the row is found").isTrue();
    return op.name();
  }

  private static Workload.Sql sql(Connection c) {
    return new Workload.Sql() {
      @Override
      public PreparedStatement prepare(String statement) throws SQLException {
        return c.prepareStatement(statement);
      }

      @Override
      public <T> T retrying(Workload.Attempt<T> statement) throws SQLException {
        return statement.run();
      }

      @Override
      public <T> T transaction(Workload.Attempt<T> body) throws SQLException {
        return dev.underway.sandbox.load.LoadGenerator.inTransaction(c, body);
      }
    };
  }

  private static void setFlag(Connection c, String key, String value) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement("INSERT INTO underway_flags (key, value)"
        + " VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value")) {
      ps.setString(1, key);
      ps.setString(2, value);
      ps.executeUpdate();
    }
  }

  private static long count(Connection c, String where) throws SQLException {
    try (Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT count(*) FROM customers WHERE " + where)) {
      rs.next();
      return rs.getLong(1);
    }
  }

  private static void execute(Connection c, String sql) throws SQLException {
    try (Statement s = c.createStatement()) {
      s.execute(sql);
    }
  }
}
