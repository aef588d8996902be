package dev.underway.sandbox;

import dev.underway.runbooks.Runbooks;
import dev.underway.sandbox.schema.SchemaChangeScenario;

/** The scenario of each runbook the sandbox can run ({@link SandboxOptions#RUNBOOKS}). */
final class Scenarios {
  private Scenarios() {}

  /** The scenario for {@code options.runbook()}; call after {@link SandboxOptions#check()}. */
  static Scenario of(SandboxOptions options) {
    if (Runbooks.SCHEMA_CHANGE.name().equals(options.runbook())) {
      return new SchemaChangeScenario(
          options.rows() == null ? SandboxOptions.DEFAULT_ROWS : options.rows(),
          options.benchmark());
    }
    return new EvolutionScenario();
  }
}
