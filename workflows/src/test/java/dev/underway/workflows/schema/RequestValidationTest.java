package dev.underway.workflows.schema;

import static dev.underway.workflows.schema.SchemaTestSupport.example;
import static org.assertj.core.api.Assertions.assertThat;

import dev.underway.workflows.schema.contract.ChangeKind;
import dev.underway.workflows.schema.contract.NewColumn;
import dev.underway.workflows.schema.contract.OldColumn;
import dev.underway.workflows.schema.contract.TableChange;
import dev.underway.targets.LocalEngine;
import dev.underway.targets.PostgresServer;
import dev.underway.workflows.evolution.Requests;
import java.util.Map;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

class RequestValidationTest {

  @ParameterizedTest
  @ValueSource(strings = {"split-name", "bigint-amount", "full-name", "plan"})
  void everyExampleIsValid(String name) {
    assertThat(RequestValidation.problems(example(name))).isEmpty();
  }

  @Test
  void everyProblemIsReportedAtOnce() throws Exception {
    SchemaChangeRequest r = Requests.TEMPORAL_JSON.readValue("""
        {"target": {"sqlHost": "db", "database": "Shop", "statefulSet": "x", "sslMode": "tls"},
         "change": {"table": "orders", "kind": "CHANGE_TYPE", "colour": "red",
                    "add": [{"name": "amount", "type": "bigint", "up": "amount::bigint; drop table x"}],
                    "replace": [{"name": "amount", "down": "1 -- no"}]},
         "batchSize": 1.5, "soak": "P30D", "latencyProbe": "select 1", "typo": true,
         "latencyRatio": "fast"}
        """, SchemaChangeRequest.class);
    assertThat(RequestValidation.problems(r)).containsExactlyInAnyOrder(
        "request.batchSize is 1.5: it must be a whole number (it is never rounded)",
        "request has unknown field(s) [typo]: check the spelling (see runbooks/schema-change.md"
            + " for the fields)",
        "target has unknown field(s) [statefulSet]: check the spelling (see"
            + " runbooks/schema-change.md for the fields)",
        "target.sqlPort is missing: PostgreSQL's is usually 5432",
        "target.sslMode 'tls' is not one of [allow, disable, prefer, require, verify-ca,"
            + " verify-full]",
        "target.database 'Shop' is not a SQL database name",
        "change has unknown field(s) [colour]: check the spelling (see"
            + " runbooks/schema-change.md for the fields)",
        "change.add[0].up holds ';', '--' or '/*': give one SQL expression, no statements or"
            + " comments",
        "change.replace[0].down holds ';', '--' or '/*': give one SQL expression, no statements"
            + " or comments",
        "change.replace[0].name 'amount' is also a new column or named twice",
        "soak P30D must be more than zero and at most PT168H",
        "latencyRatio is \"fast\": it must be a number above 1.0 (the baseline itself) and at"
            + " most 10, e.g. 1.25 (the default) or 1.5");
  }

  @Test
  void theLatencyGuardTakesARatioOrAnAbsoluteBudgetNotBoth() throws Exception {
    assertThat(RequestValidation.problems(guard("\"latencyRatio\": 1.5"))).isEmpty();
    assertThat(RequestValidation.problems(guard("\"latencyRatio\": \"1.5\""))).isEmpty();
    assertThat(RequestValidation.problems(guard("\"latencyRatio\": 10"))).isEmpty();
    assertThat(RequestValidation.problems(guard("\"latencyBudget\": \"PT0.05S\""))).isEmpty();
    assertThat(RequestValidation.problems(guard("\"latencyProbe\": \"SELECT * FROM orders"
        + " WHERE id = 1\"")))
        .as("a probe without a budget: the ratio (default 1.25) judges it").isEmpty();
    assertThat(RequestValidation.problems(guard("\"latencyRatio\": 1.0")))
        .containsExactly("latencyRatio 1.0 is out of range: it must be a number above 1.0 (the"
            + " baseline itself) and at most 10, e.g. 1.25 (the default) or 1.5");
    assertThat(RequestValidation.problems(guard("\"latencyRatio\": 10.5")))
        .singleElement().asString().startsWith("latencyRatio 10.5 is out of range");
    assertThat(RequestValidation.problems(guard("\"latencyRatio\": -2")))
        .singleElement().asString().startsWith("latencyRatio -2.0 is out of range");
    assertThat(RequestValidation.problems(guard("\"latencyRatio\": 1.5, \"latencyBudget\":"
        + " \"PT0.05S\""))).containsExactly("latencyRatio and latencyBudget are both given:"
            + " give one; latencyRatio holds the foreground's p99 under a multiple of its own"
            + " baseline, latencyBudget under an absolute time");
    assertThat(RequestValidation.problems(guard("\"latencyGuard\": \"off\"")))
        .as("no request turns the guard off").singleElement().asString()
        .startsWith("request has unknown field(s) [latencyGuard]");
  }

