package dev.underway.activities.sql;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/**
 * Whether a role may become (or still is) the read-only user, in SQL that PostgreSQL and
 * CockroachDB both understand, so it is tested against a real PostgreSQL server.
 *
 * <p>Two questions, asked at the database:
 *
 * <ul>
 *   <li>{@link #problems}: is an existing role someone else's? A superuser/admin, a role that
 *       can create roles or databases, the SQL user Underway connects as, a table owner, an owner
 *       of any object, or a holder (itself or through any role it is a member of) of INSERT,
 *       UPDATE, DELETE or TRUNCATE on a table or CREATE on a schema or database. Privileges that
 *       every role holds through PUBLIC are left out here: they are the database's setting, not
 *       the role's, and {@link #publicCanCreate} reports the one that matters.
 *   <li>{@link #writes}: what can the role write, all grants counted (PUBLIC's too)? After the
 *       reader is made, this must be nothing but what PUBLIC's CREATE on schema {@code public}
 *       gives, and that only when the operator left it.
 * </ul>
 *
 * <p>"Anywhere" is the target database (PostgreSQL and CockroachDB show one database's tables
 * and schemas in {@code pg_catalog}) plus CREATE on every database. Temporary tables (PUBLIC's
 * TEMPORARY on PostgreSQL databases) live only as long as a session and are not counted.
 */
public class ReaderSafety {

  /** Schemas of the database itself, never the application's. */
  private static final String SYSTEM_SCHEMAS = "('pg_catalog', 'information_schema',"
      + " 'crdb_internal', 'pg_extension', 'pg_toast')";

  private static final List<String> TABLE_WRITES = List.of("INSERT", "UPDATE", "DELETE",
      "TRUNCATE");

  /** SQLSTATE invalid_parameter_value: a privilege name the database does not know. */
  private static final String UNKNOWN_PRIVILEGE = "22023";

  /** SQLSTATE undefined_object: here, a role name the privilege functions do not know. */
  private static final String UNDEFINED_ROLE = "42704";

  /** The pseudo-role every role belongs to, as the privilege functions name it. */
  static final String PUBLIC = "public";

  /**
   * Why the existing role must not be made the read-only user; empty when it may.
   *
   * @param role the reader user, which exists
   * @param adminUser the SQL user Underway connects as
   * @param tableOwners the request's {@code target.tableOwners}
   */
  public List<String> problems(Connection c, String role, String adminUser,
      List<String> tableOwners) throws SQLException {
    List<String> found = new ArrayList<>();
    if (role.equals(adminUser)) {
      found.add("it is the SQL user Underway connects as");
    }
    if (tableOwners.contains(role)) {
      found.add("it is one of target.tableOwners");
    }
    for (RoleFlags r : withMemberships(c, role)) {
      String who = r.name().equals(role) ? "it" : "its role " + r.name();
      if (r.superuser()) {
        found.add(who + " is a superuser or admin");
      }
      if (r.createRole()) {
        found.add(who + " can create roles");
      }
      if (r.createDb()) {
        found.add(who + " can create databases");
      }
      if (!r.name().equals(role) && tableOwners.contains(r.name())) {
        found.add(who + " is one of target.tableOwners");
      }
      List<String> owned = owned(c, r.name());
      if (!owned.isEmpty()) {
        found.add(who + " owns " + describe(owned));
      }
      List<String> writes = writes(c, r.name(), true);
      if (!writes.isEmpty()) {
        found.add(who + " may " + describe(writes));
      }
    }
    return found;
  }

