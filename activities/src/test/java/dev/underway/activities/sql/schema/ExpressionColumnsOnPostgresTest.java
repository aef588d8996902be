package dev.underway.activities.sql.schema;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The columns an expression reads, as PostgreSQL resolves them: functions, casts and literals are
 * not columns, a name used twice counts once, and nothing is left in the catalogue afterwards
 * (with or without a transaction open).
 */
class ExpressionColumnsOnPostgresTest {

  @RegisterExtension static final PostgresDatabase db = new PostgresDatabase("columns");

  @BeforeAll
  static void start() throws Exception {
    db.sql("CREATE TABLE people (id bigint PRIMARY KEY, first_name text, last_name text,"
        + " name text, age int, note text)");
  }

  @Test
  void onlyTheColumnsTheExpressionsReadInTheTablesOrder() throws Exception {
    try (Connection c = db.connect()) {
      long oid = TableObserver.oid(c, new TableName("public", "people"));
      List<String> read = ExpressionColumns.of(c, new TableName("public", "people"), oid,
          List.of("concat_ws(' ', last_name, first_name)", "split_part(last_name, ' ', 1)",
              "age::bigint + length('note')"));
      assertThat(read).containsExactly("first_name", "last_name", "age");
      assertThat(c.getAutoCommit()).isTrue();
    }
    assertThat(db.count("SELECT count(*) FROM pg_class WHERE relname = 'underway_columns_probe'"))
        .isZero();
  }

  @Test
  void insideATransactionItRollsBackOnlyItsOwnSavepoint() throws Exception {
    try (Connection c = db.connect()) {
      c.setAutoCommit(false);
      try (var s = c.createStatement()) {
        s.execute("CREATE TEMP TABLE kept (x int)");
      }
      long oid = TableObserver.oid(c, new TableName("public", "people"));
      assertThat(ExpressionColumns.of(c, new TableName("public", "people"), oid,
          List.of("name"))).containsExactly("name");
      try (var s = c.createStatement(); var rs = s.executeQuery(
          "SELECT count(*) FROM pg_class WHERE relname IN ('kept', 'underway_columns_probe')")) {
        rs.next();
        assertThat(rs.getInt(1)).as("the caller's table stays, the probe view is gone")
            .isEqualTo(1);
      }
      c.rollback();
    }
  }

  @Test
  void anExpressionThatDoesNotResolveRaisesTheServersError() throws Exception {
    try (Connection c = db.connect()) {
      long oid = TableObserver.oid(c, new TableName("public", "people"));
      assertThatThrownBy(() -> ExpressionColumns.of(c, new TableName("public", "people"), oid,
          List.of("no_such_column + 1")))
          .isInstanceOf(SQLException.class)
          .hasMessageContaining("no_such_column");
      assertThat(c.getAutoCommit()).isTrue();
    }
  }
}
