package dev.underway.example.reindex;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * {@code docs/architecture.md} cannot drift from the code: every code block of its "Adding a
 * runbook" is in the example runbook's sources (or the registry's), the example is the five
 * files and the lines the page says, and every type, member, method, package and path the page
 * cites in {@code code} exists.
 */
class ArchitecturePageTest {

  static final Path ROOT = Path.of("..");
  static final Path PAGE = ROOT.resolve("docs/architecture.md");
  static final Path EXAMPLE = Path.of("src/test/java/dev/underway/example/reindex");
  static final List<String> RUNBOOK_FILES = List.of("ReindexRequest", "ReindexActivities",
      "ReindexWorkflow", "ReindexWorkflowImpl", "ReindexRunbook");
  /** Where the page's types outside this repository come from. */
  static final List<String> LIBRARY_PACKAGES = List.of("io.temporal.workflow.",
      "io.temporal.activity.", "io.temporal.testing.", "io.temporal.client.");

  /** Every Java source of the repository, main and test. */
  static final List<Path> SOURCES = javaFiles(ROOT).toList();

  static final Pattern TYPE = Pattern.compile("[A-Z][a-z]\\w*(<\\w+>)?(\\.\\w+(\\(.*?\\))?)*");
  static final Pattern CALL = Pattern.compile("[a-z]\\w*(\\.\\w+)?\\((.*)\\)");
  static final Pattern PACKAGE = Pattern.compile("dev\\.underway(\\.\\w+)+");
  static final Pattern PATH = Pattern.compile("\\.?[\\w.-]*/[\\w./-]*");

  @Test
  void everyCodeBlockOfAddingARunbookIsInTheExample() throws IOException {
    String section = section(Files.readString(PAGE), "## Adding a runbook");
    List<List<String>> sources = Stream.concat(javaFiles(EXAMPLE),
        javaFiles(Path.of("src/main/java/dev/underway/runbooks"))).map(f -> lines(read(f)))
        .toList();
    Matcher block = Pattern.compile("```java\\n(.*?)```", Pattern.DOTALL).matcher(section);
    int blocks = 0;
    while (block.find()) {
      List<String> wanted = lines(block.group(1));
      assertThat(sources).as("a file holding, in this order:\n" + block.group(1))
          .anyMatch(source -> java.util.Collections.indexOfSubList(source, wanted) >= 0);
      blocks++;
    }
    assertThat(blocks).as("the section shows the example").isGreaterThanOrEqualTo(10);
  }

  @Test
  void theExampleIsTheFiveFilesAndTheLinesThePageSays() throws IOException {
    List<Path> runbook = javaFiles(EXAMPLE).filter(f -> !f.toString().endsWith("Test.java")
        && !f.getFileName().toString().equals("InMemoryIndex.java")).toList();
    assertThat(runbook).extracting(f -> f.getFileName().toString().replace(".java", ""))
        .containsExactlyInAnyOrderElementsOf(RUNBOOK_FILES);
    long lines = runbook.stream().mapToLong(f -> read(f).lines().count()).sum();
    assertThat(lines).as("the issue's limit").isLessThanOrEqualTo(300);
    String section = section(Files.readString(PAGE), "## Adding a runbook");
    assertThat(section.replaceAll("\\s+", " "))
        .contains("`" + String.join("`, `", RUNBOOK_FILES) + "`: " + lines + " lines)");
  }

  @Test
  void everyNameThePageCitesExists() throws IOException {
    Map<String, List<Path>> types = SOURCES.stream().collect(Collectors.groupingBy(
        f -> f.getFileName().toString().replace(".java", "")));
    String all = SOURCES.stream().map(ArchitecturePageTest::read)
        .collect(Collectors.joining("\n"));
    String page = Files.readString(PAGE).replaceAll("(?s)```.*?```", "");
    List<String> missing = new ArrayList<>();
    Matcher span = Pattern.compile("`([^`\\n]+)`").matcher(page);
    while (span.find()) {
      String s = span.group(1);
      if (TYPE.matcher(s).matches()) {
        String[] parts = s.replaceAll("\\(.*?\\)", "").replaceAll("<\\w+>", "").split("\\.");
        if (!typeHas(parts, types, all)) {
          missing.add(s);
        }
      } else if (CALL.matcher(s).matches()) {
        String name = s.substring(0, s.indexOf('(')).replaceAll(".*\\.", "");
        if (!Pattern.compile("\\b" + name + "\\(").matcher(all).find()) {
          missing.add(s);
        }
      } else if (PACKAGE.matcher(s).matches()) {
        if (!underSources(s.replace('.', '/'))) {
          missing.add(s);
        }
      } else if (PATH.matcher(s).matches() && !s.contains("target/") && !exists(s)) {
        missing.add(s);
      }
    }
    assertThat(missing).as("cited in docs/architecture.md, not in the code").isEmpty();
  }

  /** A type of the repository (a file or a nested type) or of Temporal, with every member. */
  private static boolean typeHas(String[] parts, Map<String, List<Path>> types, String all) {
    String head = parts[0];
    List<String> members = Arrays.asList(parts).subList(1, parts.length);
    List<String> texts = new ArrayList<>(types.getOrDefault(head, List.of()).stream()
        .map(ArchitecturePageTest::read).toList());
    if (texts.isEmpty() && Pattern.compile("(class|interface|record|enum) " + head + "\\b")
        .matcher(all).find()) {
      texts.add(all);
    }
    if (texts.isEmpty()) {
      for (String p : LIBRARY_PACKAGES) {
        try {
          Class<?> c = Class.forName(p + head);
          return members.stream().allMatch(m -> Arrays.stream(c.getMethods())
              .anyMatch(x -> x.getName().equals(m)));
        } catch (ClassNotFoundException e) {
          // not there: the next package
        }
      }
      return members.isEmpty() && all.contains("\"" + head + "\""); // a type's name
    }
    return members.stream().allMatch(m -> texts.stream()
        .anyMatch(t -> Pattern.compile("\\b" + m + "\\b").matcher(t).find()));
  }

  /** A path of the repository, or a package's path under some module's sources. */
  private static boolean exists(String path) {
    String p = path.replaceAll("/$", "");
    return Files.exists(ROOT.resolve(p)) || underSources(p);
  }

  /** Whether {@code dir} ends a folder of sources or holds one, e.g. {@code sql/schema}. */
  private static boolean underSources(String dir) {
    return SOURCES.stream().map(f -> f.getParent().toString() + "/")
        .anyMatch(d -> d.contains("/" + dir + "/"));
  }

  /** The text from {@code heading} to the next heading of its level. */
  static String section(String page, String heading) {
    int from = page.indexOf("\n" + heading + "\n");
    assertThat(from).as(heading).isNotNegative();
    int to = page.indexOf("\n## ", from + heading.length() + 1);
    return page.substring(from, to < 0 ? page.length() : to);
  }

  /** Its lines, trimmed, without blank ones: a block matches whatever its indentation. */
  static List<String> lines(String text) {
    return text.lines().map(String::strip).filter(l -> !l.isEmpty()).toList();
  }

  static Stream<Path> javaFiles(Path dir) {
    try (Stream<Path> files = Files.walk(dir)) {
      return files.filter(f -> f.toString().endsWith(".java")
          && (f.startsWith("src") || f.toString().contains("/src/"))
          && !f.toString().contains("/target/") && !f.toString().contains("/node_modules/"))
          .toList().stream();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static String read(Path file) {
    try {
      return Files.readString(file);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
