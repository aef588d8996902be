package dev.underway.sandbox.engine.postgres;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A base backup of a running primary with PostgreSQL's documented low-level API ("Making a Base
 * Backup Using the Low Level API"), turned into a streaming standby's data directory. The
 * Maven Central binaries have no {@code pg_basebackup}; this is the procedure it automates:
 *
 * <ol>
 *   <li>a physical replication slot for the standby, reserving WAL at once ({@code
 *       pg_create_physical_replication_slot(name, true)}), so the WAL the copy needs cannot be
 *       recycled before the standby streams it;
 *   <li>{@code pg_backup_start(label, fast => true)} on a session kept open for the whole copy;
 *   <li>a file copy of the data directory without what the documentation says to leave out
 *       ({@code postmaster.pid}, {@code postmaster.opts}, the contents of {@code pg_wal/}, {@code
 *       pg_replslot/}, {@code pg_dynshmem/}, {@code pg_notify/}, {@code pg_serial/}, {@code
 *       pg_snapshots/}, {@code pg_stat_tmp/}, {@code pg_subtrans/}, {@code pg_internal.init},
 *       temporary files); files that vanish while copying are skipped, as the documentation allows;
 *   <li>{@code pg_backup_stop()} on the same session, whose {@code labelfile} becomes the copy's
 *       {@code backup_label} (and {@code spcmapfile}, when not empty, its {@code tablespace_map});
 *   <li>{@code standby.signal}, and {@code primary_conninfo}, {@code primary_slot_name} and
 *       {@code cluster_name} in the copy's {@code postgresql.auto.conf}.
 * </ol>
 *
 * <p>Nothing here restarts or reconfigures the primary: the session only calls functions.
 */
final class BaseBackup {

  private static final Logger log = LoggerFactory.getLogger(BaseBackup.class);

  /** Directories whose contents are left out (the directories themselves are kept). */
  private static final Set<String> CONTENTS_OMITTED = Set.of(
      "pg_wal", "pg_replslot", "pg_dynshmem", "pg_notify", "pg_serial", "pg_snapshots",
      "pg_stat_tmp", "pg_subtrans");

  /** Files left out wherever they are. */
  private static final Set<String> FILES_OMITTED = Set.of(
      "postmaster.pid", "postmaster.opts", "pg_internal.init", "backup_label", "tablespace_map",
      "standby.signal", "recovery.signal", "postgresql.auto.conf.tmp");

  /** Settings the standby's postgresql.auto.conf gets from us, replacing the primary's. */
  private static final Set<String> STANDBY_KEYS = Set.of(
      "primary_conninfo", "primary_slot_name", "cluster_name", "synchronous_standby_names");

  private BaseBackup() {}

  /** How the standby reaches the primary. The password is written only into the copy. */
  record Upstream(String host, int port, String user, String password) {
    @Override
    public String toString() {
      return "Upstream[" + user + "@" + host + ":" + port + "]";
    }
  }

  /**
   * Makes {@code targetData} a standby of the primary reached by {@code primary} (an admin
   * session on it) and {@code upstream}, named {@code standbyName} (slot, {@code cluster_name},
   * {@code application_name}).
   */
  static void takeInto(Connection primary, Path primaryData, Path targetData, String standbyName,
      Upstream upstream) throws SQLException, IOException {
    takeInto(primary, primaryData, targetData, standbyName, upstream, new CopyMeter(0, b -> { }));
  }

