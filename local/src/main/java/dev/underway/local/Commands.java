package dev.underway.local;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Short-lived programs the local servers need ({@code initdb}, {@code pg_ctl}, {@code id}, ...). */
public final class Commands {
  private Commands() {}

  /** What a program did: its exit code and its output (standard output and error). */
  public record Result(int exitCode, String output) {
    public boolean ok() {
      return exitCode == 0;
    }
  }

  /**
   * Runs {@code command} with nothing on its standard input and its output captured, for at most
   * {@code timeout} (then it is killed and this fails).
   */
  public static Result run(List<String> command, Duration timeout) throws IOException {
    Process p = new ProcessBuilder(command).redirectErrorStream(true)
        .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null"))).start();
    try (InputStream in = p.getInputStream()) {
      String output = new String(in.readAllBytes(), StandardCharsets.UTF_8);
      await(p, command, timeout);
      return new Result(p.exitValue(), output);
    }
  }

  /** The output of {@code command}, which must succeed within 30 s. */
  public static String capture(List<String> command) throws IOException {
    Result r = run(command, Duration.ofSeconds(30));
    if (!r.ok()) {
      throw new IOException(String.join(" ", command) + " failed: " + r.output().trim());
    }
    return r.output();
  }

  /**
   * Runs {@code command} with its output appended to {@code logFile}; it must succeed within
   * {@code timeout}. A failure names the program and ends with the log's last lines.
   */
  public static void runLogged(List<String> command, Path logFile, Duration timeout)
      throws IOException {
    Process p = new ProcessBuilder(command)
        .redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile.toFile()))
        .start();
    await(p, command, timeout);
    if (p.exitValue() != 0) {
      throw new IOException(program(command).getFileName() + " exited with " + p.exitValue()
          + "; output:\n" + LogTail.of(logFile, 0, 20));
    }
  }

  private static void await(Process p, List<String> command, Duration timeout)
      throws IOException {
    try {
      if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        p.destroyForcibly();
        throw new IOException(program(command) + " did not finish within " + timeout);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      p.destroyForcibly();
      throw new IOException("interrupted while running " + program(command), e);
    }
  }

  /** The program a command line runs, past a {@code setpriv ... --} prefix. */
  static Path program(List<String> command) {
    int dashes = command.indexOf("--");
    return Path.of(command.get(dashes >= 0 && dashes + 1 < command.size() ? dashes + 1 : 0));
  }
}
