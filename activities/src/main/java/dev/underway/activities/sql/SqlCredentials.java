package dev.underway.activities.sql;

import java.util.Objects;
import java.util.Optional;

/**
 * SQL credentials. {@link #toString()} never shows the passwords: this object may end up in a
 * log line or an exception message by mistake, and a secret must not follow it there.
 *
 * @param user the admin SQL user the worker acts as
 * @param password its password; null when the cluster authenticates otherwise (insecure demo
 *     clusters, client certificates)
 * @param readerPassword password to give the read-only user, when the operator provides one
 */
public record SqlCredentials(String user, String password, String readerPassword) {

  public SqlCredentials {
    Objects.requireNonNull(user, "user");
  }

  public Optional<String> passwordIfAny() {
    return Optional.ofNullable(password).filter(p -> !p.isEmpty());
  }

  public Optional<String> readerPasswordIfAny() {
    return Optional.ofNullable(readerPassword).filter(p -> !p.isEmpty());
  }

  @Override
  public String toString() {
    return "SqlCredentials[user=" + user
        + ", password=" + (password == null ? "<none>" : "<redacted>")
        + ", readerPassword=" + (readerPassword == null ? "<none>" : "<redacted>") + "]";
  }
}
