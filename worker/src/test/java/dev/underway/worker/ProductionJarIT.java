package dev.underway.worker;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarFile;
import java.util.zip.ZipEntry;
import org.junit.jupiter.api.Test;

/**
 * The production jar as built ({@code worker/target/underway.jar}, what the image of
 * manifests/worker/deployment.yaml runs), opened after the package phase: it holds the command
 * line and the production activities, and none of the sandbox, its local engines and their
 * activities, the local server processes, or the PostgreSQL binaries and their unpackers. Its
 * {@code underway sandbox} says where the sandbox is instead.
 */
class ProductionJarIT {

  private static final Path JAR = Path.of(System.getProperty("underway.jar",
      "target/underway.jar"));

  /** Entry prefixes that belong to the sandbox jar only. */
  static final List<String> SANDBOX_ONLY = List.of(
      "dev/underway/sandbox/",
      "dev/underway/activities/local/",
      "dev/underway/local/",
      "dev/underway/temporal/TemporalDevServer",
      "postgres-linux-x86_64.txz",
      "io/zonky/",
      "org/apache/commons/compress/",
      "org/tukaani/");

  @Test
  void holdsTheCommandLineAndTheProductionActivitiesAndNothingOfTheSandbox() throws IOException {
    try (JarFile jar = new JarFile(JAR.toFile())) {
      List<String> entries = jar.stream().map(ZipEntry::getName).toList();
      assertThat(entries).as("what the production jar is for").contains(
          "dev/underway/worker/Underway.class",
          "dev/underway/activities/kubernetes/KubernetesPlatformActivities.class",
          "dev/underway/activities/sql/SqlDatabaseActivities.class",
          "dev/underway/workflows/evolution/ClusterEvolutionWorkflowImpl.class");
      assertThat(SANDBOX_ONLY).as("sandbox-only entries in %s", JAR)
          .filteredOn(prefix -> entries.stream().anyMatch(e -> e.startsWith(prefix)))
          .isEmpty();
      ZipEntry services = jar.getEntry("META-INF/services/dev.underway.worker.ActivitiesProvider");
      String providers = new String(jar.getInputStream(services).readAllBytes(),
          StandardCharsets.UTF_8);
      assertThat(providers.lines().map(String::strip).filter(l -> !l.isEmpty()))
          .containsExactly("dev.underway.worker.KubernetesActivitiesProvider");
    }
  }

  @Test
  void itsSandboxCommandSaysTheSandboxIsNotThereAndHowToRunIt(@org.junit.jupiter.api.io.TempDir
      Path tmp) throws Exception {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    Path err = tmp.resolve("err.txt");
    Process p = new ProcessBuilder(java, "-jar", JAR.toString(), "sandbox", "--auto-approve",
        "--rate", "50").redirectError(err.toFile()).redirectOutput(tmp.resolve("out.txt").toFile())
        .start();
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    String said = Files.readString(err);
    assertThat(p.exitValue()).as(said).isEqualTo(ExitCodes.BAD_INPUT);
    assertThat(said).contains("the sandbox is not in the production jar")
        .contains("./underway sandbox").doesNotContain("\tat ");
  }
}
