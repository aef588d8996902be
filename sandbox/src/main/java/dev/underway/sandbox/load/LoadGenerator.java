package dev.underway.sandbox.load;

import dev.underway.activities.sql.JdbcProperties;
import dev.underway.sandbox.report.LoadReport;
import dev.underway.sandbox.report.LoadReport.MarkKind;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Steady read/write traffic against the sandbox's database while it evolves, measured per phase.
 *
 * <p>Open-loop pacing: one pacer thread parks until each operation's scheduled time
 * ({@code start + n / rate}) and queues it; {@code threads} workers, each with its own writer
 * (and reader) connection, take operations from the queue. Latency is measured from the scheduled
 * time, so a stalled database shows up as latency, not as a politely slower client. When every
 * worker is busy and a second's worth of operations is already queued, further operations are
 * counted as missed instead of piling up.
 *
 * <p>What the operations do is the {@link Workload}'s ({@link KeyValueWorkload} unless another is
 * given): its schema is created once per writer endpoint, its writes go to the writer path, its
 * reads over the reader path once
 * {@link LoadEndpoints#readerJdbcUrl()} offers one (asked again every
 * {@link LoadOptions#endpointCheckInterval()}); each connection samples
 * {@code pg_is_in_recovery()} when it is opened, so the report says which kind of server served
 * the reads. A statement the database asks to retry (40001, 40P01: contention under
 * SERIALIZABLE, CockroachDB's default) is retried within its operation and counted as a retry.
 * A failed operation is counted, its connection replaced; reconnects back off
 * exponentially and operations attempted meanwhile fail fast (and are counted).
 *
 * <p>Usage: {@code start()}, {@code mark(phase, step)} at every phase/step change,
 * {@code snapshot()} for progress, {@code stop()}, {@code report()}. Every public method is
 * thread-safe; recording on the operation path is wait-free (HdrHistogram's writer/reader phaser).
 */
public final class LoadGenerator implements AutoCloseable {

  /**
   * The phase name of the load's first seconds (connections opening, JIT): reported, but never
   * the baseline the other phases are compared with.
   */
  public static final String WARMUP = "warmup";

  private static final Logger log = LoggerFactory.getLogger(LoadGenerator.class);
  private static final long JOIN_TIMEOUT_MS = 15_000;

  private record Targets(String writerUrl, String readerUrl, Properties properties) {
    String secret() {
      return properties.getProperty("password");
    }
  }

  private final LoadEndpoints endpoints;
  private final LoadOptions options;
  private final Workload workload;
  private final IntervalRecorder recorder = new IntervalRecorder();
  private final ErrorLog errors = new ErrorLog();
  private final Set<String> schemaReady = ConcurrentHashMap.newKeySet();
  private final BlockingQueue<Long> queue;
  private final Object lock = new Object();
  private final List<Thread> workers = new ArrayList<>();

  private volatile Targets targets;
  private volatile boolean running;
  private volatile String currentPhase = "unmarked";
  private String initialPhase = "unmarked";
  private String initialStep = "";
  private Aggregator aggregator;
  private ScheduledExecutorService scheduler;
  /** Opens connections for moved endpoints, off the operation path. */
  private ExecutorService warmer;
  private Thread pacer;
  private long startNanos;
  private long stopNanos;
  private String startedAt;
  /** The wall-clock time of {@link #startNanos}: run marks are converted through it. */
  private Instant startedAtInstant;
  private boolean started;
  private boolean stopped;

  /** The {@link KeyValueWorkload}, with the options' share of updates among the writes. */
  public LoadGenerator(LoadEndpoints endpoints, LoadOptions options) {
    this(endpoints, options, new KeyValueWorkload(options.updatePercentOfWrites()));
  }

  public LoadGenerator(LoadEndpoints endpoints, LoadOptions options, Workload workload) {
    this.endpoints = Objects.requireNonNull(endpoints, "endpoints");
    this.options = Objects.requireNonNull(options, "options");
    this.workload = Objects.requireNonNull(workload, "workload");
    this.queue = new ArrayBlockingQueue<>(
        (int) Math.max(options.threads(), Math.ceil(options.opsPerSecond())));
  }

  public LoadOptions options() {
    return options;
  }

  /**
   * Starts the load. Connections are opened by the workers (a database that is not there yet
   * shows up as failed operations, not as an exception here). Calling {@link #mark} before
   * {@code start()} names the first segment; otherwise it is {@code unmarked}.
   */
  public void start() {
    synchronized (lock) {
      if (started) {
        throw new IllegalStateException("already started");
      }
      targets = readTargets();
      startNanos = System.nanoTime();
      startedAtInstant = Instant.now();
      startedAt = startedAtInstant.truncatedTo(ChronoUnit.MILLIS).toString();
      aggregator = new Aggregator(startNanos, initialPhase, initialStep);
      currentPhase = initialPhase;
      running = true;
      started = true;
    }
    warmer = Executors.newCachedThreadPool(r -> {
      Thread t = new Thread(r, "underway-load-warmer");
      t.setDaemon(true);
      return t;
    });
    for (int i = 0; i < options.threads(); i++) {
      Thread t = new Thread(new Worker(i)::run, "underway-load-" + i);
      t.setDaemon(true);
      workers.add(t);
      t.start();
    }
    pacer = new Thread(this::pace, "underway-load-pacer");
    pacer.setDaemon(true);
    pacer.start();
    scheduler = Executors.newScheduledThreadPool(2, r -> {
      Thread t = new Thread(r, "underway-load-collector");
      t.setDaemon(true);
      return t;
    });
    scheduler.scheduleAtFixedRate(this::collect, LoadReport.SAMPLING_MS,
        LoadReport.SAMPLING_MS, TimeUnit.MILLISECONDS);
    long check = options.endpointCheckInterval().toMillis();
    scheduler.scheduleWithFixedDelay(this::refreshEndpoints, check, check, TimeUnit.MILLISECONDS);
    log.info("Load started: {} workload, {} ops/s, {} threads, {}% writes, writer {}",
        workload.name(), options.opsPerSecond(), options.threads(), options.writePercent(),
        redact(targets.writerUrl()));
  }

  /**
   * Starts a new segment now: what follows belongs to {@code phase}/{@code step}. Segments of
   * the same phase are summed in the report. Repeating the latest mark changes nothing.
   */
  public void mark(String phase, String step) {
    Objects.requireNonNull(phase, "phase");
    String s = step == null ? "" : step;
    synchronized (lock) {
      if (!started) {
        initialPhase = phase;
        initialStep = s;
        return;
      }
      if (stopped) {
        return;
      }
      long now = System.nanoTime();
      aggregator.add(recorder.swap(), now); // the segment starts exactly here
      aggregator.mark(phase, s, MarkKind.LOAD, now);
      currentPhase = aggregator.phase();
    }
  }

  /**
   * A step of the run, marked at the time the run recorded it ({@code at}, usually a poll ago):
   * from then until the next mark, the load belongs to {@code phase}/{@code step}, and to the
   * phase's gate wait when {@code kind} is {@link MarkKind#GATE}.
   */
  public void mark(String phase, String step, MarkKind kind, Instant at) {
    mark(phase, step, kind, at, "");
  }

  /**
   * {@link #mark(String, String, MarkKind, Instant)} with what the run said about it (who
   * approved, the batch size set), shown beside the mark in the report.
   */
  public void mark(String phase, String step, MarkKind kind, Instant at, String detail) {
    Objects.requireNonNull(phase, "phase");
    Objects.requireNonNull(kind, "kind");
    synchronized (lock) {
      if (!started || stopped) {
        throw new IllegalStateException("marks of the run need the load running");
      }
      long sinceStart = Duration.between(startedAtInstant, at).toNanos();
      aggregator.mark(phase, step == null ? "" : step, kind, startNanos + sinceStart, detail);
      currentPhase = aggregator.phase();
    }
  }

  /** Live numbers (lagging by at most a second). */
  public LoadSnapshot snapshot() {
    synchronized (lock) {
      if (!started) {
        return new LoadSnapshot(0, initialPhase, initialStep, 0, 0, 0, 0, null, false);
      }
      return aggregator.snapshot(stopped ? stopNanos : System.nanoTime(),
          targets.readerUrl() != null);
    }
  }

  /** Stops the load, waits for operations in flight and closes every connection. Idempotent. */
  public void stop() {
    synchronized (lock) {
      if (!started || stopped) {
        return;
      }
      running = false;
    }
    LockSupport.unpark(pacer);
    scheduler.shutdownNow();
    long deadline = System.currentTimeMillis() + JOIN_TIMEOUT_MS;
    try {
      pacer.join(JOIN_TIMEOUT_MS);
      for (Thread t : workers) {
        t.join(Math.max(1, deadline - System.currentTimeMillis()));
        if (t.isAlive()) {
          log.warn("Load worker {} still busy after {} ms; leaving it (daemon)", t.getName(),
              JOIN_TIMEOUT_MS);
        }
      }
      // after the workers: a warm-up still running completes, and its connection is closed
      warmer.shutdown();
      scheduler.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    queue.clear();
    synchronized (lock) {
      long now = System.nanoTime();
      aggregator.add(recorder.swap(), now);
      stopNanos = now;
      stopped = true;
    }
    log.info("Load stopped: {}", snapshot().progressLine());
  }

  /** The report so far (final after {@link #stop()}). */
  public LoadReport report() {
    synchronized (lock) {
      if (!started) {
        throw new IllegalStateException("not started");
      }
      long now = stopped ? stopNanos : System.nanoTime();
      if (!stopped) {
        aggregator.add(recorder.swap(), now);
      }
      return aggregator.report(now, startedAt, options, errors.samples());
    }
  }

  @Override
  public void close() {
    stop();
  }

  // ---- pacing, collecting, endpoints --------------------------------------------------------

  private void pace() {
    double nanosPerOp = 1e9 / options.opsPerSecond();
    long n = 0;
    while (running) {
      long due = startNanos + (long) (n * nanosPerOp);
      long wait = due - System.nanoTime();
      if (wait > 0) {
        LockSupport.parkNanos(this, wait);
        continue;
      }
      if (!queue.offer(due)) {
        recorder.recordMissed();
      }
      n++;
    }
  }

  private void collect() {
    synchronized (lock) {
      if (!stopped) {
        aggregator.add(recorder.swap(), System.nanoTime());
      }
    }
  }

  private void refreshEndpoints() {
    try {
      Targets next = readTargets();
      Targets current = targets;
      if (!Objects.equals(next.writerUrl(), current.writerUrl())
          || !Objects.equals(next.readerUrl(), current.readerUrl())) {
        log.info("Load endpoints changed: writer {}, reader {}", redact(next.writerUrl()),
            next.readerUrl() == null ? "(none: reads go to the writer)" : redact(next.readerUrl()));
        targets = next;
      }
    } catch (RuntimeException e) {
      log.warn("Cannot read the load endpoints (keeping the previous ones): {}", e.toString());
    }
  }

  private Targets readTargets() {
    String writer = Objects.requireNonNull(endpoints.writerJdbcUrl(), "writerJdbcUrl");
    Optional<String> reader = endpoints.readerJdbcUrl();
    Properties props = JdbcProperties.withDefaults(endpoints.connectionProperties(),
        "underway-load", TIMEOUTS);
    return new Targets(writer, reader == null ? null : reader.orElse(null), props);
  }

  /** Unless the endpoints give their own: a read that takes 10 s is a failed operation. */
  private static final JdbcProperties.Timeouts TIMEOUTS = new JdbcProperties.Timeouts(5, 10, 10);

  static String redact(String url) {
    return url == null ? null : url.replaceAll("(?i)(password=)[^&]*", "$1***");
  }

  // ---- workers -------------------------------------------------------------------------------

  /** One worker thread with its own connections (thread-confined: no locking). */
  private final class Worker {
    private final Slot writer = new Slot("writer", true);
    private final Slot reader = new Slot("reader", false);
    private final int index;

    Worker(int index) {
      this.index = index;
    }

    void run() {
      try {
        while (running) {
          Long due;
          try {
            due = queue.poll(200, TimeUnit.MILLISECONDS);
          } catch (InterruptedException e) {
            return;
          }
          if (due != null && running) {
            operate(due);
          }
        }
      } finally {
        writer.close();
        reader.close();
      }
    }

    private void operate(long dueNanos) {
      ThreadLocalRandom random = ThreadLocalRandom.current();
      Targets t = targets;
      if (random.nextInt(100) < options.writePercent()) {
        write(t, dueNanos, workload.write(index, random));
      } else {
        read(t, dueNanos, workload.read(random));
      }
    }

    private void write(Targets t, long dueNanos, Workload.Operation operation) {
      try {
        Connection c = writer.connection(t.writerUrl(), t.properties());
        operation.body().run(writer.sql(c));
        recorder.recordWrite(true, micros(dueNanos));
      } catch (SQLException | RuntimeException e) {
        recorder.recordWrite(false, micros(dueNanos));
        failed(writer, operation.name(), e, t);
      }
    }

    private void read(Targets t, long dueNanos, Workload.Operation operation) {
      boolean onReader = t.readerUrl() != null;
      if (onReader && !reader.readyFor(t.readerUrl(), t.properties())) {
        onReader = false; // its connection is opening off the operation path: the writer serves
      }
      Slot slot = onReader ? reader : writer;
      if (t.readerUrl() == null) {
        reader.close();
      }
      try {
        Connection c = slot.connection(onReader ? t.readerUrl() : t.writerUrl(), t.properties());
        boolean found = operation.body().run(slot.sql(c));
        recorder.recordRead(true, micros(dueNanos), slot.role, onReader, found);
      } catch (SQLException | RuntimeException e) {
        recorder.recordRead(false, micros(dueNanos), ServerRole.UNKNOWN, onReader, false);
        failed(slot, onReader ? operation.name() + " (reader path)" : operation.name(), e, t);
      }
    }

    private void failed(Slot slot, String operation, Exception e, Targets t) {
      String state = e instanceof SQLException s && s.getSQLState() != null ? s.getSQLState() : "";
      errors.add(offsetMs(), currentPhase, operation, state, e.getMessage(), t.secret());
      if ("42P01".equals(state) && slot.url != null) {
        schemaReady.remove(slot.url); // the table is gone (a new, empty server): create it again
      }
      if (!(e instanceof NotConnected)) {
        slot.broken(e);
      }
    }

    private long micros(long dueNanos) {
      return (System.nanoTime() - dueNanos) / 1000;
    }
  }

  /** SQLSTATEs after which the same statement is tried again. */
  static final Set<String> RETRY_STATES = Set.of("40001", "40P01");

  /** Attempts of one statement, the first included. */
  static final int MAX_ATTEMPTS = 10;

  /** Upper bound of the pause before a retry (before jitter). */
  private static final long MAX_PAUSE_MS = 50;

  /**
   * Runs one autocommit statement, again when the database asks the client to retry it
   * (serialization failure or deadlock: what CockroachDB, SERIALIZABLE by default, answers to
   * contention, and what its documentation tells clients to retry), up to {@value #MAX_ATTEMPTS}
   * attempts with a short, growing, jittered pause. Each retry is counted; the operation's latency
   * includes them.
   */
  private <T> T retrying(Workload.Attempt<T> statement) throws SQLException {
    for (int attempt = 1; ; attempt++) {
      try {
        return statement.run();
      } catch (SQLException e) {
        if (attempt >= MAX_ATTEMPTS || !RETRY_STATES.contains(e.getSQLState())) {
          throw e;
        }
        recorder.recordRetry();
        long pauseNanos = TimeUnit.MILLISECONDS.toNanos(Math.min(MAX_PAUSE_MS, 1L << attempt));
        LockSupport.parkNanos(pauseNanos + ThreadLocalRandom.current().nextLong(pauseNanos));
      }
    }
  }

  /** {@code body} in one transaction on {@code c}: committed, or rolled back when it throws. */
  public static <T> T inTransaction(Connection c, Workload.Attempt<T> body) throws SQLException {
    c.setAutoCommit(false);
    try {
      T result = body.run();
      c.commit();
      return result;
    } catch (SQLException | RuntimeException e) {
      try {
        c.rollback();
      } catch (SQLException suppressed) {
        e.addSuppressed(suppressed);
      }
      throw e;
    } finally {
      try {
        c.setAutoCommit(true);
      } catch (SQLException ignored) {
        // a broken connection: the failure above says why, and the slot replaces it
      }
    }
  }

  private long offsetMs() {
    return (System.nanoTime() - startNanos) / 1_000_000;
  }

  /** An operation refused without trying because the connection is waiting to reconnect. */
  static final class NotConnected extends SQLException {
    NotConnected(String which) {
      super("not connected to the " + which + " (waiting to reconnect)", "08001");
    }
  }

  /** A connection opened for a URL, with the kind of server it reached. */
  private record Opened(Connection connection, ServerRole role) {
    void closeQuietly() {
      LoadGenerator.closeQuietly(connection);
    }
  }

  /**
   * Opens a connection as the application would: creates the table once per writer endpoint,
   * samples the server's role. Called on a worker thread or, for a moved endpoint, on the warm-up executor.
   */
  private Opened open(String url, Properties props, boolean writer) throws SQLException {
    Connection c = null;
    try {
      c = DriverManager.getConnection(url, props);
      c.setAutoCommit(true);
      if (writer && !schemaReady.contains(url)) {
        // One thread creates the table per server; the others wait for it instead of racing.
        synchronized (schemaReady) {
          if (!schemaReady.contains(url)) {
            ensureSchema(c, workload.schema());
            schemaReady.add(url);
          }
        }
      }
      return new Opened(c, sampleRole(c));
    } catch (SQLException | RuntimeException e) {
      closeQuietly(c);
      throw e;
    }
  }

  /**
   * One connection of a worker, replaced when it fails; reconnects back off exponentially.
   *
   * <p>When the endpoint moves while this connection is healthy (a node added to a multi-host
   * URL, the reader path appearing), the new connection is opened off the operation path, as a
   * pool would, and the old one keeps serving until it is ready: the report measures the
   * database, not this client's reconnects. A connection that failed is replaced on the
   * operation path, and that cost is measured.
   */
  private final class Slot {
    final String name;
    final boolean writer;
    Connection connection;
    String url;
    ServerRole role = ServerRole.UNKNOWN;
    final Map<String, PreparedStatement> statements = new HashMap<>();
    long backoffNanos;
    long nextAttemptNanos;
    boolean failing;
    /** The connection opening for {@link #warmingUrl}, off the operation path. */
    CompletableFuture<Opened> warming;
    String warmingUrl;

    Slot(String name, boolean writer) {
      this.name = name;
      this.writer = writer;
    }

    /**
     * Whether an operation may use this slot for {@code targetUrl} now without waiting for a
     * connection to open: it has a connection (for this or a previous URL), or the warm-up for
     * this URL is over (done or failed: a failure then shows up on the operation path). Starts
     * the warm-up otherwise.
     */
    boolean readyFor(String targetUrl, Properties props) {
      if (connection != null || targetUrl.equals(url)) {
        return true;
      }
      warm(targetUrl, props);
      return warming.isDone();
    }

    Connection connection(String targetUrl, Properties props) throws SQLException {
      if (!targetUrl.equals(url)) {
        if (connection != null || warmingUrl != null && warmingUrl.equals(targetUrl)) {
          Connection moved = adoptWarm(targetUrl, props);
          if (moved != null) {
            return moved;
          }
          if (connection != null) {
            return connection; // the old endpoint serves until the new connection is ready
          }
        }
        // nothing to serve with meanwhile: connect on the operation path, at once
        close();
        url = targetUrl;
        backoffNanos = 0;
        nextAttemptNanos = 0;
      } else if (warming != null) {
        dropWarm(); // the endpoint moved back before the warm-up finished
      }
      if (connection != null) {
        return connection;
      }
      long now = System.nanoTime();
      if (now < nextAttemptNanos) {
        throw new NotConnected(name);
      }
      try {
        adopt(open(targetUrl, props, writer));
        backoffNanos = 0;
        nextAttemptNanos = 0;
        if (failing) {
          log.info("Load {} connection to {} restored", name, redact(targetUrl));
          failing = false;
        }
        return connection;
      } catch (SQLException | RuntimeException e) {
        long min = options.minBackoff().toNanos();
        backoffNanos = backoffNanos == 0 ? min
            : Math.min(options.maxBackoff().toNanos(), backoffNanos * 2);
        long jitter = ThreadLocalRandom.current().nextLong(backoffNanos / 5 + 1);
        nextAttemptNanos = System.nanoTime() + backoffNanos + jitter;
        if (!failing) {
          log.warn("Load {} cannot connect to {}: {} (retrying with backoff)", name,
              redact(targetUrl), ErrorLog.sanitize(e.getMessage(), props.getProperty("password")));
          failing = true;
        }
        throw e;
      }
    }

    /** Starts opening a connection to {@code targetUrl} off the operation path, once. */
    void warm(String targetUrl, Properties props) {
      if (warming != null && targetUrl.equals(warmingUrl)) {
        return;
      }
      dropWarm();
      warmingUrl = targetUrl;
      try {
        warming = CompletableFuture.supplyAsync(() -> {
          try {
            return open(targetUrl, props, writer);
          } catch (SQLException e) {
            throw new CompletionException(e);
          }
        }, warmer);
      } catch (RejectedExecutionException stopping) {
        warming = CompletableFuture.failedFuture(stopping);
      }
    }

    /**
     * The warmed connection to {@code targetUrl} once it is ready (the old one is closed), else
     * null while it opens. A warm-up that failed is forgotten: the operation path tries next.
     */
    private Connection adoptWarm(String targetUrl, Properties props) {
      warm(targetUrl, props);
      if (!warming.isDone()) {
        return null;
      }
      CompletableFuture<Opened> done = warming;
      warming = null;
      warmingUrl = null;
      try {
        Opened opened = done.join();
        closeConnection();
        url = targetUrl;
        adopt(opened);
        log.debug("Load {} connection moved to {}", name, redact(targetUrl));
        return connection;
      } catch (CompletionException | CancellationException e) {
        log.info("Load {} could not open a connection to {} ahead of time ({}); the next"
            + " operation connects itself", name, redact(targetUrl),
            ErrorLog.sanitize(String.valueOf(e.getCause()), props.getProperty("password")));
        closeConnection();
        url = targetUrl;
        return null;
      }
    }

    private void adopt(Opened opened) {
      connection = opened.connection();
      role = opened.role();
    }

    /** What an operation runs its SQL through on {@code c}, this slot's connection. */
    Workload.Sql sql(Connection c) {
      return new Workload.Sql() {
        @Override
        public PreparedStatement prepare(String statement) throws SQLException {
          PreparedStatement ps = statements.get(statement);
          if (ps == null) {
            ps = c.prepareStatement(statement);
            statements.put(statement, ps);
          }
          return ps;
        }

        @Override
        public <T> T retrying(Workload.Attempt<T> statement) throws SQLException {
          return LoadGenerator.this.retrying(statement);
        }

        @Override
        public <T> T transaction(Workload.Attempt<T> body) throws SQLException {
          return LoadGenerator.this.retrying(() -> inTransaction(c, body));
        }
      };
    }

    /** The operation failed on this connection: drop it; the next operation reconnects. */
    void broken(Exception e) {
      if (connection != null && !failing) {
        log.warn("Load {} connection failed ({}); replacing it", name, e.getClass().getSimpleName());
        failing = true;
      }
      closeConnection();
    }

    private void closeConnection() {
      statements.clear();
      closeQuietly(connection);
      connection = null;
    }

    /** Closes the connection and any warm-up (closed when it completes, if it still runs). */
    void close() {
      closeConnection();
      dropWarm();
    }

    private void dropWarm() {
      if (warming != null) {
        warming.thenAccept(Opened::closeQuietly);
        warming = null;
        warmingUrl = null;
      }
    }
  }

  private static final Set<String> ALREADY_CREATED = Set.of("42P07", "42710", "23505");

  private static void ensureSchema(Connection c, List<String> schema) throws SQLException {
    for (String statement : schema) {
      try (Statement s = c.createStatement()) {
        s.execute(statement);
      } catch (SQLException e) {
        // another process created it at the same moment: PostgreSQL's IF NOT EXISTS still fails
        // the loser, as a duplicate table (42P07), type (42710) or catalog row (23505)
        if (!ALREADY_CREATED.contains(e.getSQLState())) {
          throw e;
        }
      }
    }
  }

  private static ServerRole sampleRole(Connection c) {
    try (Statement s = c.createStatement();
         ResultSet rs = s.executeQuery("SELECT pg_is_in_recovery()")) {
      if (rs.next()) {
        return rs.getBoolean(1) ? ServerRole.STANDBY : ServerRole.PRIMARY;
      }
    } catch (SQLException e) {
      log.debug("pg_is_in_recovery() not available: {}", e.getMessage());
    }
    return ServerRole.UNKNOWN;
  }

  private static void closeQuietly(Connection c) {
    if (c != null) {
      try {
        c.close();
      } catch (SQLException | RuntimeException ignored) {
        // already broken
      }
    }
  }
}
