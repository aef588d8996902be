package dev.underway.workflows.evolution.model;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Locale;

/**
 * Where a database's nodes run: a StatefulSet on Kubernetes, or the sandbox's local processes.
 * A request's target says it ({@code target.kind}); the platform's observation reports it; the
 * words a gate uses for each change follow it. JSON: {@code "kubernetes"}, {@code "local"}.
 */
public enum PlatformKind {
  KUBERNETES,
  LOCAL;

  @JsonValue
  public String json() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** Any case; null for an unknown word (validation names it). */
  @JsonCreator
  public static PlatformKind parse(String value) {
    for (PlatformKind k : values()) {
      if (k.name().equalsIgnoreCase(value == null ? "" : value.strip())) {
        return k;
      }
    }
    return null;
  }
}
