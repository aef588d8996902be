package dev.underway.targets;

import dev.underway.kernel.RequestChecks;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * The shapes of the names and addresses a request gives, the one copy every runbook checks
 * with, and the checks of a SQL endpoint's address (host, port, {@code sslmode}). Pure; each
 * check adds its problems to the list given, in the same words for every runbook.
 */
public final class TargetPatterns {
  private TargetPatterns() {}

  /** SQL identifiers Underway accepts unquoted: lower case, digits, underscore. */
  public static final Pattern SQL_NAME = Pattern.compile("[a-z_][a-z0-9_]{0,62}");
  /** A host name or an address (IPv4, IPv6 with or without brackets). */
  public static final Pattern HOST = Pattern.compile("[A-Za-z0-9.:\\[\\]-]{1,253}");
  /** RFC 1123 label: Kubernetes namespaces and Service names, local engines' names. */
  public static final Pattern DNS_LABEL = Pattern.compile("[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?");
  /** RFC 1123 subdomain: StatefulSet and Secret names. */
  public static final Pattern DNS_SUBDOMAIN = Pattern.compile(
      "(?=.{1,253}$)[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*");

  /** The JDBC {@code sslmode}s there are: the one list, which the activities check too. */
  public static final Set<String> SSL_MODES =
      Set.of("disable", "allow", "prefer", "require", "verify-ca", "verify-full");

  /** {@code field}, when given, must be a TCP port. */
  public static void port(String field, Integer port, List<String> problems) {
    if (port != null && (port < 1 || port > 65535)) {
      problems.add(field + " " + port + " is not a TCP port (1-65535)");
    }
  }

  /** {@code field}, when given, must be one of {@link #SSL_MODES}. */
  public static void sslMode(String field, String mode, List<String> problems) {
    if (mode != null && !SSL_MODES.contains(mode)) {
      problems.add(field + " '" + mode + "' is not one of " + new TreeSet<>(SSL_MODES));
    }
  }

  /** {@code field}, when given, must be a host name or address. */
  public static void host(String field, String host, List<String> problems) {
    RequestChecks.optional(field, host, HOST, "a host name or address", problems);
  }
}
