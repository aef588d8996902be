package dev.underway.workflows.evolution;

import static org.assertj.core.api.Assertions.assertThat;

import dev.underway.workflows.evolution.model.EvolutionRequest;
import dev.underway.workflows.evolution.model.ClusterTarget;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Reserved reader names and system databases are refused in the request itself. */
class ReaderNamesTest {

  private static List<String> problems(String readerUser, String database) {
    ClusterTarget t = new ClusterTarget("ns", "crdb", "crdb-public", null, null, database, readerUser,
        null, null, null, null, null);
    return RequestValidation.problems(new EvolutionRequest(t, null, null, false, "alice"));
  }

  @ParameterizedTest
  @ValueSource(strings = {"root", "admin", "node", "public", "postgres", "none", "current_user",
      "pg_monitor", "pg_read_all_data", "crdb_internal_reader"})
  void reservedRoleNamesAreRefusedAsTheReader(String name) {
    assertThat(problems(name, "app")).singleElement().asString()
        .startsWith("target.readerUser '" + name + "' is a reserved role name")
        .contains("Name a role of its own");
  }

  @ParameterizedTest
  @ValueSource(strings = {"system", "crdb_internal", "pg_catalog", "information_schema",
      "pg_extension", "template0", "template1"})
  void systemDatabasesAreRefused(String database) {
    assertThat(problems(null, database)).singleElement().asString()
        .startsWith("target.database '" + database + "' is a system database")
        .contains("password hashes");
  }

  @Test
  void ordinaryNamesPass() {
    assertThat(problems("app_reader", "app")).isEmpty();
    assertThat(problems(null, "defaultdb")).isEmpty();
    assertThat(problems("rooted", "systems")).as("only exact names and the prefixes").isEmpty();
  }
}