  @Test
  void runsRecordedBeforeTheGuardValidateAsTheyRan() throws Exception {
    assertThat(RequestValidation.problems(guard("\"latencyProbe\": \"SELECT 1\""), true,
        false)).containsExactly("latencyProbe is given without latencyBudget: say how long the"
            + " probe may take");
    assertThat(RequestValidation.problems(guard("\"latencyRatio\": 1.5"), true, false))
        .containsExactly("latencyRatio is not known to runs started before the latency guard");
  }

  @Test
  void theRequestsGuardSettings() throws Exception {
    assertThat(guard("").guardSettings()).isEqualTo(dev.underway.guard.GuardSettings.defaults());
    assertThat(guard("\"latencyRatio\": 1.5, \"latencyProbe\": \"SELECT 1\"")
        .guardSettings()).isEqualTo(new dev.underway.guard.GuardSettings(1.5, null, null,
            "SELECT 1", null, null, null));
    assertThat(guard("\"latencyBudget\": \"PT0.05S\"").guardSettings().budgetMillis())
        .isEqualTo(50L);
    assertThat(guard("\"latencyBudget\": \"PT0.05S\"").guardSettings().ratio()).isNull();
  }

  /** The example split-name (no latency field) with {@code fields} added. */
  private static SchemaChangeRequest guard(String fields) throws Exception {
    String json = Requests.TEMPORAL_JSON.writeValueAsString(example("split-name"));
    return Requests.TEMPORAL_JSON.readValue(fields.isEmpty() ? json
        : json.substring(0, json.lastIndexOf('}')) + ", " + fields + "}",
        SchemaChangeRequest.class);
  }

  @Test
  void eachKindHasItsShape() {
    NewColumn a = new NewColumn("a", "text", "x");
    NewColumn b = new NewColumn("b", "text", "x");
    OldColumn x = new OldColumn("x", null);
    assertThat(problems(ChangeKind.ADD_COLUMN, List.of(a, b), List.of(x))).containsExactly(
        "change.kind ADD_COLUMN adds one column; change.add has 2",
        "change.kind ADD_COLUMN replaces nothing: leave change.replace out");
    assertThat(problems(ChangeKind.SPLIT_COLUMN, List.of(a), List.of(x))).containsExactly(
        "change.kind SPLIT_COLUMN adds two or more columns and replaces one; change.add has 1,"
            + " change.replace 1");
    assertThat(problems(ChangeKind.RENAME_COLUMN, List.of(a), List.of())).containsExactly(
        "change.kind RENAME_COLUMN adds one column and replaces one; change.add has 1,"
            + " change.replace 0");
    assertThat(problems(ChangeKind.CHANGE_TYPE, List.of(a), List.of(x))).isEmpty();
    assertThat(problems(null, List.of(a), List.of())).singleElement().asString()
        .startsWith("change.kind is missing");
  }

  @Test
  void aTargetIsAServerOrALocalOne() {
    LocalEngine local = new LocalEngine("sandbox", "app", Map.of("sqlHost", "db"));
    assertThat(RequestValidation.problems(new SchemaChangeRequest(local,
        example("full-name").change(), null, null, null, null, null, null, null, null, "alice",
        null))).containsExactly(
            "target.sqlHost does not apply to a local target (kind local): leave it out");
    assertThat(RequestValidation.problems(null)).singleElement().asString()
        .startsWith("the request is empty");
  }

  @Test
  void underwaysOwnTablesAreNotChanged() {
    TableChange c = new TableChange(null, "underway_flags", null, ChangeKind.ADD_COLUMN,
        List.of(new NewColumn("a", "text", "key")), null);
    SchemaChangeRequest r = example("bigint-amount");
    assertThat(RequestValidation.problems(new SchemaChangeRequest(r.target(), c, null, null,
        null, null, null, null, null, null, "alice", null)))
        .containsExactly("change.table 'underway_flags' is one of Underway's own tables");
  }

