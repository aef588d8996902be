package dev.underway.activities.sql;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.underway.activities.sql.CockroachDialect.Version;
import dev.underway.workflows.evolution.model.ZoneReplication;
import java.util.OptionalInt;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/** Parsing and validation in the dialect: pure functions, no database. */
class CockroachDialectParsingTest {

  // raw_config_sql as SHOW ALL ZONE CONFIGURATIONS prints it (shape from the CockroachDB docs)
  private static final String RANGE_DEFAULT = """
      ALTER RANGE default CONFIGURE ZONE USING
          range_min_bytes = 134217728,
          range_max_bytes = 536870912,
          gc.ttlseconds = 14400,
          num_replicas = 3,
          constraints = '[]',
          lease_preferences = '[]'""";
  private static final String DATABASE_SYSTEM = """
      ALTER DATABASE system CONFIGURE ZONE USING
          range_min_bytes = 134217728,
          range_max_bytes = 536870912,
          gc.ttlseconds = 14400,
          num_replicas = 5,
          constraints = '[]',
          lease_preferences = '[]'""";
  private static final String TABLE_TTL_ONLY = """
      ALTER TABLE system.public.replication_stats CONFIGURE ZONE USING
          gc.ttlseconds = 600""";
  private static final String VOTERS = """
      ALTER PARTITION us_west OF INDEX movr.public.users@users_pkey CONFIGURE ZONE USING
          num_replicas = 3,
          num_voters = 3,
          constraints = '{+region=us-west1: 1}',
          voter_constraints = '[+region=us-west1]'""";

  @Test
  void readsNumReplicasFromRawConfigSql() {
    assertThat(CockroachDialect.parseZone("RANGE default", RANGE_DEFAULT))
        .contains(new ZoneReplication("RANGE default", 3));
    assertThat(CockroachDialect.parseZone("DATABASE system", DATABASE_SYSTEM))
        .contains(new ZoneReplication("DATABASE system", 5));
    assertThat(CockroachDialect.parseNumReplicas(VOTERS)).isEqualTo(OptionalInt.of(3));
  }

  @Test
  void aZoneThatInheritsNumReplicasIsNotListed() {
    assertThat(CockroachDialect.parseZone("TABLE system.public.replication_stats", TABLE_TTL_ONLY))
        .isEmpty();
    // num_voters must not be mistaken for num_replicas
    assertThat(CockroachDialect.parseNumReplicas(
        "ALTER RANGE meta CONFIGURE ZONE USING num_voters = 3")).isEmpty();
  }

  @Test
  void targetComesFromTheSqlWhenTheColumnIsEmpty() {
    assertThat(CockroachDialect.parseZone("", DATABASE_SYSTEM))
        .contains(new ZoneReplication("DATABASE system", 5));
    assertThat(CockroachDialect.parseZone(null, VOTERS).orElseThrow().target())
        .isEqualTo("PARTITION us_west OF INDEX movr.public.users@users_pkey");
  }

  @Test
  void versionDecidesWhetherAllowUnsafeInternalsIsNeeded() {
    assertThat(CockroachDialect.parseVersion(
        "CockroachDB CCL v23.1.11 (x86_64-pc-linux-gnu, built 2023/09/27 01:53:43, go1.19.10)"))
        .contains(new Version(23, 1));
    assertThat(CockroachDialect.mayNeedUnsafeInternals(
        "CockroachDB CCL v25.4.2 (x86_64-pc-linux-gnu, built 2025/12/01, go1.23.12)")).isFalse();
    assertThat(CockroachDialect.mayNeedUnsafeInternals(
        "CockroachDB CCL v26.1.0 (x86_64-pc-linux-gnu, built 2026/02/01, go1.23.12)")).isTrue();
    assertThat(CockroachDialect.mayNeedUnsafeInternals(
        "CockroachDB CCL v27.2.0-alpha.1 (aarch64-unknown-linux-gnu)")).isTrue();
    // unknown: try, and tolerate "unrecognized configuration parameter"
    assertThat(CockroachDialect.mayNeedUnsafeInternals("PostgreSQL 17.11 on x86_64")).isTrue();
    assertThat(CockroachDialect.parseVersion("PostgreSQL 17.11 on x86_64")).isEmpty();
  }

  @ParameterizedTest
  @ValueSource(strings = {
      "RANGE default", "RANGE meta", "RANGE liveness", "RANGE system", "RANGE timeseries",
      "DATABASE system", "DATABASE movr", "DATABASE \"odd name\"",
      "TABLE system.public.lease", "TABLE movr.public.\"Users\"", "TABLE t",
      "INDEX movr.public.vehicles@vehicles_auto_index_fk_city_ref_users",
      "PARTITION us_west OF INDEX movr.public.users@users_pkey",
      "PARTITION p1 OF TABLE movr.public.rides"})
  void acceptsTheTargetsCockroachPrints(String target) {
    assertThat(CockroachDialect.isValidZoneTarget(target)).isTrue();
    assertThat(CockroachDialect.alterZoneSql(target, 2))
        .isEqualTo("ALTER " + target + " CONFIGURE ZONE USING num_replicas = 2");
  }

  @ParameterizedTest
  @ValueSource(strings = {
      "RANGE default; DROP DATABASE movr",
      "RANGE default CONFIGURE ZONE USING num_replicas = 1; --",
      "DATABASE system --",
      "DATABASE a /* x */",
      "TABLE movr.public.users; SELECT 1",
      "DATABASE \"unterminated",
      "DATABASE \"a\"\"; DROP TABLE x; --",
      "DATABASE \"a\"; DROP TABLE x; --\"",
      "DATABASE movr\nDROP",
      "RANGE Default",
      " RANGE default",
      "RANGE default ",
      "USER root",
      "",
      "TABLE a.b.c.d"})
  void rejectsAnythingElse(String target) {
    assertThat(CockroachDialect.isValidZoneTarget(target)).isFalse();
    assertThatThrownBy(() -> CockroachDialect.alterZoneSql(target, 2))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void rejectsAReplicationFactorBelowOne() {
    assertThatThrownBy(() -> CockroachDialect.alterZoneSql("RANGE default", 0))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void readsAclTextAndRoleSettings() {
    assertThat(PortableRoleSql.aclGrantsSelect("{underway_reader=r/postgres}", "underway_reader"))
        .isTrue();
    assertThat(PortableRoleSql.aclGrantsSelect("{app=arwd/postgres,other=r/postgres}",
        "underway_reader")).isFalse();
    assertThat(PortableRoleSql.aclGrantsSelect("{\"odd name\"=w/postgres}", "odd name")).isFalse();
    assertThat(PortableRoleSql.aclGrantsSelect("{\"\\\"odd, name\\\"=r/postgres\"}", "odd, name"))
        .isTrue();
    assertThat(PortableRoleSql.isReadOnlyOn("default_transaction_read_only=true")).isTrue();
    assertThat(PortableRoleSql.isReadOnlyOn("default_transaction_read_only=on")).isTrue();
    assertThat(PortableRoleSql.isReadOnlyOn("default_transaction_read_only=off")).isFalse();
    assertThat(PortableRoleSql.isReadOnlyOn("search_path=public")).isFalse();
  }
}
