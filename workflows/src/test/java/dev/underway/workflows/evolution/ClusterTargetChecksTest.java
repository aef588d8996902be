package dev.underway.workflows.evolution;

import static org.assertj.core.api.Assertions.assertThat;

import dev.underway.workflows.evolution.model.ClusterTarget;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Each kind of cluster target has its own problems; both share the SQL side's. */
class ClusterTargetChecksTest {

  private static List<String> problems(String json) throws Exception {
    List<String> problems = new ArrayList<>();
    ClusterTargetChecks.check(Requests.TEMPORAL_JSON.readValue(json, ClusterTarget.class), "g.md",
        problems);
    return problems;
  }

  @Test
  void eachKindWithItsRequiredFieldsIsFine() throws Exception {
    assertThat(problems("""
        {"namespace": "db", "statefulSet": "crdb", "publicService": "crdb-public",
         "database": "app"}""")).isEmpty();
    assertThat(problems("""
        {"kind": "kubernetes", "namespace": "db", "statefulSet": "crdb", "publicService": "p",
         "readerService": "r", "credentialsSecret": "s", "readerUser": "reader",
         "tableOwners": ["app_owner"], "sqlHost": "h", "sqlPort": 26257, "sslMode": "disable",
         "database": "app"}""")).isEmpty();
    assertThat(problems("""
        {"kind": "local", "name": "sandbox", "database": "app", "readerUser": "reader"}"""))
        .isEmpty();
    List<String> none = new ArrayList<>();
    ClusterTargetChecks.check(null, "g.md", none);
    assertThat(none).containsExactly(
        "target is missing: name namespace, statefulSet, publicService and database");
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', textBlock = """
      {"statefulSet": "crdb", "publicService": "p", "database": "app"} | target.namespace is missing: it must name a Kubernetes namespace
      {"namespace": "db", "publicService": "p", "database": "app"} | target.statefulSet is missing: it must name a StatefulSet name
      {"namespace": "db", "statefulSet": "crdb", "database": "app"} | target.publicService is missing: it must name a Service name
      {"namespace": "db", "statefulSet": "crdb", "publicService": "p", "readerService": "p", "database": "app"} | target.readerService must differ from target.publicService: the reader path is a separate Service
      {"namespace": "db", "statefulSet": "crdb", "publicService": "p", "credentialsSecret": "S", "database": "app"} | target.credentialsSecret 'S' is not a Secret name
      {"namespace": "db", "statefulSet": "crdb", "publicService": "p", "name": "x", "database": "app"} | target.name names a local cluster: a Kubernetes target is named by namespace and statefulSet (or set kind: local)
      {"namespace": "db", "statefulSet": "crdb", "publicService": "p", "sqlHost": "a b", "database": "app"} | target.sqlHost 'a b' is not a host name or address
      {"namespace": "db", "statefulSet": "crdb", "publicService": "p", "sqlPort": 0, "database": "app"} | target.sqlPort 0 is not a TCP port (1-65535)
      {"namespace": "db", "statefulSet": "crdb", "publicService": "p", "sslMode": "tls", "database": "app"} | target.sslMode 'tls' is not one of [allow, disable, prefer, require, verify-ca, verify-full]
      {"namespace": "db", "statefulSet": "crdb", "publicService": "p"} | target.database is missing: it must name a SQL database name
      {"namespace": "db", "statefulSet": "crdb", "publicService": "p", "database": "app", "nmespace": "x"} | target has unknown field(s) [nmespace]: check the spelling (see g.md for the fields)
      {"namespace": "db", "statefulSet": "crdb", "publicService": "p", "database": "app", "sqlPort": "x"} | target.sqlPort is "x": it must be a whole number (it is never rounded)
      {"kind": "nomad", "namespace": "db", "statefulSet": "crdb", "publicService": "p", "database": "app"} | target.kind 'nomad' is not one of kubernetes, local
      {"kind": "local", "database": "app"} | target.name is missing: it must name a local cluster's name
      {"kind": "local", "name": "sandbox", "database": "app", "namespace": "db"} | target.namespace does not apply to a local target (kind local): leave it out
      {"kind": "local", "name": "sandbox", "database": "app", "readerService": "r"} | target.readerService does not apply to a local target (kind local): leave it out
      {"kind": "local", "name": "sandbox", "database": "app", "readerUser": "Reader"} | target.readerUser 'Reader' is not a SQL user name
      {"kind": "local", "name": "sandbox", "database": "app", "nme": "x"} | target has unknown field(s) [nme]: check the spelling (see g.md for the fields)
      """)
  void eachProblemIsNamed(String json, String problem) throws Exception {
    assertThat(problems(json)).containsExactly(problem);
  }
}
