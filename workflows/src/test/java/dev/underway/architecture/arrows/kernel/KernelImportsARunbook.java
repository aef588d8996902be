package dev.underway.architecture.arrows.kernel;

import dev.underway.architecture.arrows.workflows.alpha.model.AlphaRecord;

/** Breaks "the kernel imports no runbook": it knows a runbook's record. */
public final class KernelImportsARunbook {
  private KernelImportsARunbook() {}

  public static String name(AlphaRecord r) {
    return r.name();
  }
}
