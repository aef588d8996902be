package dev.underway.architecture.arrows.workflows.alpha.contract;

import dev.underway.architecture.arrows.workflows.alpha.model.AlphaRecord;

/** A runbook's activity contract that keeps every rule: its sibling model is allowed. */
public interface AlphaActivities {
  String observe(AlphaRecord r);
}
