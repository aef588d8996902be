package dev.underway.local;

import java.security.SecureRandom;
import java.util.HexFormat;

/** Passwords for what the local servers create: random, never logged. */
public final class Passwords {
  private Passwords() {}

  private static final SecureRandom RANDOM = new SecureRandom();

  /** 144 random bits in hex. */
  public static String random() {
    byte[] bytes = new byte[18];
    RANDOM.nextBytes(bytes);
    return HexFormat.of().formatHex(bytes);
  }
}
