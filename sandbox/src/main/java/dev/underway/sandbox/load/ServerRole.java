package dev.underway.sandbox.load;

/** Which kind of server served a read, as reported by {@code pg_is_in_recovery()}. */
public enum ServerRole {
  PRIMARY,
  STANDBY,
  UNKNOWN
}
