/**
 * A small tree shaped like {@code dev.underway} (a kernel, runbooks {@code alpha} and {@code
 * beta} with lower packages) whose classes each keep or break one rule of {@code
 * PackageArrowsTest}: the rules are checked against them as they are against the code. Never
 * used anywhere else.
 */
package dev.underway.architecture.arrows;