  /** As above, the copy counted and held back ({@link CopyMeter}: a ceiling, the guard). */
  static void takeInto(Connection primary, Path primaryData, Path targetData, String standbyName,
      Upstream upstream, CopyMeter meter) throws SQLException, IOException {
    ensureSlot(primary, standbyName);
    try (PreparedStatement start =
        primary.prepareStatement("SELECT pg_backup_start(?, fast => true)")) {
      start.setString(1, "underway " + standbyName);
      try (ResultSet rs = start.executeQuery()) {
        rs.next();
        log.info("Base backup for {} started at LSN {}", standbyName, rs.getString(1));
      }
    }
    String labelFile;
    String tablespaceMap;
    try {
      copyDataDirectory(primaryData, targetData, meter);
    } catch (IOException | RuntimeException e) {
      abortQuietly(primary);
      throw e;
    }
    try (PreparedStatement stop = primary.prepareStatement(
        "SELECT lsn, labelfile, spcmapfile FROM pg_backup_stop(wait_for_archive => false)");
         ResultSet rs = stop.executeQuery()) {
      rs.next();
      labelFile = rs.getString("labelfile");
      tablespaceMap = rs.getString("spcmapfile");
      log.info("Base backup for {} stopped at LSN {}", standbyName, rs.getString("lsn"));
    }
    Files.writeString(targetData.resolve("backup_label"), labelFile, StandardCharsets.UTF_8);
    if (tablespaceMap != null && !tablespaceMap.isEmpty()) {
      Files.writeString(targetData.resolve("tablespace_map"), tablespaceMap,
          StandardCharsets.UTF_8);
    }
    Files.writeString(targetData.resolve("standby.signal"), "", StandardCharsets.UTF_8);
    writeStandbySettings(targetData, standbyName, upstream);
  }

