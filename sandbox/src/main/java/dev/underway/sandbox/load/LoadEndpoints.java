package dev.underway.sandbox.load;

import java.util.Optional;
import java.util.Properties;
import java.util.function.Supplier;

/**
 * Where the load goes, supplied by the sandbox. The generator asks again every
 * {@link LoadOptions#endpointCheckInterval()} (one thread calls it; keep the calls quick): when
 * a URL changes, the connections to it are replaced by new ones.
 */
public interface LoadEndpoints {

  /** The read-write server. */
  String writerJdbcUrl();

  /** The reader path, once there is one; until then reads go to the writer. */
  Optional<String> readerJdbcUrl();

  /**
   * {@code user}, {@code password} and any driver settings. The generator adds its own timeouts
   * ({@code connectTimeout}, {@code socketTimeout}) unless given here, and never logs or reports
   * the password.
   */
  Properties connectionProperties();

  /** One server that never moves and no reader path: reads and writes all go to {@code url}. */
  static LoadEndpoints writerOnly(String url, Properties properties) {
    return of(() -> url, Optional::empty, properties);
  }

  /** The endpoints {@code writer} and {@code reader} say when asked, with {@code properties}. */
  static LoadEndpoints of(Supplier<String> writer, Supplier<Optional<String>> reader,
      Properties properties) {
    return new LoadEndpoints() {
      @Override
      public String writerJdbcUrl() {
        return writer.get();
      }

      @Override
      public Optional<String> readerJdbcUrl() {
        return reader.get();
      }

      @Override
      public Properties connectionProperties() {
        return properties;
      }
    };
  }
}
