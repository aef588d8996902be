package dev.underway.sandbox.engine.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The base backup's file copy: counted as it goes, held to a rate, files kept as they were. */
class BaseBackupCopyTest {

  private static Path dataDirectory(Path root, int megabytes) throws Exception {
    Path data = Files.createDirectories(root.resolve("data"));
    Files.createDirectories(data.resolve("base/1"));
    Files.createDirectories(data.resolve("pg_wal"));
    Files.write(data.resolve("base/1/16384"), new byte[megabytes * 1024 * 1024]);
    Files.writeString(data.resolve("PG_VERSION"), "17\n");
    Files.writeString(data.resolve("postmaster.pid"), "123\n");
    Files.write(data.resolve("pg_wal/000000010000000000000001"), new byte[4096]);
    Files.setPosixFilePermissions(data.resolve("base/1/16384"),
        PosixFilePermissions.fromString("rw-------"));
    return data;
  }

  @Test
  void theCopyIsCountedChunkByChunkAndLeavesOutWhatTheDocsSay(@TempDir Path tmp)
      throws Exception {
    Path data = dataDirectory(tmp, 3);
    List<Long> reported = new ArrayList<>();
    CopyMeter meter = new CopyMeter(0, reported::add);
    BaseBackup.copyDataDirectory(data, tmp.resolve("copy"), meter);

    long expected = 3L * 1024 * 1024 + 3; // the relation file and PG_VERSION
    assertThat(meter.bytes()).isEqualTo(expected);
    assertThat(reported).as("progress within the big file, not only at its end")
        .hasSizeGreaterThanOrEqualTo(4).isSorted().last().isEqualTo(expected);
    Path copy = tmp.resolve("copy");
    assertThat(copy.resolve("base/1/16384")).hasSize(3L * 1024 * 1024);
    assertThat(Files.getPosixFilePermissions(copy.resolve("base/1/16384")))
        .isEqualTo(PosixFilePermissions.fromString("rw-------"));
    assertThat(Files.getLastModifiedTime(copy.resolve("base/1/16384")))
        .isEqualTo(Files.getLastModifiedTime(data.resolve("base/1/16384")));
    assertThat(copy.resolve("postmaster.pid")).doesNotExist();
    assertThat(copy.resolve("pg_wal")).isEmptyDirectory();
  }

  /** A lower bound only: a slow machine cannot make it fail, a missing limit does. */
  @Test
  void aRateLimitHoldsTheCopyBack(@TempDir Path tmp) throws Exception {
    Path data = dataDirectory(tmp, 3);
    long started = System.nanoTime();
    BaseBackup.copyDataDirectory(data, tmp.resolve("copy"),
        new CopyMeter(1024 * 1024, b -> { }));
    long millis = (System.nanoTime() - started) / 1_000_000;
    assertThat(millis).as("3 MiB at 1 MiB/s").isGreaterThanOrEqualTo(2_900);
  }
}
