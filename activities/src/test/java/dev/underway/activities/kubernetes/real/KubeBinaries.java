package dev.underway.activities.kubernetes.real;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.Assumptions;

/**
 * Where the real control plane's binaries are: the cache {@code tools/kube/build.sh} fills, by the
 * versions in {@code tools/kube/versions.properties}. On a developer machine without them the
 * tests that need them are skipped with the command that builds them; where end-to-end tests are
 * required ({@value #REQUIRE_ENV} or {@code CI} is true, as {@code .ci/run} sets) they fail
 * instead, like the worker's dev-server tests.
 *
 * @param kubernetes the directory with kube-apiserver, kube-controller-manager, kube-scheduler and
 *     kubectl
 * @param etcd the etcd binary
 * @param kwok the kwok binary
 * @param kwokStages kwok's stage files (node-initialize, node-heartbeat, pod-*)
 */
public record KubeBinaries(Path kubernetes, Path etcd, Path kwok, Path kwokStages) {

  static final String REQUIRE_ENV = "UNDERWAY_REQUIRE_E2E";
  static final String CACHE_ENV = "UNDERWAY_KUBE_CACHE";
  static final String BUILD_COMMAND = "tools/kube/build.sh";
  static final List<String> KUBERNETES_BINARIES =
      List.of("kube-apiserver", "kube-controller-manager", "kube-scheduler", "kubectl");

  public Path apiserver() {
    return kubernetes.resolve("kube-apiserver");
  }

  public Path controllerManager() {
    return kubernetes.resolve("kube-controller-manager");
  }

  public Path scheduler() {
    return kubernetes.resolve("kube-scheduler");
  }

  public Path kubectl() {
    return kubernetes.resolve("kubectl");
  }

  /** The stage files to give kwok with {@code --config}. */
  public List<Path> stageFiles() {
    try (var files = Files.list(kwokStages)) {
      return files.filter(p -> p.toString().endsWith(".yaml")).sorted().toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Every binary and the stages present. */
  public boolean complete() {
    return KUBERNETES_BINARIES.stream().allMatch(b -> Files.isExecutable(kubernetes.resolve(b)))
        && Files.isExecutable(etcd) && Files.isExecutable(kwok)
        && Files.isRegularFile(kwokStages.resolve("pod-ready.yaml"));
  }

  /** The binaries for the pinned versions, whether or not they are built yet. */
  static KubeBinaries pinned(Path repository, Map<String, String> env) {
    Properties versions = new Properties();
    try (InputStream in = Files.newInputStream(
        repository.resolve("tools/kube/versions.properties"))) {
      versions.load(in);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    Path cache = cacheDirectory(env);
    Path kwokDir = cache.resolve("kwok-" + versions.getProperty("kwok"));
    return new KubeBinaries(cache.resolve("kubernetes-" + versions.getProperty("kubernetes")),
        cache.resolve("etcd-" + versions.getProperty("etcd")).resolve("etcd"),
        kwokDir.resolve("kwok"), kwokDir.resolve("stages"));
  }

  /** The cache build.sh fills: $UNDERWAY_KUBE_CACHE, else ${XDG_CACHE_HOME:-~/.cache}/underway/kube. */
  static Path cacheDirectory(Map<String, String> env) {
    if (env.get(CACHE_ENV) != null && !env.get(CACHE_ENV).isBlank()) {
      return Path.of(env.get(CACHE_ENV));
    }
    String xdg = env.get("XDG_CACHE_HOME");
    Path base = xdg != null && !xdg.isBlank() ? Path.of(xdg)
        : Path.of(System.getProperty("user.home"), ".cache");
    return base.resolve("underway").resolve("kube");
  }

  /** The repository root: the nearest parent of the working directory with tools/kube. */
  static Path repository() {
    Path dir = Path.of("").toAbsolutePath();
    for (Path p = dir; p != null; p = p.getParent()) {
      if (Files.isRegularFile(p.resolve("tools/kube/versions.properties"))) {
        return p;
      }
    }
    throw new IllegalStateException("no tools/kube/versions.properties above " + dir);
  }

  static boolean required(Map<String, String> env) {
    return "true".equalsIgnoreCase(env.get(REQUIRE_ENV))
        || "true".equalsIgnoreCase(env.get("CI"));
  }

  /** The binaries, or a skipped test (a failed one where end-to-end tests are required). */
  static KubeBinaries requireOrSkip() {
    Map<String, String> env = System.getenv();
    KubeBinaries binaries = pinned(repository(), env);
    String howTo = "the real Kubernetes control plane is not built in " + cacheDirectory(env)
        + ": run " + BUILD_COMMAND + " (Go >= 1.26, about 12 minutes once; .ci/run does it)";
    if (!binaries.complete() && required(env)) {
      throw new IllegalStateException("end-to-end tests are required here (" + REQUIRE_ENV
          + " or CI is true) but " + howTo);
    }
    Assumptions.assumeTrue(binaries.complete(), howTo);
    return binaries;
  }
}
