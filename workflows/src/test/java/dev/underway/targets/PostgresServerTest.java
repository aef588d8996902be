package dev.underway.targets;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.temporal.common.converter.JacksonJsonPayloadConverter;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** A PostgreSQL server's fields, defaults and problems, as every PostgreSQL runbook checks them. */
class PostgresServerTest {

  static final ObjectMapper JSON = JacksonJsonPayloadConverter.newDefaultObjectMapper();
  private static final String GUIDE = "runbooks/x.md";

  static List<String> problems(String targetJson) throws Exception {
    List<String> problems = new ArrayList<>();
    PostgresTarget.check(JSON.readValue(targetJson, PostgresTarget.class), "target", GUIDE,
        problems);
    return problems;
  }

  @Test
  void aServerWithHostPortAndDatabaseIsFineAndHasItsDefaults() throws Exception {
    assertThat(problems("""
        {"sqlHost": "orders-db.internal", "sqlPort": 5432, "database": "shop"}""")).isEmpty();
    assertThat(problems("""
        {"sqlHost": "::1", "sqlPort": 6432, "database": "shop", "sslMode": "disable",
         "credentialsSecret": "pg-admin", "namespace": "db", "kind": "kubernetes"}""")).isEmpty();
    PostgresServer s = PostgresServer.of("db", 5432, "shop");
    assertThat(s.key()).isEqualTo("db:5432");
    assertThat(s.sslModeOrDefault()).isEqualTo("verify-full");
    assertThat(s.sqlHostOrDefault()).isEqualTo("db");
    assertThat(s.sqlPortOrDefault()).isEqualTo(5432);
    assertThat(s.isLocal()).isFalse();
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', textBlock = """
      {"sqlPort": 5432, "database": "shop"} | target.sqlHost is missing: it must name a host name or address
      {"sqlHost": "db/x", "sqlPort": 5432, "database": "shop"} | target.sqlHost 'db/x' is not a host name or address
      {"sqlHost": "db", "database": "shop"} | target.sqlPort is missing: PostgreSQL's is usually 5432
      {"sqlHost": "db", "sqlPort": 70000, "database": "shop"} | target.sqlPort 70000 is not a TCP port (1-65535)
      {"sqlHost": "db", "sqlPort": 5432.5, "database": "shop"} | target.sqlPort is 5432.5: it must be a whole number (it is never rounded)
      {"sqlHost": "db", "sqlPort": 5432} | target.database is missing: it must name a SQL database name
      {"sqlHost": "db", "sqlPort": 5432, "database": "Shop"} | target.database 'Shop' is not a SQL database name
      {"sqlHost": "db", "sqlPort": 5432, "database": "shop", "sslMode": "tls"} | target.sslMode 'tls' is not one of [allow, disable, prefer, require, verify-ca, verify-full]
      {"sqlHost": "db", "sqlPort": 5432, "database": "shop", "credentialsSecret": "s"} | target.credentialsSecret needs target.namespace: the Secret's namespace
      {"sqlHost": "db", "sqlPort": 5432, "database": "shop", "credentialsSecret": "Bad_S", "namespace": "db"} | target.credentialsSecret 'Bad_S' is not a Secret name
      {"sqlHost": "db", "sqlPort": 5432, "database": "shop", "namespace": "No"} | target.namespace 'No' is not a Kubernetes namespace
      {"sqlHost": "db", "sqlPort": 5432, "database": "shop", "name": "sandbox"} | target.name names a local server: a PostgreSQL server is named by sqlHost and sqlPort (or set kind: local)
      {"sqlHost": "db", "sqlPort": 5432, "database": "shop", "kind": "nomad"} | target.kind 'nomad' is not one of kubernetes, local
      {"sqlHost": "db", "sqlPort": 5432, "database": "shop", "sqlhost": "x", "port": 1} | target has unknown field(s) [port, sqlhost]: check the spelling (see runbooks/x.md for the fields)
      {"sqlHost": "db", "sqlPort": 5432, "database": "shop", "statefulSet": "crdb"} | target has unknown field(s) [statefulSet]: check the spelling (see runbooks/x.md for the fields)
      """)
  void eachProblemIsNamed(String json, String problem) throws Exception {
    assertThat(problems(json)).containsExactly(problem);
  }

  @Test
  void problemsNameTheFieldWhereTheRunbookKeepsIt() throws Exception {
    List<String> problems = new ArrayList<>();
    PostgresTarget.check(PostgresServer.of("db", 0, "shop"), "source", GUIDE, problems);
    PostgresTarget.check(null, "destination", GUIDE, problems);
    assertThat(problems).containsExactly("source.sqlPort 0 is not a TCP port (1-65535)",
        "destination is missing: name sqlHost, sqlPort and database (or kind local and name)");
  }

  @Test
  void aKubernetesTargetsFieldsAreNotAServers() throws Exception {
    assertThat(problems("""
        {"sqlHost": "db", "sqlPort": 5432, "database": "shop", "statefulSet": "crdb",
         "publicService": "p", "readerService": "r", "readerUser": "u", "tableOwners": ["a"],
         "revokePublicCreate": true}""")).containsExactly("target has unknown field(s)"
        + " [publicService, readerService, readerUser, revokePublicCreate, statefulSet,"
        + " tableOwners]: check the spelling (see runbooks/x.md for the fields)");
  }

  @Test
  void aFieldGivenAsNullIsNotGiven() throws Exception {
    assertThat(problems("""
        {"sqlHost": "db", "sqlPort": 5432, "database": "shop", "name": null,
         "statefulSet": null}""")).isEmpty();
  }
}
