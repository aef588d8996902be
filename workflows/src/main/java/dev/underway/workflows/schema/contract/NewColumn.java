package dev.underway.workflows.schema.contract;

/**
 * A column the change adds.
 *
 * @param name the new column's name (it must not exist yet)
 * @param type its SQL type, e.g. {@code bigint}, {@code text}
 * @param up SQL expression over the OLD row's columns (unqualified names) giving this column's
 *     value, e.g. {@code first_name || ' ' || last_name}; the backfill writes it into every row,
 *     the sync trigger into every old-shape write, verify compares against it
 */
public record NewColumn(String name, String type, String up) {}