  /**
   * What {@code role} may write in the connected database: "INSERT on public.items", "CREATE on
   * schema public", "CREATE on database app", ...
   *
   * @param ownOnly leave out what PUBLIC holds anyway
   */
  public List<String> writes(Connection c, String role, boolean ownOnly) throws SQLException {
    List<String> found = new ArrayList<>();
    for (String privilege : TABLE_WRITES) {
      String sql = "SELECT n.nspname || '.' || c.relname FROM pg_catalog.pg_class c"
          + " JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace"
          + " WHERE c.relkind IN ('r', 'p', 'v', 'm', 'f')"
          + " AND n.nspname NOT IN " + SYSTEM_SCHEMAS
          + " AND coalesce(has_table_privilege(?, " + TABLE + ", ?), false)%s"
          + " ORDER BY 1 LIMIT 3";
      for (String table : names(c, sql, "has_table_privilege", TABLE, role, privilege,
          ownOnly)) {
        found.add(privilege + " on " + table);
      }
    }
    String schemas = "SELECT n.nspname FROM pg_catalog.pg_namespace n"
        + " WHERE n.nspname NOT IN " + SYSTEM_SCHEMAS + " AND n.nspname NOT LIKE 'pg\\_%%'"
        + " AND coalesce(has_schema_privilege(?, n.nspname, ?), false)%s"
        + " ORDER BY 1 LIMIT 3";
    for (String schema : names(c, schemas, "has_schema_privilege", "n.nspname", role, "CREATE",
        ownOnly)) {
      found.add("CREATE on schema " + schema);
    }
    String databases = "SELECT d.datname FROM pg_catalog.pg_database d"
        + " WHERE NOT d.datistemplate"
        + " AND coalesce(has_database_privilege(?, d.datname, ?), false)%s"
        + " ORDER BY 1 LIMIT 3";
    for (String database : names(c, databases, "has_database_privilege", "d.datname", role,
        "CREATE", ownOnly)) {
      found.add("CREATE on database " + database);
    }
    return found;
  }

  /**
   * Whether PUBLIC (every role) may CREATE in schema {@code public} of the connected database;
   * null when the database cannot say (a CockroachDB patch release before the fix of
   * cockroachdb#122205 does not know the role {@code public} in has_schema_privilege).
   */
  public Boolean publicCanCreate(Connection c) throws SQLException {
    try {
      return PortableRoleSql.queryBoolean(c,
          "SELECT coalesce(has_schema_privilege(?, ?, 'CREATE'), false)", PUBLIC,
          PortableRoleSql.SCHEMA);
    } catch (SQLException e) {
      if (UNDEFINED_ROLE.equals(e.getSQLState())) {
        return null;
      }
      throw e;
    }
  }

  /** The write that PUBLIC's CREATE on schema public gives every role, as {@link #writes} names it. */
  static final String PUBLIC_SCHEMA_CREATE = "CREATE on schema " + PortableRoleSql.SCHEMA;

  /**
   * {@code REVOKE CREATE ON SCHEMA public FROM PUBLIC}, after {@code GRANT CREATE ON SCHEMA public}
   * to each of {@code keep} that may create there now (so a table owner that relied on PUBLIC
   * keeps creating its tables). Returns what was done.
   */
  public List<String> revokePublicCreate(Connection c, List<String> keep) throws SQLException {
    List<String> done = new ArrayList<>();
    for (String owner : keep) {
      if (!writes(c, owner, false).contains(PUBLIC_SCHEMA_CREATE)) {
        continue;
      }
      try (var s = c.createStatement()) {
        s.execute("GRANT CREATE ON SCHEMA " + SqlQuoting.identifier(PortableRoleSql.SCHEMA)
            + " TO " + SqlQuoting.identifier(owner));
      }
      done.add("granted CREATE on schema public to " + owner);
    }
    try (var s = c.createStatement()) {
      s.execute("REVOKE CREATE ON SCHEMA " + SqlQuoting.identifier(PortableRoleSql.SCHEMA)
          + " FROM PUBLIC");
    }
    done.add("revoked CREATE on schema public from PUBLIC");
    return done;
  }

  // ---- catalogue reads --------------------------------------------------------------------------

  /** How a table is named to the privilege functions. */
  private static final String TABLE = "quote_ident(n.nspname) || '.' || quote_ident(c.relname)";

  record RoleFlags(String name, boolean superuser, boolean createRole, boolean createDb) {}

