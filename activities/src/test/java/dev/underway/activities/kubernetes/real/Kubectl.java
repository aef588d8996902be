package dev.underway.activities.kubernetes.real;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** The real kubectl, as the cluster administrator, against the test control plane. */
public final class Kubectl {

  /** What a kubectl command printed (stdout and stderr together) and its exit code. */
  public record Result(int exitCode, String output) {
    public boolean ok() {
      return exitCode == 0;
    }
  }

  private final ControlPlane plane;

  public Kubectl(ControlPlane plane) {
    this.plane = plane;
  }

  /** Runs {@code kubectl <args>} (two minutes at most) and returns what it printed. */
  public Result run(String... args) {
    List<String> command = new ArrayList<>(List.of(plane.kubectlBinary().toString(),
        "--kubeconfig=" + plane.adminKubeconfig(),
        "--cache-dir=" + plane.workDirectory().resolve("kubectl-cache")));
    command.addAll(List.of(args));
    try {
      Path out = Files.createTempFile(plane.workDirectory(), "kubectl-", ".out");
      Process p = new ProcessBuilder(command).redirectErrorStream(true)
          .redirectOutput(out.toFile()).start();
      if (!p.waitFor(2, TimeUnit.MINUTES)) {
        p.destroyForcibly();
        throw new AssertionError("kubectl " + String.join(" ", args) + " did not finish in 2 min");
      }
      String text = Files.readString(out, StandardCharsets.UTF_8);
      Files.delete(out);
      return new Result(p.exitValue(), text);
    } catch (IOException e) {
      throw new AssertionError("cannot run kubectl " + String.join(" ", args), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted running kubectl", e);
    }
  }
}
