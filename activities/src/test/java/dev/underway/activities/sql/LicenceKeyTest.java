package dev.underway.activities.sql;

import static org.assertj.core.api.Assertions.assertThat;

import dev.underway.workflows.evolution.model.Licence;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/**
 * What a licence key states. The keys here were encoded independently of the decoder (a
 * protobuf {@code License}: field 2 valid_until_unix_sec, 3 type, 4 organization_name, 5 usage;
 * unpadded base64 after {@code crl-0-}), as CockroachDB's licenseccl package writes them.
 */
class LicenceKeyTest {

  private static final Instant NOW = Instant.parse("2026-12-01T12:00:00Z");

  @Test
  void aFreeKeyStatesItsTypeAndExpiry() {
    // valid until 2027-01-01, type Free (3), organization "Acme Corp", usage Production
    Licence l = LicenceKey.read("crl-0-EIDZ29kGGAMiCUFjbWUgQ29ycCgB", NOW);
    assertThat(l).isEqualTo(new Licence(true, "Free", "2027-01-01T00:00:00Z", 30L));
    assertThat(l.needsTelemetry()).isTrue();
    assertThat(l.expired()).isFalse();
  }

  @Test
  void anExpiredEnterpriseKeyHasNegativeDaysLeft() {
    Licence l = LicenceKey.read("crl-0-EIDy1soGGAEiBEFjbWU", NOW);
    assertThat(l.type()).isEqualTo("Enterprise");
    assertThat(l.validUntil()).isEqualTo("2026-01-01T00:00:00Z");
    assertThat(l.daysLeft()).isEqualTo(-335L);
    assertThat(l.expired()).isTrue();
    assertThat(l.needsTelemetry()).isFalse();
  }

  @Test
  void aTrialKeyNeedsTelemetry() {
    assertThat(LicenceKey.read("crl-0-EIDZ29kGGAQiCVRyaWFsIEluYw", NOW).needsTelemetry())
        .isTrue();
  }

  @Test
  void noExpiryAndDefaultTypeAreReadAsSuch() {
    // only organization_name: type NonCommercial (0, proto3's default), no valid_until
    assertThat(LicenceKey.read("crl-0-IgdPU1MgZGV2", NOW))
        .isEqualTo(new Licence(true, "NonCommercial", null, null));
  }

  @Test
  void noKeyAndUnreadableKeys() {
    assertThat(LicenceKey.read("", NOW)).isEqualTo(Licence.NONE);
    assertThat(LicenceKey.read(null, NOW)).isEqualTo(Licence.NONE);
    assertThat(LicenceKey.read("not-a-key", NOW)).isEqualTo(new Licence(true, null, null, null));
    assertThat(LicenceKey.read("crl-0-%%%", NOW)).isEqualTo(new Licence(true, null, null, null));
    assertThat(LicenceKey.read("crl-0-EID", NOW)).as("truncated")
        .isEqualTo(new Licence(true, null, null, null));
  }
}
