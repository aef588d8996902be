package dev.underway.sandbox.report;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;

/** What every benchmark writes the same way: {@code benchmark.json}, and the machine it ran on. */
public final class BenchmarkFiles {
  private BenchmarkFiles() {}

  /** The file's name in the report directory. */
  public static final String FILE = "benchmark.json";

  /** Writes {@code benchmark} as indented JSON to {@code dir}/{@value #FILE}. */
  public static Path write(Path dir, Object benchmark) throws IOException {
    Files.createDirectories(dir);
    Path file = dir.resolve(FILE);
    Files.writeString(file, new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT)
        .writeValueAsString(benchmark) + "\n");
    return file;
  }

  /** Host name, cores, OS and JVM. */
  public static String machine() {
    String host;
    try {
      host = InetAddress.getLocalHost().getHostName();
    } catch (IOException e) {
      host = "unknown host";
    }
    return host + ", " + Runtime.getRuntime().availableProcessors() + " cores, "
        + System.getProperty("os.name") + " " + System.getProperty("os.version") + ", Java "
        + System.getProperty("java.version");
  }
}