  /** The role and every role it is a member of, directly or not. */
  List<RoleFlags> withMemberships(Connection c, String role) throws SQLException {
    List<RoleFlags> roles = new ArrayList<>();
    try (PreparedStatement ps = c.prepareStatement(
        "WITH RECURSIVE member_of (id) AS ("
            + " SELECT oid FROM pg_catalog.pg_roles WHERE rolname = ?"
            + " UNION SELECT m.roleid FROM pg_catalog.pg_auth_members m"
            + " JOIN member_of ON m.member = member_of.id)"
            + " SELECT r.rolname, r.rolsuper, r.rolcreaterole, r.rolcreatedb"
            + " FROM pg_catalog.pg_roles r JOIN member_of ON r.oid = member_of.id"
            + " ORDER BY r.rolname <> ?, r.rolname")) {
      ps.setString(1, role);
      ps.setString(2, role);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          roles.add(new RoleFlags(rs.getString(1), rs.getBoolean(2), rs.getBoolean(3),
              rs.getBoolean(4)));
        }
      }
    }
    return roles;
  }

  /** Objects the role owns: relations, schemas, functions, types, databases (a few named). */
  List<String> owned(Connection c, String role) throws SQLException {
    String sql = "WITH r AS (SELECT oid FROM pg_catalog.pg_roles WHERE rolname = ?)"
        + " SELECT what FROM ("
        + " SELECT 'table ' || n.nspname || '.' || c.relname AS what"
        + " FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace"
        + " WHERE c.relowner = (SELECT oid FROM r) AND n.nspname NOT IN " + SYSTEM_SCHEMAS
        + " UNION ALL SELECT 'schema ' || nspname FROM pg_catalog.pg_namespace"
        + " WHERE nspowner = (SELECT oid FROM r)"
        + " UNION ALL SELECT 'function ' || proname FROM pg_catalog.pg_proc"
        + " WHERE proowner = (SELECT oid FROM r)"
        + " UNION ALL SELECT 'type ' || typname FROM pg_catalog.pg_type"
        + " WHERE typowner = (SELECT oid FROM r) AND typtype IN ('e', 'd')"
        + " UNION ALL SELECT 'database ' || datname FROM pg_catalog.pg_database"
        + " WHERE datdba = (SELECT oid FROM r)"
        + ") owned ORDER BY 1 LIMIT 4";
    List<String> owned = new ArrayList<>();
    try (PreparedStatement ps = c.prepareStatement(sql)) {
      ps.setString(1, role);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          owned.add(rs.getString(1));
        }
      }
    }
    return owned;
  }

  /**
   * The objects a query finds for (role, privilege). With {@code ownOnly}, those PUBLIC holds the
   * privilege on are left out ({@code %s} in {@code sql} becomes that filter over {@code
   * function} and {@code object}). A CockroachDB patch release older than the fix for
   * cockroachdb#122205 does not know the role {@code public} in these functions (SQLSTATE
   * 42704): then nothing is left out, so a check finds more, never less. A privilege the
   * database does not know (SQLSTATE 22023) cannot be held.
   */
  private static List<String> names(Connection c, String sql, String function, String object,
      String role, String privilege, boolean ownOnly) throws SQLException {
    if (ownOnly) {
      try {
        return run(c, sql.formatted(" AND NOT coalesce(" + function + "(?, " + object
            + ", ?), false)"), role, privilege, PUBLIC, privilege);
      } catch (SQLException e) {
        if (!UNDEFINED_ROLE.equals(e.getSQLState())) {
          throw e;
        }
      }
    }
    return run(c, sql.formatted(""), role, privilege);
  }

  private static List<String> run(Connection c, String sql, String... args) throws SQLException {
    List<String> names = new ArrayList<>();
    try (PreparedStatement ps = c.prepareStatement(sql)) {
      for (int i = 0; i < args.length; i++) {
        ps.setString(i + 1, args[i]);
      }
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          names.add(rs.getString(1));
        }
      }
    } catch (SQLException e) {
      if (!UNKNOWN_PRIVILEGE.equals(e.getSQLState())) {
        throw e;
      }
    }
    return names;
  }

  /** "INSERT on public.items, ..." with at most 4 named and the rest counted. */
  private static String describe(List<String> items) {
    return items.size() <= 4 ? String.join(", ", items)
        : String.join(", ", items.subList(0, 4)) + " and " + (items.size() - 4) + " more";
  }
}
