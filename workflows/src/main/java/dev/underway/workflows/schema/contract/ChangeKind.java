package dev.underway.workflows.schema.contract;

/**
 * The documented set of changes. Each adds {@link TableChange#add()} columns computed by an
 * {@code up} expression over the old row; the ones that replace columns drop {@link
 * TableChange#replace()} at the contract.
 */
public enum ChangeKind {
  /** A new column computed from existing ones ({@code full_name} from first and last name); nothing is dropped. */
  ADD_COLUMN,
  /** A column's type changes ({@code integer} to {@code bigint}): a new column of the new type replaces it. */
  CHANGE_TYPE,
  /** One column becomes several ({@code name} to {@code first_name}, {@code last_name}). */
  SPLIT_COLUMN,
  /** A column gets a new name: a new column, written through both names until the contract. */
  RENAME_COLUMN;

  /** Whether the contract drops the replaced column(s). */
  public boolean replaces() {
    return this != ADD_COLUMN;
  }
}
