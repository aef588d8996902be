package dev.underway.activities.sql;

import java.util.Properties;

/**
 * The driver properties of every Underway connection: the login (user and password travel here,
 * never in a URL that could be logged), the application name the database shows, and a bound on
 * every stage (connect, login, each read), so that nothing waits forever on a server that
 * accepted the connection and never answers.
 */
public final class JdbcProperties {
  private JdbcProperties() {}

  /** pgjdbc's {@code connectTimeout}, {@code loginTimeout} and {@code socketTimeout}, seconds. */
  public record Timeouts(int connectSeconds, int loginSeconds, int socketSeconds) {
    /** The production activities, over the network to a cluster. */
    public static final Timeouts REMOTE = new Timeouts(10, 20, 120);
    /** A server on this machine. */
    public static final Timeouts LOCAL = new Timeouts(5, 10, 120);
    /** A readiness probe of a server on this machine: it answers at once or is not ready. */
    public static final Timeouts PROBE = new Timeouts(2, 5, 5);
  }

  /**
   * The properties for {@code user} ({@code password} when not null), named {@code
   * applicationName} (none when null), with {@code timeouts}.
   */
  public static Properties of(String user, String password, String applicationName,
      Timeouts timeouts) {
    Properties props = new Properties();
    props.setProperty("user", user);
    if (password != null) {
      props.setProperty("password", password);
    }
    return withDefaults(props, applicationName, timeouts);
  }

  /** {@link #of} with the login of {@code credentials}. */
  public static Properties of(SqlCredentials credentials, String applicationName,
      Timeouts timeouts) {
    return of(credentials.user(), credentials.passwordIfAny().orElse(null), applicationName,
        timeouts);
  }

  /**
   * A copy of {@code given} with the application name and the timeouts added where it has none
   * of its own.
   */
  public static Properties withDefaults(Properties given, String applicationName,
      Timeouts timeouts) {
    Properties props = new Properties();
    if (given != null) {
      given.stringPropertyNames().forEach(k -> props.setProperty(k, given.getProperty(k)));
    }
    if (applicationName != null) {
      props.putIfAbsent("ApplicationName", applicationName);
    }
    props.putIfAbsent("connectTimeout", Integer.toString(timeouts.connectSeconds()));
    props.putIfAbsent("loginTimeout", Integer.toString(timeouts.loginSeconds()));
    props.putIfAbsent("socketTimeout", Integer.toString(timeouts.socketSeconds()));
    return props;
  }
}
