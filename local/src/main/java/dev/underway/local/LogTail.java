package dev.underway.local;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** The end of a server's log file, for error messages. */
public final class LogTail {
  private LogTail() {}

  /**
   * The last {@code lines} lines of {@code file} after byte {@code offset} (where one start of the
   * server began, in a log that keeps earlier starts); a short note instead when it is unreadable.
   */
  public static String of(Path file, long offset, int lines) {
    try {
      byte[] all = Files.readAllBytes(file);
      int from = (int) Math.min(offset, all.length);
      List<String> text = new String(all, from, all.length - from, StandardCharsets.UTF_8)
          .lines().toList();
      return String.join("\n", text.subList(Math.max(0, text.size() - lines), text.size()));
    } catch (IOException | UncheckedIOException e) {
      return "(log unreadable: " + e.getMessage() + ")";
    }
  }
}
