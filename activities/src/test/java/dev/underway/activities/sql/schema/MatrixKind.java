package dev.underway.activities.sql.schema;

import dev.underway.workflows.schema.contract.ChangeKind;
import dev.underway.workflows.schema.contract.NewColumn;
import dev.underway.workflows.schema.contract.OldColumn;
import dev.underway.workflows.schema.contract.TableChange;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.stream.Collectors;

/**
 * The four documented kinds of change as the writers matrix uses them: the table each starts
 * from ({@code id bigint PRIMARY KEY}, the old side, an unrelated {@code note}), the change (the
 * runbook's examples), and the values each shape's writer writes, chosen so that a new-shape
 * value does not survive a trip through {@code down} and {@code up} (a type change of cents,
 * a split of "Mary Ann" "Smith"): a write taken in the wrong shape shows.
 *
 * <p>{@code ADD_COLUMN}'s new column is derived ({@code full_name} of the names, which stay):
 * verify holds on any row whose {@code full_name} is not its {@code up}, so its new-shape
 * writers write the value the application computes from the row's names, and a new-shape INSERT
 * names the names too (they are part of the new shape).
 */
enum MatrixKind {
  ADD_COLUMN(ChangeKind.ADD_COLUMN, List.of(col("first_name", "text"), col("last_name", "text")),
      List.of(new NewColumn("full_name", "text", "concat_ws(' ', first_name, last_name)")),
      List.of()),
  CHANGE_TYPE(ChangeKind.CHANGE_TYPE, List.of(col("amount", "integer NOT NULL")),
      List.of(new NewColumn("amount_cents", "bigint", "amount::bigint * 100")),
      List.of(new OldColumn("amount", "(amount_cents / 100)::integer"))),
  RENAME_COLUMN(ChangeKind.RENAME_COLUMN, List.of(col("email", "text")),
      List.of(new NewColumn("email_address", "text", "email")),
      List.of(new OldColumn("email", "email_address"))),
  SPLIT_COLUMN(ChangeKind.SPLIT_COLUMN, List.of(col("name", "text NOT NULL")),
      List.of(new NewColumn("first_name", "text", "split_part(name, ' ', 1)"),
          new NewColumn("last_name", "text",
              "nullif(substr(name, length(split_part(name, ' ', 1)) + 2), '')")),
      List.of(new OldColumn("name", "concat_ws(' ', first_name, last_name)")));

  /** A column and its type (with its constraint, for the table's definition). */
  record Col(String name, String definition) {
    String type() {
      return definition.replace(" NOT NULL", "");
    }
  }

  private final ChangeKind kind;
  private final List<Col> oldSide;
  private final List<NewColumn> add;
  private final List<OldColumn> replace;

  MatrixKind(ChangeKind kind, List<Col> oldSide, List<NewColumn> add, List<OldColumn> replace) {
    this.kind = kind;
    this.oldSide = oldSide;
    this.add = add;
    this.replace = replace;
  }

  private static Col col(String name, String definition) {
    return new Col(name, definition);
  }

  TableChange change(String table) {
    return new TableChange(null, table, null, kind, add, replace);
  }

  /** As {@link #change}, for a table whose logical replication's other end was changed first. */
  TableChange replicated(String table) {
    return new TableChange(null, table, null, kind, add, replace, null, null, true, null);
  }

  String createTable(String table) {
    return "CREATE TABLE " + table + " (id bigint PRIMARY KEY, " + oldSide.stream()
        .map(c -> c.name() + " " + c.definition()).collect(Collectors.joining(", "))
        + ", note text)";
  }

  List<Col> oldSide() {
    return oldSide;
  }

  List<Col> newSide() {
    return add.stream().map(c -> col(c.name(), c.type())).toList();
  }

  List<NewColumn> add() {
    return add;
  }

  List<OldColumn> replace() {
    return replace;
  }

  /** Whether the contract drops the old side (else it stays: an added column). */
  boolean replaces() {
    return !replace.isEmpty();
  }

  /** Whether a new-shape write gives the old side through {@code down}. */
  boolean hasDown() {
    return replaces();
  }

  List<String> oldNames() {
    return oldSide.stream().map(Col::name).toList();
  }

  List<String> newNames() {
    return add.stream().map(NewColumn::name).toList();
  }

  /** The columns a new-shape INSERT gives: the new ones (and the names, for an added column). */
  List<String> newInsertNames() {
    List<String> out = new ArrayList<>(replaces() ? List.of() : oldNames());
    out.addAll(newNames());
    return out;
  }

  /** The {@code n}-th old-shape value: round-trips through up and down. */
  List<String> oldValues(int n) {
    return switch (this) {
      case ADD_COLUMN -> Arrays.asList("Ann" + n, n % 3 == 0 ? null : "Lee");
      case CHANGE_TYPE -> List.of(String.valueOf(1_000 + n));
      case RENAME_COLUMN -> List.of("old" + n + "@x");
      case SPLIT_COLUMN -> List.of(switch (n % 3) {
        case 0 -> "Dee Dee Ramone" + n;
        case 1 -> "Cher" + n;
        default -> "Al  Green" + n;
      });
    };
  }

  /**
   * The {@code n}-th new-shape value of the new columns, for a row whose old side is {@code
   * old}: one that {@code up} of its {@code down} does not give back, where the change allows.
   */
  List<String> newValues(int n, List<String> old) {
    return switch (this) {
      case ADD_COLUMN -> List.of(joined(old));
      case CHANGE_TYPE -> List.of(String.valueOf(100L * (2_000 + n) + 45));
      case RENAME_COLUMN -> List.of("new" + n + "@x");
      case SPLIT_COLUMN -> switch (n % 3) {
        case 0 -> Arrays.asList("Mary Ann" + n, "Smith");
        case 1 -> Arrays.asList("Jean Luc" + n, null);
        default -> Arrays.asList(null, "Cher" + n);
      };
    };
  }

  /** The {@code n}-th new-shape INSERT's values, of {@link #newInsertNames()}. */
  List<String> newInsertValues(int n) {
    List<String> out = new ArrayList<>(replaces() ? List.of() : oldValues(n));
    out.addAll(newValues(n, oldValues(n)));
    return out;
  }

  /** The {@code n}-th consistent write of both shapes: the old side, then the new side. */
  List<List<String>> bothValues(int n) {
    return switch (this) {
      case ADD_COLUMN -> List.of(oldValues(n), List.of(joined(oldValues(n))));
      case CHANGE_TYPE -> {
        long cents = 100L * (3_000 + n) + 45;
        yield List.of(List.of(String.valueOf(cents / 100)), List.of(String.valueOf(cents)));
      }
      case RENAME_COLUMN -> List.of(List.of("both" + n + "@x"), List.of("both" + n + "@x"));
      case SPLIT_COLUMN -> List.of(List.of("Mary Ann" + n + " Smith"),
          List.of("Mary Ann" + n, "Smith"));
    };
  }

  /** {@code concat_ws(' ', ...)}: the values that are not NULL, joined by a space. */
  static String joined(List<String> parts) {
    return parts.stream().filter(Objects::nonNull).collect(Collectors.joining(" "));
  }
}
