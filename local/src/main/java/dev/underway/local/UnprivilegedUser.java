package dev.underway.local;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The user a server runs as when this JVM is root (containers, CI): some refuse to run as root
 * (PostgreSQL). Its programs are run through {@code setpriv}; its directories are handed over.
 * When this JVM is not root, everything runs as this JVM's user and nothing is handed over.
 *
 * @param name the user, e.g. {@code nobody}
 */
public record UnprivilegedUser(String name) {

  private static final Logger log = LoggerFactory.getLogger(UnprivilegedUser.class);

  /** Numeric ids of a unix user. */
  record Ids(int uid, int gid) {
    static Ids of(String user) throws IOException {
      return new Ids(Integer.parseInt(Commands.capture(List.of("id", "-u", user)).trim()),
          Integer.parseInt(Commands.capture(List.of("id", "-g", user)).trim()));
    }
  }

  /** Whether this JVM runs as root. */
  public static boolean isRoot() {
    try {
      return new com.sun.security.auth.module.UnixSystem().getUid() == 0;
    } catch (LinkageError | RuntimeException e) {
      try {
        return "0".equals(Commands.capture(List.of("id", "-u")).trim());
      } catch (IOException io) {
        return "root".equals(System.getProperty("user.name"));
      }
    }
  }

  /** The command prefix that runs a program as this user; empty when this JVM is not root. */
  public List<String> commandPrefix() throws IOException {
    if (!isRoot()) {
      return List.of();
    }
    Ids ids = Ids.of(name);
    return List.of("setpriv", "--reuid=" + ids.uid(), "--regid=" + ids.gid(), "--clear-groups",
        "--");
  }

  /**
   * When this JVM is root: gives {@code dir} and everything below it to this user ({@code dir}
   * itself {@code 0700}), and makes {@code dir}'s ancestors and each of {@code alsoReachable}
   * traversable ({@code o+x}) where they are not. Returns {@link #commandPrefix()}.
   */
  public List<String> handOver(Path dir, Path... alsoReachable) throws IOException {
    List<String> prefix = commandPrefix();
    if (prefix.isEmpty()) {
      return prefix;
    }
    Ids ids = Ids.of(name);
    try (Stream<Path> walk = Files.walk(dir)) {
      for (Path p : walk.toList()) {
        Files.setAttribute(p, "unix:uid", ids.uid(), LinkOption.NOFOLLOW_LINKS);
        Files.setAttribute(p, "unix:gid", ids.gid(), LinkOption.NOFOLLOW_LINKS);
      }
    }
    Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx------"));
    makeTraversable(dir.toAbsolutePath().getParent());
    for (Path p : alsoReachable) {
      makeTraversable(p);
    }
    log.debug("Running as root: {} belongs to user '{}' (uid {})", dir, name, ids.uid());
    return prefix;
  }

  /** Gives {@code file} the owner of {@code like} (a file written by root for this user). */
  public static void copyOwner(Path like, Path file) throws IOException {
    Files.setAttribute(file, "unix:uid", Files.getAttribute(like, "unix:uid"));
    Files.setAttribute(file, "unix:gid", Files.getAttribute(like, "unix:gid"));
  }

  /** Adds o+x to {@code dir} and its ancestors that lack it, so another user can reach below. */
  private void makeTraversable(Path dir) throws IOException {
    for (Path p = dir.toAbsolutePath(); p != null; p = p.getParent()) {
      Set<PosixFilePermission> perms =
          Files.getPosixFilePermissions(p, LinkOption.NOFOLLOW_LINKS);
      if (!perms.contains(PosixFilePermission.OTHERS_EXECUTE)) {
        perms.add(PosixFilePermission.OTHERS_EXECUTE);
        Files.setPosixFilePermissions(p, perms);
        log.info("Added o+x to {} so that user '{}' can reach its files", p, name);
      }
    }
  }
}
