package dev.underway.sandbox;

import java.io.PrintWriter;

/**
 * The live progress line: rewritten in place on a terminal, otherwise printed every few seconds
 * so a log stays readable.
 */
final class Progress {
  private static final long TERMINAL_EVERY_MS = 1_000;
  private static final long LOG_EVERY_MS = 5_000;

  private final PrintWriter out;
  private final boolean inPlace;
  private long lastPrinted;
  private boolean lineOpen;

  Progress(PrintWriter out, boolean inPlace) {
    this.out = out;
    this.inPlace = inPlace;
  }

  void maybePrint(String line) {
    long now = System.currentTimeMillis();
    if (now - lastPrinted < (inPlace ? TERMINAL_EVERY_MS : LOG_EVERY_MS)) {
      return;
    }
    lastPrinted = now;
    if (inPlace) {
      out.print("\r\033[K" + line);
      lineOpen = true;
    } else {
      out.println(line);
    }
    out.flush();
  }

  /** Ends an in-place line before other output. */
  void interrupt() {
    if (lineOpen) {
      out.println();
      lineOpen = false;
    }
  }
}
