package dev.underway.sandbox.load;

import dev.underway.local.postgres.LocalPostgres;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicReference;

/** Endpoints a test can move, the way the sandbox will when the reader path appears. */
final class TestEndpoints implements LoadEndpoints {

  private record Target(String url, Properties properties) {}

  private final AtomicReference<Target> writer = new AtomicReference<>();
  private final AtomicReference<String> reader = new AtomicReference<>();

  TestEndpoints(LocalPostgres pg) {
    writer(pg);
  }

  void writer(LocalPostgres pg) {
    writer(pg.jdbcUrl("postgres"), pg);
  }

  /** The writer moves to {@code url}, with {@code pg}'s credentials. */
  void writer(String url, LocalPostgres pg) {
    Properties p = new Properties();
    p.setProperty("user", pg.superuser());
    p.setProperty("password", pg.superuserPassword());
    writer.set(new Target(url, p));
  }

  void reader(String url) {
    reader.set(url);
  }

  @Override
  public String writerJdbcUrl() {
    return writer.get().url();
  }

  @Override
  public Optional<String> readerJdbcUrl() {
    return Optional.ofNullable(reader.get());
  }

  @Override
  public Properties connectionProperties() {
    return writer.get().properties();
  }
}
