package dev.underway.activities.sql;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/**
 * The snapshot rate's SQL ({@link CockroachDialect}) and the rate the guard sets ({@link
 * SnapshotPacing#rate}): pure, no database.
 */
class CockroachDialectSnapshotRateTest {

  private static final long MIB = 1024L * 1024;

  @Test
  void theStatementsNameOnlyTheSnapshotRateSettingsAndSetBytes() {
    assertThat(CockroachDialect.setSnapshotRateSql("kv.snapshot_rebalance.max_rate", 32 * MIB))
        .isEqualTo("SET CLUSTER SETTING kv.snapshot_rebalance.max_rate = '33554432'");
    assertThat(CockroachDialect.setSnapshotRateSql("kv.snapshot_recovery.max_rate", 1))
        .isEqualTo("SET CLUSTER SETTING kv.snapshot_recovery.max_rate = '1'");
    assertThat(CockroachDialect.resetSnapshotRateSql("kv.snapshot_rebalance.max_rate"))
        .isEqualTo("RESET CLUSTER SETTING kv.snapshot_rebalance.max_rate");
    assertThatThrownBy(() -> CockroachDialect.setSnapshotRateSql(
        "kv.snapshot_rebalance.max_rate = '1'; DROP DATABASE app; --", 1))
        .hasMessageContaining("refusing an unexpected cluster setting");
    assertThatThrownBy(() -> CockroachDialect.resetSnapshotRateSql("enterprise.license"))
        .hasMessageContaining("refusing an unexpected cluster setting");
    assertThatThrownBy(() -> CockroachDialect.setSnapshotRateSql(
        "kv.snapshot_rebalance.max_rate", 0)).hasMessageContaining("at least 1 byte a second");
  }

  @Test
  void byteSizesAreReadAsCockroachDbPrintsAndStoresThem() {
    assertThat(CockroachDialect.parseByteSize("33554432")).isEqualTo(32 * MIB);
    assertThat(CockroachDialect.parseByteSize("32 MiB")).isEqualTo(32 * MIB);
    assertThat(CockroachDialect.parseByteSize("8.0 MiB")).isEqualTo(8 * MIB);
    assertThat(CockroachDialect.parseByteSize("512 KiB")).isEqualTo(512 * 1024);
    assertThat(CockroachDialect.parseByteSize("1.5 GiB")).isEqualTo(1536 * MIB);
    assertThat(CockroachDialect.parseByteSize("64MB")).isEqualTo(64_000_000);
    assertThat(CockroachDialect.parseByteSize("100 B")).isEqualTo(100);
    assertThatThrownBy(() -> CockroachDialect.parseByteSize("fast"))
        .hasMessageContaining("not a byte size: fast");
  }

  @Test
  void theRateIsDutyTimesFoundAboveTheFloorAndNeverAboveFound() {
    assertThat(SnapshotPacing.rate(1.0, 32 * MIB)).isEqualTo(32 * MIB);
    assertThat(SnapshotPacing.rate(0.5, 32 * MIB)).isEqualTo(16 * MIB);
    assertThat(SnapshotPacing.rate(0.05, 32 * MIB)).as("the floor")
        .isEqualTo(SnapshotPacing.FLOOR_BYTES_PER_SECOND);
    assertThat(SnapshotPacing.rate(2.0, 32 * MIB)).as("never raised").isEqualTo(32 * MIB);
    assertThat(SnapshotPacing.rate(0.05, 4 * MIB)).as("a value found below the floor is kept")
        .isEqualTo(4 * MIB);
  }
}
