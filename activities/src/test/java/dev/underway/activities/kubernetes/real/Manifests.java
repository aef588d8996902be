package dev.underway.activities.kubernetes.real;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The kustomizations under {@code manifests/}, applied with the real {@code kubectl apply -k}
 * (server-side apply, as the administrator). {@link #applyInto} puts one into another namespace
 * the way a user would: a kustomization of its own naming the folder and a namespace.
 */
public final class Manifests {

  private final Kubectl kubectl;
  private final Path workDirectory;

  public Manifests(ControlPlane plane) {
    this.kubectl = new Kubectl(plane);
    this.workDirectory = plane.workDirectory();
  }

  /** {@code manifests/} in this checkout. */
  public static Path root() {
    return KubeBinaries.repository().resolve("manifests");
  }

  /** {@code kubectl apply -k manifests/<folder> --server-side [--dry-run=server]}. */
  public Kubectl.Result apply(String folder, boolean dryRun) {
    return applyPath(root().resolve(folder), dryRun);
  }

  /** As {@link #apply}, with the namespace set to {@code namespace} instead of the folder's. */
  public Kubectl.Result applyInto(String folder, String namespace, boolean dryRun) {
    try {
      Path wrapper = workDirectory.resolve("kustomize").resolve(namespace)
          .resolve(folder.replace('/', '_'));
      Files.createDirectories(wrapper);
      Files.writeString(wrapper.resolve("kustomization.yaml"), """
          apiVersion: kustomize.config.k8s.io/v1beta1
          kind: Kustomization
          namespace: %s
          resources:
            - %s
          """.formatted(namespace, wrapper.relativize(root().resolve(folder))));
      return applyPath(wrapper, dryRun);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** {@code kubectl diff -k manifests/<folder> --server-side}: exit 0 when nothing differs. */
  public Kubectl.Result diff(String folder) {
    return kubectl.run("diff", "-k", root().resolve(folder).toString(), "--server-side");
  }

  private Kubectl.Result applyPath(Path dir, boolean dryRun) {
    List<String> args = new ArrayList<>(List.of("apply", "-k", dir.toString(), "--server-side"));
    if (dryRun) {
      args.add("--dry-run=server");
    }
    Kubectl.Result result = kubectl.run(args.toArray(String[]::new));
    if (!result.ok()) {
      throw new AssertionError("kubectl " + String.join(" ", args) + " failed with exit code "
          + result.exitCode() + ":\n" + result.output());
    }
    return result;
  }
}