  @ParameterizedTest
  @ValueSource(strings = {"bigint", "text", "double precision", "character varying(20)",
      "timestamp(3) with time zone", "timestamp without time zone", "bit varying",
      "bit varying(8)", "time without time zone", "interval", "interval day to second(3)",
      "text[]", "integer[][]", "varchar(20)[]", "app.money_amount", "numeric(12,2)",
      "numeric(12, 2)", "geometry(point, 4326)", "national character varying(3)"})
  void aTypeNameIsAType(String type) {
    assertThat(typeProblems(type, true)).isEmpty();
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "bigint not null default 0 | not, null, default",
      "text unique | unique",
      "integer primary key | primary, key",
      "bigint references customers (id) | references",
      "integer check (amount > 0) | check",
      "text collate \"C\" | collate",
      "integer constraint positive check (amount > 0) | constraint, check",
      "bigint generated always as identity | generated, always, as, identity",
      "text null | null",
      "timestamp with time zone not null | not, null"})
  void aTypeWithColumnClausesIsRefusedWithWhatToDo(String type, String clauses) {
    assertThat(typeProblems(type, true)).containsExactly("change.add[0].type '" + type
        + "' holds column clauses (" + clauses + "): give the type alone, e.g. bigint. Expand"
        + " adds the column nullable, without a default, a constraint or an index (each of them"
        + " would lock or rewrite the table, and a default would make old-shape writes look"
        + " new); add those in a change of their own");
  }

  @ParameterizedTest
  @ValueSource(strings = {"big int", "timestamp with time", "text[", "numeric(12,2", "Bigint"})
  void somethingElseIsNotATypeName(String type) {
    assertThat(typeProblems(type, true)).singleElement().asString()
        .startsWith("change.add[0].type '" + type + "' is not a type name: give one SQL type");
  }

  @Test
  void runsRecordedBeforeTheStrictChecksAreValidatedAsTheyWere() {
    assertThat(typeProblems("bigint not null default 0", false)).isEmpty();
    assertThat(typeProblems("timestamp(3) with time zone", false)).singleElement().asString()
        .isEqualTo("change.add[0].type 'timestamp(3) with time zone' is not a SQL type, e.g."
            + " bigint or text");
  }

  @ParameterizedTest
  @ValueSource(strings = {"DELETE FROM orders", "with gone AS (DELETE FROM orders RETURNING *)"
      + " SELECT * FROM gone", "UPDATE orders SET amount = 0", "VALUES (1)"})
  void theLatencyProbeIsOneSelect(String probe) {
    assertThat(RequestValidation.problems(withProbe(probe))).containsExactly(
        "latencyProbe must be one SELECT (a read the application makes, e.g. SELECT * FROM"
            + " orders WHERE id = 42): it runs between batches, in a read-only transaction");
    assertThat(RequestValidation.problems(withProbe(probe), false)).isEmpty();
    assertThat(RequestValidation.problems(withProbe(" select * from orders where id = 42")))
        .isEmpty();
  }

  @ParameterizedTest
  @ValueSource(strings = {"pg_catalog", "information_schema", "pg_toast", "pg_temp_3",
      "pg_toast_temp_3"})
  void systemSchemasAreRefused(String schema) {
    SchemaChangeRequest r = example("bigint-amount");
    TableChange c = r.change();
    assertThat(RequestValidation.problems(new SchemaChangeRequest(r.target(),
        new TableChange(schema, c.table(), null, c.kind(), c.add(), c.replace()), null, null,
        null, null, null, null, null, null, "alice", null))).containsExactly("change.schema '"
        + schema + "' is a system schema (pg_catalog, pg_toast, information_schema, temporary"
        + " schemas): PostgreSQL's own tables are not changed by a runbook");
  }

  @ParameterizedTest
  @ValueSource(strings = {"template0", "template1"})
  void templateDatabasesAreRefused(String database) {
    SchemaChangeRequest r = example("bigint-amount");
    PostgresServer t = PostgresServer.of("db", 5432, database);
    assertThat(RequestValidation.problems(new SchemaChangeRequest(t, r.change(), null, null,
        null, null, null, null, null, null, "alice", null))).containsExactly("target.database '"
        + database + "' is a template: every new database is copied from it; name the"
        + " application's database");
  }

  @Test
  void subscribersChangedFirstIsAFieldOfTheChange() throws Exception {
    SchemaChangeRequest r = Requests.TEMPORAL_JSON.readValue("""
        {"target": {"sqlHost": "db", "sqlPort": 5432, "database": "shop"},
         "change": {"table": "orders", "kind": "ADD_COLUMN", "subscribersChangedFirst": true,
                    "add": [{"name": "note2", "type": "text", "up": "note"}]}}
        """, SchemaChangeRequest.class);
    assertThat(RequestValidation.problems(r)).isEmpty();
    assertThat(r.change().otherEndsChangedFirst()).isTrue();
    assertThat(Requests.TEMPORAL_JSON.readValue(Requests.TEMPORAL_JSON.writeValueAsString(r),
        SchemaChangeRequest.class)).isEqualTo(r);
  }

  private static SchemaChangeRequest withProbe(String probe) {
    SchemaChangeRequest r = example("bigint-amount");
    return new SchemaChangeRequest(r.target(), r.change(), null, null, null, "PT0.05S", probe,
        null, null, null, "alice", null);
  }

  private static List<String> typeProblems(String type, boolean strict) {
    SchemaChangeRequest r = example("bigint-amount");
    return RequestValidation.problems(new SchemaChangeRequest(r.target(),
        new TableChange(null, "orders", null, ChangeKind.ADD_COLUMN,
            List.of(new NewColumn("widened", type, "amount")), List.of()), null, null, null,
        null, null, null, null, null, "alice", null), strict);
  }

  private static List<String> problems(ChangeKind kind, List<NewColumn> add,
      List<OldColumn> replace) {
    SchemaChangeRequest r = example("bigint-amount");
    return RequestValidation.problems(new SchemaChangeRequest(r.target(),
        new TableChange(null, "orders", null, kind, add, replace), null, null, null, null, null,
        null, null, null, "alice", null));
  }
}
