package dev.underway.workflows.schema.contract;

import com.fasterxml.jackson.annotation.JsonAnySetter;
import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;

/**
 * One schema change on one table, as the request gives it and every activity takes it.
 *
 * @param schema the table's schema; default {@code public}
 * @param table the table (unquoted name, as in the catalogue)
 * @param uniqueKey the key the backfill walks: absent means the primary key; else the name of a
 *     unique index or constraint whose columns are all NOT NULL
 * @param kind which documented change
 * @param add the columns added (one; two or more for a split)
 * @param replace the columns replaced and dropped at the contract (none for {@link
 *     ChangeKind#ADD_COLUMN}; one otherwise)
 * @param versionColumn optional per-row version tag, e.g. {@code schema_version} (an integer
 *     column, added by expand when missing): the backfill upgrades rows below {@code version}, the
 *     sync trigger sets it on every write, the observation counts rows per version
 * @param version the version rows reach; required with {@code versionColumn}
 * @param subscribersChangedFirst the other ends of the table's logical replication were changed
 *     first: every subscriber of a publication of the table already has the new column(s) (else
 *     its apply fails on them after expand), and for a table a subscription writes, the publisher
 *     stopped sending the column(s) the contract drops. Without it a published or subscribed
 *     table is refused
 * @param unknownFields what JSON gave that this record could not take (validation names it)
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record TableChange(
    String schema,
    String table,
    String uniqueKey,
    ChangeKind kind,
    List<NewColumn> add,
    List<OldColumn> replace,
    String versionColumn,
    Integer version,
    Boolean subscribersChangedFirst,
    @JsonAnySetter @JsonIgnore Map<String, Object> unknownFields) {

  public static final String DEFAULT_SCHEMA = "public";

  public TableChange {
    add = add == null ? null : Collections.unmodifiableList(new ArrayList<>(add));
    replace = replace == null ? null : Collections.unmodifiableList(new ArrayList<>(replace));
    unknownFields = unknownFields == null ? Map.of() : Map.copyOf(unknownFields);
  }

  public TableChange(String schema, String table, String uniqueKey, ChangeKind kind,
      List<NewColumn> add, List<OldColumn> replace) {
    this(schema, table, uniqueKey, kind, add, replace, null, null, null, null);
  }

  /** A change as recorded before {@code subscribersChangedFirst}. */
  public TableChange(String schema, String table, String uniqueKey, ChangeKind kind,
      List<NewColumn> add, List<OldColumn> replace, String versionColumn, Integer version,
      Map<String, Object> unknownFields) {
    this(schema, table, uniqueKey, kind, add, replace, versionColumn, version, null,
        unknownFields);
  }

  /** This change, saying that the other ends of its logical replication were changed first. */
  public TableChange withSubscribersChangedFirst(Boolean value) {
    return new TableChange(schema, table, uniqueKey, kind, add, replace, versionColumn, version,
        value, unknownFields);
  }

  /** Whether the request says the other ends of the table's logical replication changed first. */
  @JsonIgnore
  public boolean otherEndsChangedFirst() {
    return Boolean.TRUE.equals(subscribersChangedFirst);
  }

  @JsonIgnore
  public String schemaOrDefault() {
    return schema == null || schema.isBlank() ? DEFAULT_SCHEMA : schema;
  }

  /** {@code schema.table}, as messages, flags and the marker name it. */
  @JsonIgnore
  public String qualifiedTable() {
    return schemaOrDefault() + "." + table;
  }

  @JsonIgnore
  public List<NewColumn> addOrEmpty() {
    return add == null ? List.of() : add;
  }

  @JsonIgnore
  public List<OldColumn> replaceOrEmpty() {
    return replace == null ? List.of() : replace;
  }

  /** Whether new-shape writes keep every replaced column right (each has a {@code down}). */
  @JsonIgnore
  public boolean reversible() {
    return replaceOrEmpty().stream().allMatch(c -> c.down() != null && !c.down().isBlank());
  }
}
