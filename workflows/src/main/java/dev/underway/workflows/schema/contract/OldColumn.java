package dev.underway.workflows.schema.contract;

/**
 * A column the change replaces: kept right while both shapes are written, dropped at the
 * contract.
 *
 * @param name the existing column's name
 * @param down SQL expression over the NEW columns (unqualified names) giving this column's
 *     value, e.g. {@code amount_v2::integer}; the sync trigger writes it on new-shape writes.
 *     Null: the change has no way back for new-shape writes (they leave this column as it was),
 *     so reads cannot be reverted once old writes stopped
 */
public record OldColumn(String name, String down) {}
