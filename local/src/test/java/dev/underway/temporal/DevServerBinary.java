package dev.underway.temporal;

import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Assumptions;

/**
 * The {@code temporal} binary for tests that run the real dev server. On a developer machine
 * without it those tests are skipped with one line saying how to enable them; in CI ({@link
 * EndToEnd#required()}) they are required, so a missing binary fails them.
 */
public final class DevServerBinary {
  private DevServerBinary() {}

  public static final String HOW_TO_ENABLE = "temporal binary not found: install it with"
      + " `go install github.com/temporalio/cli/cmd/temporal@v1.5.1` (or set "
      + TemporalDevServer.BINARY_ENV + ") to run the tests against the real Temporal dev server";

  public static Path requireOrSkip() {
    Optional<Path> binary = TemporalDevServer.findBinary(null, System.getenv());
    if (binary.isEmpty() && EndToEnd.required()) {
      throw new IllegalStateException("end-to-end tests are required here ("
          + EndToEnd.REQUIRE_ENV + " or CI is true) but " + HOW_TO_ENABLE + " (.ci/run installs it)");
    }
    Assumptions.assumeTrue(binary.isPresent(), HOW_TO_ENABLE);
    return binary.get();
  }
}
