/**
 * The ClusterEvolution runbook's records: its request, target, phases and plans, and what its
 * activities observe of a cluster (platform, database, ranges, zones). Pure values.
 */
package dev.underway.workflows.evolution.model;
