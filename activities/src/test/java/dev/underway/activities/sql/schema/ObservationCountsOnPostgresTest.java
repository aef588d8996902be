package dev.underway.activities.sql.schema;

import static org.assertj.core.api.Assertions.assertThat;

import dev.underway.workflows.schema.contract.TableChange;
import dev.underway.workflows.schema.contract.TableObservation;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * An observation reads the whole table only when counting is cheap: the exact row count and the
 * rows per version are left out of a table above the threshold, as the server's own statistics
 * ({@code pg_stat_user_tables.seq_tup_read}) show.
 */
class ObservationCountsOnPostgresTest {

  private static final int ROWS = 5_000;

  @RegisterExtension static final PostgresDatabase db = new PostgresDatabase("counts");

  @BeforeAll
  static void start() throws Exception {
    db.sql("CREATE TABLE versioned (id int PRIMARY KEY, first_name text, last_name text,"
            + " schema_version int)",
        "INSERT INTO versioned SELECT g, 'f' || g, 'l' || g, g % 2 + 1"
            + " FROM generate_series(1, " + ROWS + ") g",
        "ANALYZE versioned");
  }

  @Test
  void rowsPerVersionAreCountedOnlyWhenCountingIsCheap() throws Exception {
    TableChange base = SchemaFixture.computed("versioned");
    ChangeSpec spec = ChangeSpec.of(new TableChange(null, "versioned", null, base.kind(),
        base.add(), base.replace(), "schema_version", 2, null));
    try (Connection c = db.connect()) {
      long before = rowsReadByScans(c);
      TableObservation big = new TableObserver(ROWS / 10, Duration.ofSeconds(5))
          .observe(c, spec);
      long between = rowsReadByScans(c);
      TableObservation small = new TableObserver().observe(c, spec);
      long after = rowsReadByScans(c);

      assertThat(big.rowsExact()).isNull();
      assertThat(big.versions()).as("too big to count at every observation").isNull();
      assertThat(between - before).as("only the expression probe's few rows were read")
          .isLessThan(ROWS);
      assertThat(small.rowsExact()).isEqualTo(ROWS);
      assertThat(small.versions()).isEqualTo(Map.of(1, (long) ROWS / 2, 2, (long) ROWS / 2));
      assertThat(after - between).as("the count and the rows per version read every row")
          .isGreaterThanOrEqualTo(2L * ROWS);
    }
  }

  /** The rows sequential scans of the table have read, this backend's included. */
  private static long rowsReadByScans(Connection c) throws SQLException {
    TableObserver.scalar(c, "SELECT pg_stat_force_next_flush()");
    return Long.parseLong(TableObserver.scalar(c, "SELECT seq_tup_read FROM pg_stat_user_tables"
        + " WHERE relname = 'versioned'"));
  }
}
