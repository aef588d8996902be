package dev.underway.activities.sql;

import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Locale;
import java.util.Optional;

/**
 * Role and privilege SQL that PostgreSQL and CockroachDB both understand: this part of the
 * dialect is tested against a real PostgreSQL server. Every check reads the catalog so that a
 * second run issues no statement at all; every change is one statement that is harmless to repeat.
 *
 * <p>Privilege checks ask for the effective privilege ({@code has_*_privilege}), so a privilege
 * already held through {@code PUBLIC} counts as present, and a database that revoked it from
 * {@code PUBLIC} gets an explicit grant.
 */
public class PortableRoleSql {

  /** SQLSTATE duplicate_object: a concurrent {@code CREATE ROLE} won the race. */
  static final String DUPLICATE_OBJECT = "42710";

  /** The schema the reader may read. */
  public static final String SCHEMA = "public";

  /** What {@link #role} found. */
  public record RoleInfo(boolean exists, boolean canLogin) {}

  public RoleInfo role(Connection c, String role) throws SQLException {
    try (PreparedStatement ps =
        c.prepareStatement("SELECT rolcanlogin FROM pg_catalog.pg_roles WHERE rolname = ?")) {
      ps.setString(1, role);
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next() ? new RoleInfo(true, rs.getBoolean(1)) : new RoleInfo(false, false);
      }
    }
  }

  public boolean roleExists(Connection c, String role) throws SQLException {
    return role(c, role).exists();
  }

  /**
   * {@code CREATE ROLE ... WITH LOGIN} (PostgreSQL has no {@code IF NOT EXISTS} here: check with
   * {@link #roleExists} first). Returns false when a concurrent creation won (SQLSTATE 42710).
   */
  public boolean createLoginRole(Connection c, String role) throws SQLException {
    return createLoginRole(c, role, Optional.empty());
  }

  /**
   * {@code CREATE ROLE ... WITH LOGIN [PASSWORD '...']}: the role and its password in one
   * statement, so no role without its password is ever left for a retry to skip. Returns false
   * when a concurrent creation won (SQLSTATE 42710). Any other error is rethrown with its
   * SQLSTATE and a fixed message: the password must not travel in an exception. (An insecure
   * CockroachDB cluster rejects any password with SQLSTATE 28P01.)
   */
  public boolean createLoginRole(Connection c, String role, Optional<String> password)
      throws SQLException {
    String sql;
    try {
      sql = "CREATE ROLE " + SqlQuoting.identifier(role) + " WITH LOGIN"
          + (password.isPresent() ? " PASSWORD " + SqlQuoting.literal(c, password.get()) : "");
    } catch (RuntimeException e) {
      // the messages name the problem (NUL, backslash), never the value
      throw new SQLException("role " + role + " cannot be created: " + e.getMessage(), "22023");
    }
    try (Statement s = c.createStatement()) {
      s.execute(sql);
      return true;
    } catch (SQLException e) {
      if (DUPLICATE_OBJECT.equals(e.getSQLState())) {
        return false;
      }
      throw new SQLException("creating role " + role + " failed"
          + (password.isPresent() ? " (the statement set its password)" : ": " + e.getMessage()),
          e.getSQLState());
    }
  }

  public void allowLogin(Connection c, String role) throws SQLException {
    execute(c, "ALTER ROLE " + SqlQuoting.identifier(role) + " WITH LOGIN");
  }

  public boolean hasConnect(Connection c, String role, String database) throws SQLException {
    return queryBoolean(c, "SELECT has_database_privilege(?, ?, 'CONNECT')", role, database);
  }

  public void grantConnect(Connection c, String role, String database) throws SQLException {
    execute(c, "GRANT CONNECT ON DATABASE " + SqlQuoting.identifier(database)
        + " TO " + SqlQuoting.identifier(role));
  }

  public boolean hasSchemaUsage(Connection c, String role) throws SQLException {
    return queryBoolean(c, "SELECT has_schema_privilege(?, ?, 'USAGE')", role, SCHEMA);
  }

  public void grantSchemaUsage(Connection c, String role) throws SQLException {
    execute(c, "GRANT USAGE ON SCHEMA " + SqlQuoting.identifier(SCHEMA)
        + " TO " + SqlQuoting.identifier(role));
  }

  /** Tables and views in the schema the role cannot SELECT from. */
  public int tablesWithoutSelect(Connection c, String role) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(
        "SELECT count(*) FROM information_schema.tables t"
            + " WHERE t.table_schema = ?"
            + " AND NOT has_table_privilege(?,"
            + " quote_ident(t.table_schema) || '.' || quote_ident(t.table_name), 'SELECT')")) {
      ps.setString(1, SCHEMA);
      ps.setString(2, role);
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        return rs.getInt(1);
      }
    }
  }

  public void grantSelectOnAllTables(Connection c, String role) throws SQLException {
    execute(c, "GRANT SELECT ON ALL TABLES IN SCHEMA " + SqlQuoting.identifier(SCHEMA)
        + " TO " + SqlQuoting.identifier(role));
  }

  /**
   * Whether tables {@code owner} creates in the schema from now on are readable by the role
   * ({@code pg_default_acl} holds an entry {@code role=r/...} for tables of that owner).
   *
   * @param owner the role that will create the tables; null for the current user
   */
  public boolean hasDefaultSelect(Connection c, String role, String owner) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(
        "SELECT d.defaclacl::text FROM pg_catalog.pg_default_acl d"
            + " JOIN pg_catalog.pg_namespace n ON n.oid = d.defaclnamespace"
            + " WHERE n.nspname = ? AND d.defaclobjtype = 'r'"
            + " AND d.defaclrole = (SELECT oid FROM pg_catalog.pg_roles"
            + " WHERE rolname = coalesce(?, current_user))")) {
      ps.setString(1, SCHEMA);
      ps.setString(2, owner);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          if (aclGrantsSelect(rs.getString(1), role)) {
            return true;
          }
        }
        return false;
      }
    }
  }

  /**
   * Whether the current user may act for {@code owner} (a member with its privileges, or a
   * superuser; CockroachDB reports its admins as {@code rolsuper}): what {@code ALTER DEFAULT
   * PRIVILEGES FOR ROLE owner} requires. A database without {@code pg_has_role} answers true
   * here and lets the statement itself decide.
   */
  public boolean canActFor(Connection c, String owner) throws SQLException {
    try {
      return queryBoolean(c, "SELECT pg_has_role(current_user, ?, 'USAGE') OR coalesce("
          + "(SELECT rolsuper FROM pg_catalog.pg_roles WHERE rolname = current_user), false)",
          owner);
    } catch (SQLException e) {
      if (UNDEFINED_FUNCTION.equals(e.getSQLState())) {
        return true;
      }
      throw e;
    }
  }

  /** SQLSTATE undefined_function. */
  static final String UNDEFINED_FUNCTION = "42883";

  /**
   * {@code ALTER DEFAULT PRIVILEGES [FOR ROLE owner] IN SCHEMA public GRANT SELECT ON TABLES TO
   * role}. For another owner the current user must be a member of it (or a superuser/admin).
   *
   * @param owner the role that will create the tables; null for the current user
   */
  public void grantDefaultSelect(Connection c, String role, String owner) throws SQLException {
    execute(c, "ALTER DEFAULT PRIVILEGES"
        + (owner == null ? "" : " FOR ROLE " + SqlQuoting.identifier(owner))
        + " IN SCHEMA " + SqlQuoting.identifier(SCHEMA)
        + " GRANT SELECT ON TABLES TO " + SqlQuoting.identifier(role));
  }

  /** Whether the role has {@code default_transaction_read_only} set to true for all databases. */
  public boolean hasReadOnlyDefault(Connection c, String role) throws SQLException {
    try (PreparedStatement ps =
        c.prepareStatement("SELECT rolconfig FROM pg_catalog.pg_roles WHERE rolname = ?")) {
      ps.setString(1, role);
      try (ResultSet rs = ps.executeQuery()) {
        if (!rs.next()) {
          return false;
        }
        Array config = rs.getArray(1);
        if (config == null) {
          return false;
        }
        for (Object item : (Object[]) config.getArray()) {
          if (item != null && isReadOnlyOn(item.toString())) {
            return true;
          }
        }
        return false;
      }
    }
  }

  public void setReadOnlyDefault(Connection c, String role) throws SQLException {
    execute(c, "ALTER ROLE " + SqlQuoting.identifier(role)
        + " SET default_transaction_read_only = true");
  }

  // ---- parsing (package-private for unit tests) -----------------------------------------------

  static boolean isReadOnlyOn(String setting) {
    int eq = setting.indexOf('=');
    if (eq < 0) {
      return false;
    }
    String name = setting.substring(0, eq).trim();
    String value = setting.substring(eq + 1).trim().toLowerCase(Locale.ROOT);
    return name.equalsIgnoreCase("default_transaction_read_only")
        && (value.equals("true") || value.equals("on") || value.equals("yes")
            || value.equals("1"));
  }

  /**
   * Whether an ACL in text form ({@code {reader=r/admin,"odd name"=arw/admin}}) grants SELECT
   * ({@code r}) to the role.
   */
  static boolean aclGrantsSelect(String aclText, String role) {
    if (aclText == null) {
      return false;
    }
    String body = aclText.strip();
    if (body.startsWith("{") && body.endsWith("}")) {
      body = body.substring(1, body.length() - 1);
    }
    for (String item : splitAcl(body)) {
      String entry = unquoteArrayElement(item);
      int eq = lastEqualsBeforeSlash(entry);
      if (eq < 0) {
        continue;
      }
      String grantee = unquoteIdentifier(entry.substring(0, eq));
      int slash = entry.indexOf('/', eq);
      String privileges = slash < 0 ? entry.substring(eq + 1) : entry.substring(eq + 1, slash);
      if (grantee.equals(role) && privileges.indexOf('r') >= 0) {
        return true;
      }
    }
    return false;
  }

  private static Iterable<String> splitAcl(String body) {
    java.util.List<String> items = new java.util.ArrayList<>();
    StringBuilder current = new StringBuilder();
    boolean inQuotes = false;
    for (int i = 0; i < body.length(); i++) {
      char ch = body.charAt(i);
      if (ch == '\\' && inQuotes && i + 1 < body.length()) {
        current.append(ch).append(body.charAt(++i));
      } else if (ch == '"') {
        inQuotes = !inQuotes;
        current.append(ch);
      } else if (ch == ',' && !inQuotes) {
        items.add(current.toString());
        current.setLength(0);
      } else {
        current.append(ch);
      }
    }
    if (!current.isEmpty()) {
      items.add(current.toString());
    }
    return items;
  }

  /** An array element in double quotes has backslash escapes: {@code "\"a b\"=r/x"}. */
  private static String unquoteArrayElement(String item) {
    String s = item.strip();
    if (s.length() >= 2 && s.startsWith("\"") && s.endsWith("\"")) {
      StringBuilder out = new StringBuilder();
      for (int i = 1; i < s.length() - 1; i++) {
        char ch = s.charAt(i);
        if (ch == '\\' && i + 1 < s.length() - 1) {
          ch = s.charAt(++i);
        }
        out.append(ch);
      }
      return out.toString();
    }
    return s;
  }

  private static int lastEqualsBeforeSlash(String entry) {
    int slash = entry.lastIndexOf('/');
    String head = slash < 0 ? entry : entry.substring(0, slash);
    return head.lastIndexOf('=');
  }

  private static String unquoteIdentifier(String s) {
    if (s.length() >= 2 && s.startsWith("\"") && s.endsWith("\"")) {
      return s.substring(1, s.length() - 1).replace("\"\"", "\"");
    }
    return s;
  }

  static boolean queryBoolean(Connection c, String sql, String... args)
      throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(sql)) {
      for (int i = 0; i < args.length; i++) {
        ps.setString(i + 1, args[i]);
      }
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next() && rs.getBoolean(1);
      }
    }
  }

  private static void execute(Connection c, String sql) throws SQLException {
    try (Statement s = c.createStatement()) {
      s.execute(sql);
    }
  }
}
