package dev.underway.activities.sql.schema;

import dev.underway.local.postgres.LocalPostgres;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A real PostgreSQL server and a database of its own for one test class: {@code @RegisterExtension
 * static final PostgresDatabase db = new PostgresDatabase("name");} starts the server before the
 * class's own {@code @BeforeAll} methods, creates the database, and stops the server and removes
 * its directory after the class. Everything else is {@link SchemaFixture}'s.
 */
final class PostgresDatabase extends SchemaFixture implements BeforeAllCallback,
    AfterAllCallback {

  private Path dir;

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
