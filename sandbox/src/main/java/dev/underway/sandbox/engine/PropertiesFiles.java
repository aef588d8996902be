package dev.underway.sandbox.engine;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Properties;

/** The files a local cluster keeps its state and its secrets in. */
public final class PropertiesFiles {
  private PropertiesFiles() {}

  /** Replaces {@code file} at once: a reader sees the old content or the new, never half. */
  public static void writeAtomically(Path file, Properties p, String comment) throws IOException {
    Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
    try (OutputStream out = Files.newOutputStream(tmp)) {
      p.store(out, comment);
    }
    Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
  }

  /** Writes {@code file} readable by this user only ({@code 0600}) from its creation on. */
  public static void writePrivate(Path file, Properties p, String comment) throws IOException {
    Files.deleteIfExists(file);
    Files.createFile(file, PosixFilePermissions.asFileAttribute(
        PosixFilePermissions.fromString("rw-------")));
    try (OutputStream out = Files.newOutputStream(file)) {
      p.store(out, comment);
    }
  }

  /** Reads {@code file}; {@code missing} is the message when it is not there. */
  public static Properties read(Path file, String missing) throws IOException {
    if (!Files.exists(file)) {
      throw new IOException(missing);
    }
    Properties p = new Properties();
    try (InputStream in = Files.newInputStream(file)) {
      p.load(in);
    }
    return p;
  }
}
