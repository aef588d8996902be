package dev.underway.workflows.schema.contract;

import com.fasterxml.jackson.annotation.JsonIgnore;
import java.util.List;
import java.util.Locale;

/**
 * The names of what a change creates besides its columns, computed the same way by the workflow
 * (its plan shows them) and the implementation. Identifiers stay within PostgreSQL's 63 bytes:
 * long names are cut and suffixed with a hash of the whole name.
 *
 * <p>The flags and the shape setting belong to the change (its table and the columns it adds),
 * not only to the table: a second change on the same table has flags of its own and starts at
 * {@code reads=old}, {@code writes=both}; rolling it back removes its flags only.
 *
 * @param trigger the row-level sync trigger ({@code BEFORE INSERT OR UPDATE}); row triggers
 *     fire in name order, and it fires after the two column triggers of {@code helpers}
 * @param function its PL/pgSQL function, in the table's schema
 * @param readsFlag key in {@code underway_flags}: {@code old} or {@code new}, which shape the
 *     application reads
 * @param writesFlag key in {@code underway_flags}: {@code both}, {@code new} or {@code old},
 *     which shapes the application writes
 * @param shapeSetting the session setting a writer declares the shape it writes with ({@code SET
 *     underway.public__customers__first_name = 'new'}; values {@code old}, {@code both}, {@code
 *     new}); a declaration wins over everything the trigger would otherwise infer
 * @param helpers the other objects the sync needs, dropped with it
 */
public record ChangeObjects(String trigger, String function, String readsFlag,
    String writesFlag, String shapeSetting, Helpers helpers) {

  public static final String FLAGS_TABLE = "underway_flags";
  public static final String CHANGES_TABLE = "underway_schema_changes";

  public static final String READS_OLD = "old";
  public static final String READS_NEW = "new";
  public static final String WRITES_BOTH = "both";
  public static final String WRITES_NEW = "new";
  /**
   * Only the old shape: what a rollback sets before it drops the new columns (and what a missing
   * row means), so that no application write names a column that is about to go.
   */
  public static final String WRITES_OLD = "old";

  /** The declared shapes a writer may set {@link #shapeSetting} to. */
  public static final List<String> SHAPES = List.of("old", "both", "new");

  /** PostgreSQL's identifier limit (NAMEDATALEN - 1), in bytes. */
  static final int MAX_IDENTIFIER = 63;

  /**
   * The sync's other objects.
   *
   * @param namedNewTriggers one {@code BEFORE UPDATE OF} per new column, in the change's order:
   *     each marks the row's UPDATE as naming that new column (they fire first)
   * @param namedOldTrigger {@code BEFORE UPDATE OF} the old columns (those the contract drops,
   *     or for an added column those its {@code up} reads): marks it as naming the old shape
   * @param namedFunction the function of both column triggers
   * @param namedSetting the transaction-local setting the column triggers mark the row in
   * @param strayFunction records a write of a shape the writes flag no longer allows (SECURITY
   *     DEFINER: it only advances the two sequences)
   * @param strayCount sequence: how many such writes since the writes flag last changed
   * @param strayAt sequence: when the last one was, in epoch milliseconds
   */
  public record Helpers(List<String> namedNewTriggers, String namedOldTrigger,
      String namedFunction, String namedSetting, String strayFunction, String strayCount,
      String strayAt) {

    public Helpers {
      namedNewTriggers = List.copyOf(namedNewTriggers);
    }

    /** Every helper object, as the plan lists what the contract drops. */
    @JsonIgnore
    public List<String> described() {
      return List.of("triggers " + String.join(", ", namedNewTriggers) + ", " + namedOldTrigger
          + " and function "
          + namedFunction, "function " + strayFunction + " and sequences " + strayCount + ", "
          + strayAt);
    }
  }

  public static ChangeObjects of(TableChange change) {
    String base = "underway_sync_" + change.table();
    String id = settingName(change);
    String flag = "schema-change/" + change.qualifiedTable() + "/"
        + String.join(",", change.addOrEmpty().stream().map(NewColumn::name).toList()) + "/";
    return new ChangeObjects(identifier(base), identifier(base + "_fn"), flag + "reads",
        flag + "writes", "underway." + id, new Helpers(
            java.util.stream.IntStream.range(0, Math.max(1, change.addOrEmpty().size()))
                .mapToObj(i -> identifier("underway_named_n" + i + "_" + change.table()))
                .toList(),
            identifier("underway_named_o_" + change.table()),
            identifier("underway_named_" + change.table() + "_fn"),
            "underway_named." + id,
            identifier("underway_stray_" + change.table() + "_fn"),
            identifier("underway_stray_" + change.table()),
            identifier("underway_stray_at_" + change.table())));
  }

  /** {@code public__customers__first_name}: the schema, the table and the first new column. */
  private static String settingName(TableChange change) {
    String first = change.addOrEmpty().isEmpty() ? "" : change.addOrEmpty().get(0).name();
    return identifier(change.schemaOrDefault() + "__" + change.table() + "__" + first);
  }

  /** {@code name}, or when longer than 63 bytes its start and a hash of it. */
  public static String identifier(String name) {
    if (utf8Length(name) <= MAX_IDENTIFIER) {
      return name;
    }
    String hash = String.format(Locale.ROOT, "%08x", name.hashCode());
    int room = MAX_IDENTIFIER - hash.length() - 1;
    StringBuilder head = new StringBuilder();
    int used = 0;
    for (int i = 0; i < name.length(); ) {
      int cp = name.codePointAt(i);
      int bytes = utf8Length(cp);
      if (used + bytes > room) {
        break;
      }
      head.appendCodePoint(cp);
      used += bytes;
      i += Character.charCount(cp);
    }
    return head + "_" + hash;
  }

  /** The length of {@code s} in UTF-8 (PostgreSQL's limit is in bytes). */
  static int utf8Length(String s) {
    return s.codePoints().map(ChangeObjects::utf8Length).sum();
  }

  private static int utf8Length(int codePoint) {
    return codePoint < 0x80 ? 1 : codePoint < 0x800 ? 2 : codePoint < 0x10000 ? 3 : 4;
  }
}
