package dev.underway.local.postgres;

import dev.underway.local.Commands;
import dev.underway.local.LocalProcess;
import dev.underway.local.LogTail;
import dev.underway.local.Passwords;
import dev.underway.local.PortTakenException;
import dev.underway.local.Ports;
import dev.underway.local.UnprivilegedUser;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Properties;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real PostgreSQL server process on this machine, for the sandbox and for tests.
 *
 * <p>The server binaries come from the jar on the classpath ({@link PostgresBinaries}). {@link
 * #start(Options)} runs {@code initdb} (password authentication, a random superuser password) and
 * {@code postgres} on a free loopback port, and returns once the server accepts connections.
 * {@link #startFromDataDirectory} starts a server on a data directory prepared elsewhere (a
 * standby made from a base backup); {@link #attach} takes over a server that is already running
 * (started by an earlier process). {@link #close()} stops it with {@code pg_ctl stop -m fast} and
 * waits for the process to exit, so nothing is left behind. The process itself, the ports, the
 * user it runs as and its log are the {@code dev.underway.local} helpers every local server uses.
 *
 * <p>Every server listens on 127.0.0.1 only, without a Unix socket. Settings that must hold for
 * the server's whole life (e.g. {@code wal_level}) are written into {@code postgresql.conf} at
 * initdb time ({@link Options#settings()}), so changing them later never needs a restart by
 * surprise; only the port travels on the command line.
 *
 * <p>PostgreSQL refuses to run as root. When this JVM runs as root (containers, CI), the server
 * runs as an {@link UnprivilegedUser} ({@code nobody} by default); its directory is handed to
 * that user.
 */
public final class LocalPostgres implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(LocalPostgres.class);

  public static final String SUPERUSER = "postgres";

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

    /** The user the server runs as when this JVM is root. */
    public UnprivilegedUser user() {
      return new UnprivilegedUser(unprivilegedUser);
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
  private final int port;
  private final String superuserPassword;
  private final LocalProcess process;

  private LocalPostgres(Path binDir, Path instanceDir, int port, String superuserPassword,
      LocalProcess process) {
    this.binDir = binDir;
    this.instanceDir = instanceDir;
    this.port = port;
    this.superuserPassword = superuserPassword;
    this.process = process;
  }

  /** Unpacks the binaries if needed, initialises a data directory and starts the server. */
  public static LocalPostgres start(Options options) throws IOException {
    Path bin = PostgresBinaries.ensure(options.binariesCache()).resolve("bin");
    Files.createDirectories(options.baseDir());
    int first = Ports.freeLoopbackPort();
    String name = options.instanceName() != null ? options.instanceName() : "postgres-" + first;
    Path instance = options.baseDir().toAbsolutePath().resolve(name);
    Files.createDirectories(instance);
    List<String> runAs = handOver(options, instance);

    String password = Passwords.random();
    Path pwFile = instance.resolve("pwfile");
    Files.writeString(pwFile, password + "\n", StandardCharsets.UTF_8);
    try {
      UnprivilegedUser.copyOwner(instance, pwFile);
      Files.setPosixFilePermissions(pwFile, PosixFilePermissions.fromString("rw-------"));
      List<String> initdb = new ArrayList<>(runAs);
      initdb.addAll(List.of(bin.resolve("initdb").toString(),
          "-D", instance.resolve("data").toString(),
          "-U", SUPERUSER, "--pwfile=" + pwFile, "--auth=scram-sha-256",
          "-E", "UTF8", "--no-locale", "--no-sync"));
      Commands.runLogged(initdb, instance.resolve("initdb.log"), Duration.ofMinutes(2));
    } finally {
      Files.deleteIfExists(pwFile);
    }
    configure(instance.resolve("data"), options);
    // the port was free when looked up; another process may have bound it since
    return Ports.retryingTakenPorts("PostgreSQL in " + instance, attempt -> launch(options, bin,
        instance, attempt == 1 ? first : Ports.freeLoopbackPort(), password, runAs));
  }

  /**
   * Starts a server on {@code instanceDir/data}, a data directory prepared elsewhere (e.g. a
   * standby's copy of a base backup with {@code standby.signal}). The directory is handed to the
   * unprivileged user first when this JVM is root. Returns once it accepts connections.
   *
   * @throws PortTakenException when another process holds {@code port}
   */
  public static LocalPostgres startFromDataDirectory(
      Options options, Path instanceDir, int port, String superuserPassword) throws IOException {
    Path bin = PostgresBinaries.ensure(options.binariesCache()).resolve("bin");
    Path instance = instanceDir.toAbsolutePath();
    if (!Files.exists(instance.resolve("data").resolve("PG_VERSION"))) {
      throw new IOException("No PostgreSQL data directory in " + instance.resolve("data"));
    }
    Files.deleteIfExists(instance.resolve("data").resolve("postmaster.pid"));
    List<String> runAs = handOver(options, instance);
    return launch(options, bin, instance, port, superuserPassword, runAs);
  }

  /**
   * Takes over the server running on {@code instanceDir/data}, if any: the one whose pid is the
   * first line of its {@code postmaster.pid} and is alive. Closing the result stops it.
   */
  public static Optional<LocalPostgres> attach(
      Options options, Path instanceDir, int port, String superuserPassword) throws IOException {
    Path instance = instanceDir.toAbsolutePath();
    Optional<Long> pid = postmasterPid(instance.resolve("data"));
    if (pid.isEmpty()) {
      return Optional.empty();
    }
    Path bin = PostgresBinaries.ensure(options.binariesCache()).resolve("bin");
    List<String> runAs = options.user().commandPrefix();
    Optional<LocalProcess> running = LocalProcess.attach(name(port), pid.get(),
        // a stale postmaster.pid whose pid now belongs to another program
        h -> h.info().command().map(c -> c.endsWith("/postgres")).orElse(true),
        stopRequest(bin, instance, runAs), STOP_TIMEOUT, options.stopOnJvmExit());
    if (running.isEmpty()) {
      return Optional.empty();
    }
    LocalPostgres pg = new LocalPostgres(bin, instance, port, superuserPassword, running.get());
    log.info("Attached to PostgreSQL on 127.0.0.1:{} (pid {}), data directory {}",
        port, pg.pid(), pg.dataDirectory());
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

  /** How long {@code pg_ctl stop} may take before the server is killed. */
  private static final Duration STOP_TIMEOUT = Duration.ofSeconds(30);

  private static LocalPostgres launch(Options options, Path bin, Path instance, int port,
      String password, List<String> runAs) throws IOException {
    Path logFile = instance.resolve("postgres.log");
    long logOffset = Files.exists(logFile) ? Files.size(logFile) : 0;
    List<String> command = new ArrayList<>(runAs);
    command.addAll(List.of(bin.resolve("postgres").toString(),
        "-D", instance.resolve("data").toString(),
        "-p", Integer.toString(port),
        "-c", "listen_addresses=127.0.0.1",
        "-c", "unix_socket_directories=",
        "-c", "fsync=off"));
    LocalProcess process = LocalProcess.start(name(port), new ProcessBuilder(command)
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile.toFile())),
        stopRequest(bin, instance, runAs), STOP_TIMEOUT, options.stopOnJvmExit());
    LocalPostgres pg = new LocalPostgres(bin, instance, port, password, process);
    try {
      pg.awaitAcceptingConnections(options.startupTimeout(), logOffset);
    } catch (IOException | RuntimeException e) {
      pg.close();
      throw e;
    }
    log.info("PostgreSQL running on 127.0.0.1:{} (pid {}), data directory {}, log {}",
        port, pg.pid(), pg.dataDirectory(), logFile);
    return pg;
  }

  private static String name(int port) {
    return "PostgreSQL on 127.0.0.1:" + port;
  }

  /** {@code pg_ctl stop -m fast}, as the server's user: a fast shutdown that waits up to 30 s. */
  private static LocalProcess.StopRequest stopRequest(Path bin, Path instance,
      List<String> runAs) {
    return p -> {
      List<String> stop = new ArrayList<>(runAs);
      stop.addAll(List.of(bin.resolve("pg_ctl").toString(), "stop",
          "-D", instance.resolve("data").toString(), "-m", "fast", "-w", "-t", "30"));
      Commands.runLogged(stop, instance.resolve("pg_ctl-stop.log"), Duration.ofSeconds(40));
    };
  }

  /** Appends {@link Options#settings()} to postgresql.conf and puts the hba lines first. */
  private static void configure(Path data, Options options) throws IOException {
    if (!options.settings().isEmpty()) {
      StringBuilder conf = new StringBuilder("\n# set by Underway at initdb time\n");
      options.settings().forEach((k, v) -> conf.append(k).append(" = ").append(v).append('\n'));
      Files.writeString(data.resolve("postgresql.conf"), conf.toString(), StandardCharsets.UTF_8,
          StandardOpenOption.APPEND);
    }
    if (!options.hbaLines().isEmpty()) {
      Path hba = data.resolve("pg_hba.conf");
      String existing = Files.readString(hba, StandardCharsets.UTF_8);
      Files.writeString(hba, "# set by Underway (first match wins)\n"
          + String.join("\n", options.hbaLines()) + "\n\n" + existing, StandardCharsets.UTF_8);
    }
  }

  /**
   * Hands {@code instance} to the server's user when this JVM is root (with the binaries
   * reachable), and keeps the data directory {@code 0700}, as PostgreSQL demands. Returns the
   * command prefix that runs a program as that user (empty when not root).
   */
  private static List<String> handOver(Options options, Path instance) throws IOException {
    List<String> runAs = options.user().handOver(instance,
        PostgresBinaries.ensure(options.binariesCache()));
    Path data = instance.resolve("data");
    if (Files.isDirectory(data)) {
      Files.setPosixFilePermissions(data, PosixFilePermissions.fromString("rwx------"));
    }
    return runAs;
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
    return instanceDir.resolve("data");
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
    // bounded at every stage: something else listening on the port (it happens: see
    // PortTakenException) accepts the connection and never answers
    props.setProperty("connectTimeout", "5");
    props.setProperty("loginTimeout", "10");
    props.setProperty("socketTimeout", "120");
    return DriverManager.getConnection(jdbcUrl(database), props);
  }

  /** Stops the server ({@code pg_ctl stop -m fast}, killed if it does not stop). Idempotent. */
  @Override
  public void close() {
    process.stop();
  }

  /**
   * Lets go of the server without stopping it (it keeps running after this JVM exits, for a
   * later {@link #attach}).
   */
  public void release() {
    process.release();
  }

  /** @param logOffset where this start's lines begin in the log (it keeps earlier starts) */
  private void awaitAcceptingConnections(Duration timeout, long logOffset) throws IOException {
    Path logFile = instanceDir.resolve("postgres.log");
    process.awaitReady(timeout, Duration.ofMillis(100), () -> {
      try (Connection c = connect("postgres")) {
        return c.isValid(5) ? null : "the connection was not valid";
      } catch (SQLException e) {
        return e.getMessage();
      }
    }, last -> {
      String tail = LogTail.of(logFile, logOffset, 20);
      String message = "PostgreSQL exited" + process.exitCode() + " while starting; log tail:\n"
          + tail;
      return tail.contains("Address already in use")
          ? new PortTakenException("port " + port + " is in use: " + message)
          : new IOException(message);
    }, last -> new IOException("PostgreSQL on port " + port + " did not accept connections"
        + " within " + timeout + " (last error: " + last + "); log tail:\n"
        + LogTail.of(logFile, 0, 20)));
  }
}
