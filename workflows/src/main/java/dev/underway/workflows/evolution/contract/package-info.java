/**
 * The activity contract of the ClusterEvolution runbook (and its DriftCheck): the platform
 * (Kubernetes StatefulSet, Services, budgets) and the database (CockroachDB zones, ranges, the
 * reader user) as the workflow sees them. Implementations live in the activities module
 * ({@code dev.underway.activities.kubernetes}, {@code dev.underway.activities.sql}) and the
 * sandbox; the workflow depends only on these interfaces and {@link
 * dev.underway.workflows.evolution.model}'s records.
 */
package dev.underway.workflows.evolution.contract;
