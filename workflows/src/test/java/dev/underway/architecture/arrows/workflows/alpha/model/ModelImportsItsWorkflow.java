package dev.underway.architecture.arrows.workflows.alpha.model;

import dev.underway.architecture.arrows.workflows.alpha.AlphaWorkflow;

/** Breaks "a lower package imports nothing from the workflow package above it". */
public final class ModelImportsItsWorkflow {
  private ModelImportsItsWorkflow() {}

  public static Class<?> above() {
    return AlphaWorkflow.class;
  }
}
