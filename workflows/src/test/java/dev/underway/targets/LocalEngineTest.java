package dev.underway.targets;

import static dev.underway.targets.PostgresServerTest.problems;
import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** A local engine of the sandbox: named by its name, and nothing of a server's. */
class LocalEngineTest {

  @Test
  void aLocalEngineIsNamedByItsName() throws Exception {
    assertThat(problems("""
        {"kind": "local", "name": "sandbox", "database": "app"}""")).isEmpty();
    LocalEngine e = new LocalEngine("sandbox", "app");
    assertThat(e.key()).isEqualTo("local/sandbox");
    assertThat(e.isLocal()).isTrue();
    assertThat(e.sqlHostOrDefault()).as("the sandbox's worker knows where it listens").isNull();
    assertThat(e.credentialsSecret()).isNull();
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', textBlock = """
      {"kind": "local", "database": "app"} | target.name is missing: it must name a local server's name
      {"kind": "local", "name": "Sand_box", "database": "app"} | target.name 'Sand_box' is not a local server's name
      {"kind": "local", "name": "sandbox"} | target.database is missing: it must name a SQL database name
      {"kind": "local", "name": "sandbox", "database": "app", "sqlHost": "db"} | target.sqlHost does not apply to a local target (kind local): leave it out
      {"kind": "local", "name": "sandbox", "database": "app", "sqlPort": 5432} | target.sqlPort does not apply to a local target (kind local): leave it out
      {"kind": "local", "name": "sandbox", "database": "app", "credentialsSecret": "s"} | target.credentialsSecret does not apply to a local target (kind local): leave it out
      {"kind": "local", "name": "sandbox", "database": "app", "nme": "x"} | target has unknown field(s) [nme]: check the spelling (see runbooks/x.md for the fields)
      """)
  void eachProblemIsNamed(String json, String problem) throws Exception {
    assertThat(problems(json)).containsExactly(problem);
  }

  @Test
  void aServersFieldsGivenAsNullAreAbsent() throws Exception {
    assertThat(problems("""
        {"kind": "local", "name": "sandbox", "database": "app", "sqlHost": null}""")).isEmpty();
  }
}