  /** The slot is created once; an inactive slot left by an interrupted attempt is reused. */
  static void ensureSlot(Connection primary, String slot) throws SQLException {
    try (PreparedStatement ps = primary.prepareStatement(
        "SELECT 1 FROM pg_replication_slots WHERE slot_name = ?")) {
      ps.setString(1, slot);
      try (ResultSet rs = ps.executeQuery()) {
        if (rs.next()) {
          log.info("Replication slot {} already exists: reusing it", slot);
          return;
        }
      }
    }
    try (PreparedStatement ps = primary.prepareStatement(
        "SELECT lsn FROM pg_create_physical_replication_slot(?, true)")) {
      ps.setString(1, slot);
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        log.info("Created physical replication slot {} reserving WAL from {}", slot,
            rs.getString(1));
      }
    }
  }

  private static void abortQuietly(Connection primary) {
    try (PreparedStatement stop = primary.prepareStatement(
        "SELECT lsn FROM pg_backup_stop(wait_for_archive => false)")) {
      stop.executeQuery().close();
    } catch (SQLException e) {
      log.debug("pg_backup_stop after a failed copy: {}", e.getMessage());
    }
  }

  /** Copies {@code from} to {@code to} (which must not exist), leaving out what the docs say. */
  static void copyDataDirectory(Path from, Path to) throws IOException {
    copyDataDirectory(from, to, new CopyMeter(0, b -> { }));
  }

  /** As above, counted by {@code meter}. */
  static void copyDataDirectory(Path from, Path to, CopyMeter meter) throws IOException {
    Path source = from.toAbsolutePath();
    Path target = to.toAbsolutePath();
    if (Files.exists(target, LinkOption.NOFOLLOW_LINKS)) {
      throw new IOException("Refusing to copy a base backup over an existing " + target);
    }
    Files.walkFileTree(source, new SimpleFileVisitor<>() {
      @Override
      public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs)
          throws IOException {
        Path rel = source.relativize(dir);
        Path dest = target.resolve(rel.toString());
        Files.copy(dir, dest, StandardCopyOption.COPY_ATTRIBUTES, LinkOption.NOFOLLOW_LINKS);
        String name = rel.toString();
        if (CONTENTS_OMITTED.contains(name)) {
          if (name.equals("pg_wal")) {
            // keep WAL's own subdirectories (archive_status, summaries), none of its files
            try (var children = Files.list(dir)) {
              for (Path child : children.toList()) {
                if (Files.isDirectory(child, LinkOption.NOFOLLOW_LINKS)) {
                  Files.copy(child, dest.resolve(child.getFileName().toString()),
                      StandardCopyOption.COPY_ATTRIBUTES, LinkOption.NOFOLLOW_LINKS);
                }
              }
            }
          }
          return FileVisitResult.SKIP_SUBTREE;
        }
        if (dir.getFileName() != null && isTemporary(dir.getFileName().toString())
            && !rel.toString().isEmpty()) {
          return FileVisitResult.SKIP_SUBTREE;
        }
        return FileVisitResult.CONTINUE;
      }

      @Override
      public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
        String name = file.getFileName().toString();
        if (FILES_OMITTED.contains(name) || isTemporary(name)) {
          return FileVisitResult.CONTINUE;
        }
        Path dest = target.resolve(source.relativize(file).toString());
        try {
          if (attrs.isRegularFile()) {
            copyFile(file, dest, attrs, meter);
          } else {
            Files.copy(file, dest, StandardCopyOption.COPY_ATTRIBUTES, LinkOption.NOFOLLOW_LINKS);
          }
        } catch (NoSuchFileException vanished) {
          log.debug("{} vanished during the base backup: skipped", file);
        }
        return FileVisitResult.CONTINUE;
      }

      @Override
      public FileVisitResult visitFileFailed(Path file, IOException e) throws IOException {
        if (e instanceof NoSuchFileException) {
          return FileVisitResult.CONTINUE;
        }
        throw e;
      }
    });
  }

  /** A file in chunks, so that the meter sees big files progress; mode and mtime kept. */
  private static void copyFile(Path file, Path dest, BasicFileAttributes attrs, CopyMeter meter)
      throws IOException {
    byte[] buffer = new byte[CHUNK];
    try (InputStream in = Files.newInputStream(file);
         OutputStream out = Files.newOutputStream(dest, StandardOpenOption.CREATE_NEW,
             StandardOpenOption.WRITE)) {
      int n;
      long start = System.nanoTime();
      while ((n = in.read(buffer)) > 0) {
        out.write(buffer, 0, n);
        long now = System.nanoTime();
        meter.copied(n, java.time.Duration.ofNanos(now - start));
        start = System.nanoTime();
      }
    }
    Files.setPosixFilePermissions(dest,
        Files.getPosixFilePermissions(file, LinkOption.NOFOLLOW_LINKS));
    Files.setLastModifiedTime(dest, attrs.lastModifiedTime());
  }

  private static final int CHUNK = 1 << 20;

  private static boolean isTemporary(String name) {
    return name.startsWith("pgsql_tmp");
  }

  /**
   * Replaces the replication settings in the copy's {@code postgresql.auto.conf}. The primary's
   * {@code synchronous_standby_names} is dropped from the copy: it means nothing on a standby and
   * must not surprise anyone if the standby is ever promoted.
   */
  static void writeStandbySettings(Path data, String standbyName, Upstream upstream)
      throws IOException {
    Path auto = data.resolve("postgresql.auto.conf");
    List<String> lines = new ArrayList<>();
    if (Files.exists(auto)) {
      for (String line : Files.readAllLines(auto, StandardCharsets.UTF_8)) {
        int eq = line.indexOf('=');
        String key = eq < 0 ? "" : line.substring(0, eq).trim().toLowerCase(Locale.ROOT);
        if (!STANDBY_KEYS.contains(key)) {
          lines.add(line);
        }
      }
    }
    String conninfo = "host=" + conninfoValue(upstream.host())
        + " port=" + upstream.port()
        + " user=" + conninfoValue(upstream.user())
        + " password=" + conninfoValue(upstream.password())
        + " application_name=" + conninfoValue(standbyName);
    lines.add("# streaming standby made by Underway from a base backup");
    lines.add("primary_conninfo = " + confString(conninfo));
    lines.add("primary_slot_name = " + confString(standbyName));
    lines.add("cluster_name = " + confString(standbyName));
    Files.write(auto, lines, StandardCharsets.UTF_8);
  }

  /** A libpq conninfo value: single-quoted with {@code \} and {@code '} escaped. */
  static String conninfoValue(String value) {
    return "'" + value.replace("\\", "\\\\").replace("'", "\\'") + "'";
  }

  /** A postgresql.conf string: single-quoted, quotes doubled, backslashes escaped. */
  static String confString(String value) {
    return "'" + value.replace("\\", "\\\\").replace("'", "''") + "'";
  }
}
