package dev.underway.local.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Starts a real PostgreSQL server from the binaries jar and stops it again. */
class LocalPostgresTest {

  @TempDir Path dir;

  @Test
  void startsARealServerThatAcceptsPasswordConnectionsAndLeavesNoProcessBehind() throws Exception {
    long pid;
    Path binaries;
    try (LocalPostgres pg = LocalPostgres.start(LocalPostgres.Options.under(dir))) {
      pid = pg.pid();
      assertThat(pg.isRunning()).isTrue();
      assertThat(pg.dataDirectory()).startsWith(dir);
      assertThat(Files.exists(pg.dataDirectory().resolve("PG_VERSION"))).isTrue();
      try (Connection c = pg.connect("postgres");
           Statement s = c.createStatement();
           ResultSet rs = s.executeQuery("SELECT current_user, current_setting('server_version_num')::int")) {
        assertThat(rs.next()).isTrue();
        assertThat(rs.getString(1)).isEqualTo("postgres");
        assertThat(rs.getInt(2)).isGreaterThanOrEqualTo(170000);
      }
      assertThatThrownBy(() -> pg.connect("postgres", "postgres", "wrong-password").close())
          .isInstanceOf(SQLException.class)
          .satisfies(e -> assertThat(((SQLException) e).getSQLState()).isEqualTo("28P01"));
      binaries = PostgresBinaries.ensure(null);
      assertThat(Files.isExecutable(binaries.resolve("bin/postgres"))).isTrue();
    }
    Optional<ProcessHandle> handle = ProcessHandle.of(pid);
    assertThat(handle.map(ProcessHandle::isAlive).orElse(false))
        .as("postgres process %d must be gone after close()", pid)
        .isFalse();
    // the unpacked binaries are reused: a second call returns the same directory at once
    assertThat(PostgresBinaries.ensure(null)).isEqualTo(binaries);
  }
}
