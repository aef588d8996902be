package dev.underway.sandbox.report;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;

/**
 * Writes a {@link LoadReport} as {@code report.json} and {@code report.html} into a directory.
 * The page is self-contained (inline CSS, an inline SVG chart, no script, no remote resource), so
 * it opens offline and can be attached to a ticket as is.
 */
public final class ReportWriter {

  public static final String JSON_FILE = "report.json";
  public static final String HTML_FILE = "report.html";

  private static final ObjectMapper MAPPER = new ObjectMapper()
      .enable(SerializationFeature.INDENT_OUTPUT)
      .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

  /** Where the files went. */
  public record Written(Path json, Path html) {}

  private ReportWriter() {}

  /** Writes both files (each atomically: a reader never sees half a file). */
  public static Written write(LoadReport report, Path directory) throws IOException {
    Files.createDirectories(directory);
    Path json = directory.resolve(JSON_FILE);
    Path html = directory.resolve(HTML_FILE);
    writeAtomically(json, toJson(report));
    writeAtomically(html, HtmlReport.render(report));
    return new Written(json, html);
  }

  public static String toJson(LoadReport report) throws IOException {
    return MAPPER.writeValueAsString(report) + "\n";
  }

  public static LoadReport fromJson(String json) throws IOException {
    return MAPPER.readValue(json, LoadReport.class);
  }

  public static LoadReport read(Path json) throws IOException {
    return fromJson(Files.readString(json, StandardCharsets.UTF_8));
  }

  /** The HTML page alone. */
  public static String html(LoadReport report) {
    return HtmlReport.render(report);
  }

  private static void writeAtomically(Path target, String content) throws IOException {
    Path tmp = Files.createTempFile(target.getParent(), target.getFileName() + ".", ".tmp");
    try {
      Files.writeString(tmp, content, StandardCharsets.UTF_8);
      try {
        Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rw-r--r--"));
      } catch (UnsupportedOperationException notPosix) {
        // keep the default
      }
      Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } finally {
      Files.deleteIfExists(tmp);
    }
  }
}
