package dev.underway.workflows.schema;

import static dev.underway.workflows.schema.SchemaTestSupport.example;
import static org.assertj.core.api.Assertions.assertThat;

import dev.underway.activities.schema.ChangeKind;
import dev.underway.activities.schema.NewColumn;
import dev.underway.activities.schema.OldColumn;
import dev.underway.activities.schema.TableChange;
import dev.underway.model.TargetRef;
import dev.underway.workflows.evolution.Requests;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
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
         "batchSize": 1.5, "soak": "P30D", "latencyProbe": "select 1", "typo": true}
        """, SchemaChangeRequest.class);
    assertThat(RequestValidation.problems(r)).containsExactlyInAnyOrder(
        "request.batchSize is 1.5: it must be a whole number (it is never rounded)",
        "request has unknown field(s) [typo]: check the spelling (see runbooks/schema-change.md"
            + " for the fields)",
        "target.statefulSet does not apply to a schema change: leave it out",
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
        "latencyProbe is given without latencyBudget: say how long the probe may take");
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
    TargetRef local = TargetRef.local("sandbox", "app").withSql("db", 5432, null);
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

  private static List<String> problems(ChangeKind kind, List<NewColumn> add,
      List<OldColumn> replace) {
    SchemaChangeRequest r = example("bigint-amount");
    return RequestValidation.problems(new SchemaChangeRequest(r.target(),
        new TableChange(null, "orders", null, kind, add, replace), null, null, null, null, null,
        null, null, null, "alice", null));
  }
}
