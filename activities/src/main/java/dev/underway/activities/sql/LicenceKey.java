package dev.underway.activities.sql;

import dev.underway.workflows.evolution.model.Licence;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.time.Instant;
import java.util.Base64;
import java.util.Map;

/**
 * What a CockroachDB licence key ({@code enterprise.license}) states. The key is {@code crl-0-}
 * followed by the unpadded base64 of a protobuf {@code License} message whose fields 2 ({@code
 * valid_until_unix_sec}) and 3 ({@code type}: NonCommercial 0, Enterprise 1, Evaluation 2, Free
 * 3, Trial 4) are read here; other fields are skipped. Pure: no database. The key itself is never
 * logged or returned.
 */
final class LicenceKey {
  private LicenceKey() {}

  static final String PREFIX = "crl-0-";

  private static final Map<Long, String> TYPES = Map.of(0L, "NonCommercial", 1L, "Enterprise",
      2L, "Evaluation", 3L, "Free", 4L, "Trial");

  /** What {@code key} states, at {@code now}. An empty key is {@link Licence#NONE}. */
  static Licence read(String key, Instant now) {
    if (key == null || key.isBlank()) {
      return Licence.NONE;
    }
    String k = key.strip();
    if (!k.startsWith(PREFIX)) {
      return new Licence(true, null, null, null);
    }
    try {
      InputStream in = new ByteArrayInputStream(
          Base64.getDecoder().decode(k.substring(PREFIX.length())));
      long validUntil = 0;
      long type = 0;
      int tag;
      while ((tag = (int) varint(in, true)) > 0) {
        int field = tag >>> 3;
        int wire = tag & 7;
        if (wire == 0) {
          long v = varint(in, false);
          if (field == 2) {
            validUntil = v;
          } else if (field == 3) {
            type = v;
          }
        } else {
          skip(in, wire);
        }
      }
      String name = TYPES.getOrDefault(type, "unknown type " + type);
      if (validUntil <= 0) {
        return new Licence(true, name, null, null);
      }
      long days = Math.floorDiv(validUntil - now.getEpochSecond(), 86_400L);
      return new Licence(true, name, Instant.ofEpochSecond(validUntil).toString(), days);
    } catch (IllegalArgumentException | IOException e) {
      return new Licence(true, null, null, null);
    }
  }

  /** A base-128 varint; -1 at a clean end of input when {@code endAllowed}. */
  private static long varint(InputStream in, boolean endAllowed) throws IOException {
    long value = 0;
    for (int shift = 0; shift < 64; shift += 7) {
      int b = in.read();
      if (b < 0) {
        if (endAllowed && shift == 0) {
          return -1;
        }
        throw new IOException("truncated varint");
      }
      value |= (long) (b & 0x7f) << shift;
      if ((b & 0x80) == 0) {
        return value;
      }
    }
    throw new IOException("varint too long");
  }

  private static void skip(InputStream in, int wire) throws IOException {
    long n = switch (wire) {
      case 1 -> 8;
      case 2 -> varint(in, false);
      case 5 -> 4;
      default -> throw new IOException("unexpected wire type " + wire);
    };
    if (in.skip(n) != n) {
      throw new IOException("truncated field");
    }
  }
}
