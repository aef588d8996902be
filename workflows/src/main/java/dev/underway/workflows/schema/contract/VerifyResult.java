package dev.underway.workflows.schema.contract;

import java.util.List;

/**
 * A verification of every row: each new column {@code IS NOT DISTINCT FROM} its {@code up} over
 * the row's old columns (and each replaced column with a {@code down} from the new ones).
 *
 * @param rowsChecked rows compared
 * @param mismatches rows that differ
 * @param sampleKeys up to the requested number of mismatching rows' keys, as text ({@code
 *     "(42)"}, {@code "(7,abc)"})
 */
public record VerifyResult(long rowsChecked, long mismatches, List<String> sampleKeys) {}
