package dev.underway.kernel;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The saved views as the README gives them (its table "| view | filter |"), read from the file,
 * so that a test of a view tests the text an operator pastes.
 */
public final class ReadmeViews {
  private ReadmeViews() {}

  public static final String WAITING = "waiting for a decision";
  public static final String HOLDING = "holding";
  public static final String STOPPED =
      "stopped before the end (rejected, aborted, expired or canceled)";

  private static final Pattern ROW = Pattern.compile("^\\| ([^|`]+) \\| `([^`]+)` \\|",
      Pattern.MULTILINE);

  /** The README of the checkout, from a module's directory or the root. */
  public static Path readme() {
    for (Path p : new Path[] {Path.of("README.md"), Path.of("..", "README.md")}) {
      if (Files.isRegularFile(p) && read(p).contains("# Underway")) {
        return p;
      }
    }
    throw new IllegalStateException("README.md not found from " + Path.of("").toAbsolutePath());
  }

  /** Every view of the README's saved-views table: its name, its filter. */
  public static Map<String, String> all() {
    return of(read(readme()));
  }

  /** The views of the first "| view | filter |" table in {@code markdown}. */
  public static Map<String, String> of(String markdown) {
    int table = markdown.indexOf("| view | filter |");
    if (table < 0) {
      throw new IllegalStateException("no saved-views table (| view | filter |)");
    }
    int end = markdown.indexOf("\n\n", table);
    Matcher m = ROW.matcher(markdown.substring(table, end < 0 ? markdown.length() : end));
    Map<String, String> views = new LinkedHashMap<>();
    while (m.find()) {
      views.put(m.group(1).trim(), m.group(2));
    }
    return views;
  }

  /** The README's filter for runs that ended {@code outcome}. */
  public static String of(Outcome outcome) {
    return view(outcome.word().toLowerCase(java.util.Locale.ROOT));
  }

  /** The README's filter named {@code name}. */
  public static String view(String name) {
    String filter = all().get(name);
    if (filter == null) {
      throw new IllegalStateException("the README has no saved view '" + name + "'");
    }
    return filter;
  }

  private static String read(Path p) {
    try {
      return Files.readString(p);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
