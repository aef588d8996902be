package dev.underway.workflows.schema.contract;

import java.util.List;

/**
 * How verify walks the table.
 *
 * @param keyColumns the key's columns in order (as for the backfill)
 * @param chunkSize rows compared per query (default 10,000)
 * @param sampleLimit how many mismatching keys to return at most (default 10)
 */
public record VerifySettings(List<String> keyColumns, int chunkSize, int sampleLimit) {
  public static final int DEFAULT_CHUNK_SIZE = 10_000;
  public static final int DEFAULT_SAMPLE_LIMIT = 10;
}
