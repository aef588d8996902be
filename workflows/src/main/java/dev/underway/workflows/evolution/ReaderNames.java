package dev.underway.workflows.evolution;

import dev.underway.workflows.evolution.model.ClusterTarget;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Names a request may not use for the reader user or the database it reads: roles that the
 * database or other tools own, and system databases. Pure; {@link RequestValidation} calls it.
 *
 * <p>Reserved role names: {@value #RESERVED_LIST}, and any name starting with {@code pg_} or
 * {@code crdb_} (PostgreSQL reserves the {@code pg_} prefix for its predefined roles;
 * CockroachDB's internal roles and schemas use {@code crdb_}). Making any of them "read-only by
 * default" would take writes away from whoever uses them.
 *
 * <p>System databases: {@value #SYSTEM_DATABASE_LIST}. SELECT on CockroachDB's {@code system}
 * database exposes password hashes; the others are catalogues or templates, not an
 * application's data.
 */
public final class ReaderNames {
  private ReaderNames() {}

  static final String RESERVED_LIST = "root, admin, node, public, postgres, none, current_user,"
      + " session_user, current_role, user";
  static final String SYSTEM_DATABASE_LIST = "system, crdb_internal, pg_catalog,"
      + " information_schema, pg_extension, template0, template1";

  /** Role names the reader user may not have. */
  public static final Set<String> RESERVED_ROLES = Set.of(RESERVED_LIST.split(",\\s*"));

  /** Database names {@code target.database} may not have. */
  public static final Set<String> SYSTEM_DATABASES = Set.of(SYSTEM_DATABASE_LIST.split(",\\s*"));

  private static final List<String> RESERVED_PREFIXES = List.of("pg_", "crdb_");

  /** Problems with the reader user's and the database's names, added to {@code problems}. */
  public static void check(ClusterTarget target, List<String> problems) {
    if (target == null) {
      return;
    }
    String reader = target.readerUser();
    if (reader != null && isReservedRole(reader)) {
      problems.add("target.readerUser '" + reader + "' is a reserved role name (" + RESERVED_LIST
          + ", or starting with pg_ or crdb_): Underway would make a role other users or the"
          + " database itself rely on read-only by default. Name a role of its own, or leave it"
          + " out for '" + ClusterTarget.DEFAULT_READER_USER + "'");
    }
    String database = target.database();
    if (database != null && SYSTEM_DATABASES.contains(database.toLowerCase(Locale.ROOT))) {
      problems.add("target.database '" + database + "' is a system database ("
          + SYSTEM_DATABASE_LIST + "): the reader would be granted SELECT on it (on"
          + " CockroachDB's system database that exposes password hashes). Name the"
          + " application's database");
    }
  }

  /** Whether {@code role} is reserved (case-insensitive: SQL folds unquoted names). */
  public static boolean isReservedRole(String role) {
    String r = role.toLowerCase(Locale.ROOT);
    return RESERVED_ROLES.contains(r) || RESERVED_PREFIXES.stream().anyMatch(r::startsWith);
  }
}
