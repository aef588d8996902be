package dev.underway.architecture.arrows.workflows.alpha.model;

/** A runbook's record that keeps every rule. */
public record AlphaRecord(String name) {}
