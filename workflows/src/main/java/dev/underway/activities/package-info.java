/**
 * Activity interfaces. Implementations live in the {@code activities} module (Kubernetes, SQL)
 * and the sandbox; the workflow depends only on these interfaces.
 */
package dev.underway.activities;
