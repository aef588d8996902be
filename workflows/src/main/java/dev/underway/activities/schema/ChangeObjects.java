package dev.underway.activities.schema;

import java.util.Locale;

/**
 * The names of what a change creates besides its columns, computed the same way by the workflow
 * (its plan shows them) and the implementation: the sync trigger and its function, and the two
 * flags. Identifiers stay within PostgreSQL's 63 bytes: long table names are cut and suffixed
 * with a hash of the whole name.
 *
 * @param trigger the row-level sync trigger on the table ({@code BEFORE INSERT OR UPDATE})
 * @param function its PL/pgSQL function, in the table's schema
 * @param readsFlag key in {@code underway_flags}: {@code old} or {@code new}, which shape the
 *     application reads
 * @param writesFlag key in {@code underway_flags}: {@code both}, {@code new} or {@code old}, which
 *     shapes the application writes
 */
public record ChangeObjects(String trigger, String function, String readsFlag,
    String writesFlag) {

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

  /** PostgreSQL's identifier limit (NAMEDATALEN - 1), in bytes. */
  static final int MAX_IDENTIFIER = 63;

  public static ChangeObjects of(TableChange change) {
    String base = "underway_sync_" + change.table();
    return new ChangeObjects(identifier(base), identifier(base + "_fn"),
        "schema-change/" + change.qualifiedTable() + "/reads",
        "schema-change/" + change.qualifiedTable() + "/writes");
  }

  /** {@code name}, or when longer than 63 bytes its start and a hash of it. */
  static String identifier(String name) {
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
