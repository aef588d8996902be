package dev.underway.worker;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A printed command line split into words as an operator's shell splits it when they paste it:
 * by {@code bash} itself ({@code printf '%s\0'} of the line), quotes, escapes and all.
 */
final class ShellWords {
  private ShellWords() {}

  static List<String> of(String line) {
    try {
      Process p = new ProcessBuilder("bash", "-c", "printf '%s\\0' " + line)
          .redirectErrorStream(true).start();
      byte[] out = p.getInputStream().readAllBytes();
      if (!p.waitFor(10, TimeUnit.SECONDS) || p.exitValue() != 0) {
        throw new IllegalStateException("bash could not read: " + line + "\n"
            + new String(out, StandardCharsets.UTF_8));
      }
      String words = new String(out, StandardCharsets.UTF_8);
      return Arrays.asList(words.substring(0, Math.max(0, words.length() - 1)).split("\0", -1));
    } catch (IOException e) {
      throw new IllegalStateException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** The arguments of an {@code underway ...} line, without the program's name. */
  static String[] underwayArguments(String line) {
    List<String> words = of(line);
    if (words.isEmpty() || !words.get(0).equals("underway")) {
      throw new IllegalArgumentException("not an underway command: " + line);
    }
    return words.subList(1, words.size()).toArray(String[]::new);
  }
}
