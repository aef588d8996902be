package dev.underway.activities.sql.schema;

import dev.underway.local.postgres.LocalPostgres;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;
import io.temporal.testing.TestActivityEnvironment;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A real PostgreSQL server and a database of its own for one test class: {@code @RegisterExtension
 * static final PostgresDatabase db = new PostgresDatabase("name");} starts the server before the
 * class's own {@code @BeforeAll} methods, creates the database, and stops the server and removes
 * its directory after the class. A test's activity environment ({@link #environment()}) is
 * closed after the test. Everything else is {@link SchemaFixture}'s.
 */
final class PostgresDatabase extends SchemaFixture implements BeforeAllCallback,
    AfterAllCallback, AfterEachCallback {

  private Path dir;
  private TestActivityEnvironment environment;

  PostgresDatabase(String database) {
    super(database);
  }

  @Override
  public void beforeAll(ExtensionContext context) throws Exception {
    dir = Files.createTempDirectory("underway-" + database);
    attach(LocalPostgres.start(LocalPostgres.Options.under(dir)));
  }

  @Override
  public void afterAll(ExtensionContext context) throws IOException {
    if (pg != null) {
      pg.close();
    }
    delete(dir);
  }

  /** The running test's activity environment: opened on first use, closed after the test. */
  TestActivityEnvironment environment() {
    if (environment == null) {
      environment = TestActivityEnvironment.newInstance();
    }
    return environment;
  }

  @Override
  public void afterEach(ExtensionContext context) {
    if (environment != null) {
      environment.close();
      environment = null;
    }
  }

  /** Removes {@code dir} and everything below it (nothing when null). */
  static void delete(Path dir) throws IOException {
    if (dir == null || !Files.exists(dir)) {
      return;
    }
    try (Stream<Path> all = Files.walk(dir)) {
      for (Path p : all.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    }
  }
}
