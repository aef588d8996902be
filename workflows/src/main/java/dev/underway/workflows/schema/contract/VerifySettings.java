package dev.underway.workflows.schema.contract;

import dev.underway.guard.GuardSettings;
import java.util.List;

/**
 * How verify walks the table.
 *
 * @param keyColumns the key's columns in order (as for the backfill)
 * @param chunkSize rows compared per query (default 10,000)
 * @param sampleLimit how many mismatching keys to return at most (default 10)
 * @param guard the latency guard's settings (it rests between chunks as the guard says); null
 *     (runs recorded before the guard): no guard, chunks back to back
 */
@com.fasterxml.jackson.annotation.JsonIgnoreProperties(ignoreUnknown = true)
public record VerifySettings(List<String> keyColumns, int chunkSize, int sampleLimit,
    GuardSettings guard) {
  public static final int DEFAULT_CHUNK_SIZE = 10_000;
  public static final int DEFAULT_SAMPLE_LIMIT = 10;

  /** Without the guard's settings (as recorded before the guard). */
  public VerifySettings(List<String> keyColumns, int chunkSize, int sampleLimit) {
    this(keyColumns, chunkSize, sampleLimit, null);
  }
}
