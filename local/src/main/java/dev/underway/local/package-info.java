/**
 * Running a server on this machine, for the sandbox and the tests (never in the production jar):
 * its process ({@link dev.underway.local.LocalProcess}: started or attached, ready or exited,
 * stopped its own way or killed, let go of), its ports ({@link dev.underway.local.Ports}), the
 * unprivileged user it runs as when this JVM is root ({@link
 * dev.underway.local.UnprivilegedUser}), the programs it needs run ({@link
 * dev.underway.local.Commands}), and the end of its log ({@link dev.underway.local.LogTail}).
 * PostgreSQL ({@code postgres}), the Temporal dev server ({@code dev.underway.temporal}), the
 * sandbox's CockroachDB nodes and the tests' Kubernetes control plane are all run this way.
 */
package dev.underway.local;
