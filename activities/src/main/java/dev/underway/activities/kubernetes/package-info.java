/**
 * Platform activities on Kubernetes (fabric8). {@link
 * dev.underway.activities.kubernetes.KubernetesPlatformActivities} reads like a list of named
 * steps; each kind of object has a small operator ({@link
 * dev.underway.activities.kubernetes.StatefulSetOperator}, {@link
 * dev.underway.activities.kubernetes.ServiceOperator}, {@link
 * dev.underway.activities.kubernetes.DisruptionBudgetOperator}) that answers CREATED, UPDATED or
 * UNCHANGED. The desired objects come from the manifest files on the classpath ({@link
 * dev.underway.activities.kubernetes.DesiredObjects}), so the YAML in {@code manifests/} and what
 * the activities create cannot drift apart.
 */
package dev.underway.activities.kubernetes;
