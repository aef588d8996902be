package dev.underway.activities.sql;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.regex.Pattern;

/**
 * A STAND-IN for an insecure CockroachDB cluster's answer to passwords, over a real PostgreSQL
 * connection: CockroachDB in insecure mode rejects any statement that sets a password with
 * SQLSTATE 28P01 ("setting or updating a password is not supported in insecure mode"); every
 * other statement goes to the real server.
 */
final class InsecureCockroachStandIn {
  private InsecureCockroachStandIn() {}

  private static final Pattern SETS_PASSWORD =
      Pattern.compile("(?is)^\\s*(CREATE|ALTER)\\s+(ROLE|USER)\\b.*\\bPASSWORD\\b.*");

  static ConnectionFactory over(ConnectionFactory real) {
    return (target, credentials) -> {
      Connection c = real.open(target, credentials);
      return (Connection) Proxy.newProxyInstance(Connection.class.getClassLoader(),
          new Class<?>[] {Connection.class}, (proxy, m, args) -> {
            Object result = call(c, m, args);
            return result instanceof Statement s && m.getName().equals("createStatement")
                ? statement(s) : result;
          });
    };
  }

  private static Statement statement(Statement real) {
    InvocationHandler h = (proxy, m, args) -> {
      if (m.getName().startsWith("execute") && args != null && args.length > 0
          && args[0] instanceof String sql && SETS_PASSWORD.matcher(sql).matches()) {
        throw new SQLException("setting or updating a password is not supported in insecure"
            + " mode", "28P01");
      }
      return call(real, m, args);
    };
    return (Statement) Proxy.newProxyInstance(Statement.class.getClassLoader(),
        new Class<?>[] {Statement.class}, h);
  }

  private static Object call(Object target, Method m, Object[] args) throws Throwable {
    try {
      return m.invoke(target, args);
    } catch (InvocationTargetException e) {
      throw e.getCause();
    }
  }
}
