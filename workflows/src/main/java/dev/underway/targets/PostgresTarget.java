package dev.underway.targets;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonIgnore;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The PostgreSQL a runbook changes: a server ({@link PostgresServer}, {@code kind} absent) or a
 * local engine of the sandbox ({@link LocalEngine}, {@code kind: local}). JSON chooses by {@code
 * kind} ({@link #fromJson}); each kind knows its fields, defaults and problems.
 */
public sealed interface PostgresTarget extends SqlEndpoint permits PostgresServer, LocalEngine {

  /** What JSON gave that this kind does not take (a typo, the other kind's fields). */
  Map<String, Object> unknownFields();

  /**
   * Every problem of this target, each naming its field under {@code where} (e.g. {@code
   * target}); unknown fields point at {@code guide}, the runbook's page.
   */
  void check(String where, String guide, List<String> problems);

  /** {@code target}'s problems, or that it is missing. */
  static void check(PostgresTarget target, String where, String guide, List<String> problems) {
    if (target == null) {
      problems.add(where + " is missing: name sqlHost, sqlPort and database (or kind local and"
          + " name)");
    } else {
      target.check(where, guide, problems);
    }
  }

  /**
   * How JSON becomes a target: {@code kind} {@code local} (any case, as requests have always been
   * read) is a {@link LocalEngine}; anything else is a {@link PostgresServer}, which takes {@code
   * kind} absent or {@code kubernetes} (what a schema change's server target accepted before the
   * kinds had types of their own) and keeps any other word for its validation to name.
   */
  @JsonCreator(mode = JsonCreator.Mode.DELEGATING)
  static PostgresTarget fromJson(Map<String, Object> json) {
    Object kind = json == null ? null : json.get("kind");
    boolean local = kind != null
        && LocalEngine.KIND.equals(String.valueOf(kind).strip().toLowerCase(Locale.ROOT));
    return local ? LocalEngine.fromJson(json) : PostgresServer.fromJson(json);
  }

  /** Whether this is a local engine of the sandbox. */
  @JsonIgnore
  default boolean isLocal() {
    return this instanceof LocalEngine;
  }
}
