/**
 * What a runbook can be pointed at, as typed data every runbook may use without importing another
 * runbook: a PostgreSQL server ({@link dev.underway.targets.PostgresServer}), a local engine of
 * the sandbox ({@link dev.underway.targets.LocalEngine}), either of them as a request's
 * PostgreSQL target ({@link dev.underway.targets.PostgresTarget}), what the activities need to
 * connect ({@link dev.underway.targets.SqlEndpoint}), and the name and address patterns requests
 * are checked with ({@link dev.underway.targets.TargetPatterns}). Each kind of target knows its
 * fields, defaults and problems. Imports the kernel, never a runbook.
 */
package dev.underway.targets;
