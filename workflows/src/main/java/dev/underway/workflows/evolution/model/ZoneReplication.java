package dev.underway.workflows.evolution.model;

/**
 * One zone configuration and its replication factor.
 *
 * @param target the zone's target as {@code SHOW ALL ZONE CONFIGURATIONS} prints it, e.g. {@code
 *     RANGE default}, {@code DATABASE system}, {@code TABLE system.public.lease}
 * @param numReplicas its {@code num_replicas}
 */
public record ZoneReplication(String target, int numReplicas) {}
