package dev.underway.temporal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The {@code temporal} CLI as an operator runs it: a command line from the runbook handed to
 * {@code bash -c} verbatim, with only {@code --address} appended (the test's dev server), in
 * the repository root, with the real binary first on {@code PATH} and none of the caller's
 * {@code TEMPORAL_*} settings or CLI config file.
 */
final class TemporalCli {

  private static final ObjectMapper JSON = new ObjectMapper();

  /** What a command printed and how it exited. */
  record Result(String command, int exitCode, String stdout, String stderr) {
    String output() {
      return stdout + stderr;
    }

    @Override
    public String toString() {
      return "$ " + command + "\n[exit " + exitCode + "]\n" + stdout + stderr;
    }

    /** The JSON value after the CLI's "QueryResult" label (text output of a query). */
    JsonNode queryResult() {
      int at = stdout.indexOf("QueryResult");
      if (exitCode != 0 || at < 0) {
        throw new IllegalStateException("no query result in:\n" + this);
      }
      try {
        return JSON.readTree(stdout.substring(stdout.indexOf('{', at)).strip());
      } catch (IOException e) {
        throw new UncheckedIOException("unparseable query result in:\n" + this, e);
      }
    }
  }

  private final Path binary;
  private final Path workingDirectory;
  private final String address;
  private final Path scratch;

  TemporalCli(Path binary, Path workingDirectory, String address, Path scratch) {
    this.binary = binary;
    this.workingDirectory = workingDirectory;
    this.address = address;
    this.scratch = scratch;
  }

  /** The repository root, found upwards from the test's working directory (the module). */
  static Path repositoryRoot() {
    for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent()) {
      if (Files.isRegularFile(p.resolve("runbooks/cluster-evolution/evolve.json"))
          && Files.isRegularFile(p.resolve("mvnw"))) {
        return p;
      }
    }
    throw new IllegalStateException("repository root not found above "
        + Path.of("").toAbsolutePath());
  }

  /** A runbook from the test classpath ({@code runbooks/} is copied there by the build). */
  static String runbook(String name) {
    try (InputStream in = TemporalCli.class.getResourceAsStream("/runbooks/" + name)) {
      if (in == null) {
        throw new IllegalStateException("runbooks/" + name + " is not on the test classpath");
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Every {@code temporal workflow ...} command line in the runbook's {@code ```bash} blocks
   * (continuation lines joined), in order.
   */
  static List<String> workflowCommands(String markdown) {
    Matcher m = Pattern.compile("```bash\\n(.*?)```", Pattern.DOTALL).matcher(markdown);
    List<String> found = new ArrayList<>();
    while (m.find()) {
      for (String line : m.group(1).replaceAll("\\\\\\n\\s*", "").split("\\n")) {
        if (line.strip().startsWith("temporal workflow ")) {
          found.add(line.strip());
        }
      }
    }
    return found;
  }

  /** The one command that all the given fragments occur in; fails if none or several. */
  static String pick(List<String> commands, String... fragments) {
    Predicate<String> all = c -> java.util.Arrays.stream(fragments).allMatch(c::contains);
    List<String> matching = commands.stream().filter(all).toList();
    if (matching.size() != 1) {
      throw new AssertionError("expected exactly one runbook command with "
          + List.of(fragments) + ", found " + matching + " among " + commands);
    }
    return matching.get(0);
  }

  /** Runs the command line as typed, with {@code --address} appended. */
  Result run(String commandLine) {
    return runAsPrinted(commandLine + " --address " + address);
  }

  /** Runs the command line exactly as printed (it names its server itself). */
  Result runAsPrinted(String typed) {
    ProcessBuilder pb = new ProcessBuilder("bash", "-c", typed).directory(
        workingDirectory.toFile());
    Map<String, String> env = pb.environment();
    env.keySet().removeIf(k -> k.startsWith("TEMPORAL_"));
    env.remove("BASH_ENV");
    env.put("TEMPORAL_CONFIG_FILE", scratch.resolve("no-temporal-config.toml").toString());
    env.put("PATH", binary.toAbsolutePath().getParent() + java.io.File.pathSeparator
        + env.getOrDefault("PATH", ""));
    Process p = null;
    try {
      Path out = Files.createTempFile(scratch, "cli", ".out");
      Path err = Files.createTempFile(scratch, "cli", ".err");
      pb.redirectOutput(out.toFile()).redirectError(err.toFile())
          .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
      p = pb.start();
      if (!p.waitFor(Duration.ofSeconds(60).toMillis(), TimeUnit.MILLISECONDS)) {
        throw new AssertionError("still running after 60 s: " + typed);
      }
      return new Result(typed, p.exitValue(), Files.readString(out), Files.readString(err));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    } finally {
      if (p != null && p.isAlive()) {
        p.descendants().forEach(ProcessHandle::destroyForcibly);
        p.destroyForcibly();
      }
    }
  }
}
