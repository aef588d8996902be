package dev.underway.sandbox;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarFile;
import java.util.zip.ZipEntry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The jar {@code ./underway} builds and runs ({@code sandbox/target/underway-sandbox.jar}), as
 * built: the production command line plus the sandbox, the local engines with the PostgreSQL
 * binaries, and both activity providers; its commands answer in a JVM of their own.
 */
class SandboxJarIT {

  private static final Path JAR = Path.of(System.getProperty("underway.sandbox.jar",
      "target/underway-sandbox.jar"));

  @Test
  void holdsTheSandboxTheLocalEnginesTheBinariesAndBothProviders() throws IOException {
    try (JarFile jar = new JarFile(JAR.toFile())) {
      List<String> entries = jar.stream().map(ZipEntry::getName).toList();
      assertThat(entries).contains("dev/underway/sandbox/SandboxMain.class",
          "dev/underway/worker/Underway.class", "postgres-linux-x86_64.txz");
      assertThat(jar.getManifest().getMainAttributes().getValue("Main-Class"))
          .isEqualTo(SandboxMain.class.getName());
      ZipEntry services = jar.getEntry("META-INF/services/dev.underway.worker.ActivitiesProvider");
      String providers = new String(jar.getInputStream(services).readAllBytes(),
          StandardCharsets.UTF_8);
      assertThat(providers.lines().map(String::strip).filter(l -> !l.isEmpty()))
          .containsExactlyInAnyOrder("dev.underway.worker.KubernetesActivitiesProvider",
              LocalActivitiesProvider.class.getName());
    }
  }

  @Test
  void itsSandboxAndWorkerCommandsAnswer(@TempDir Path tmp) throws Exception {
    assertThat(run(tmp, "sandbox", "--help")).contains("--runbook=NAME", "--engine=ENGINE");
    assertThat(run(tmp, "worker", "--help")).contains("--activities=NAME");
  }

  /** {@code java -jar underway-sandbox.jar ARGS}: its standard output; exit code 0 expected. */
  private static String run(Path tmp, String... args) throws Exception {
    List<String> command = new ArrayList<>(List.of(
        Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-jar",
        JAR.toString()));
    command.addAll(List.of(args));
    Path out = Files.createTempFile(tmp, "out", ".txt");
    Process p = new ProcessBuilder(command).redirectErrorStream(true)
        .redirectOutput(out.toFile()).start();
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    String said = Files.readString(out);
    assertThat(p.exitValue()).as(said).isZero();
    return said;
  }
}
