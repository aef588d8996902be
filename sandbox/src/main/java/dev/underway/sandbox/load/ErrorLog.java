package dev.underway.sandbox.load;

import dev.underway.sandbox.report.LoadReport.ErrorSample;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/** The first distinct error messages, with counts; secrets are removed before anything is kept. */
final class ErrorLog {

  static final int MAX_DISTINCT = 20;
  private static final int MAX_MESSAGE = 300;
  private static final Pattern PASSWORD_PARAM =
      Pattern.compile("(?i)(password\\s*[=:]\\s*)[^&\\s,;]+");

  private static final class Entry {
    final ErrorSample first;
    long count;

    Entry(ErrorSample first) {
      this.first = first;
    }
  }

  private final Map<String, Entry> entries = new LinkedHashMap<>();
  private long otherCount;

  synchronized void add(long offsetMs, String phase, String operation, String sqlState,
      String rawMessage, String secret) {
    String message = sanitize(rawMessage, secret);
    String key = operation + '\u0000' + sqlState + '\u0000' + message;
    Entry e = entries.get(key);
    if (e == null) {
      if (entries.size() >= MAX_DISTINCT) {
        otherCount++;
        return;
      }
      e = new Entry(new ErrorSample(offsetMs, phase, operation, sqlState, message, 0));
      entries.put(key, e);
    }
    e.count++;
  }

  synchronized List<ErrorSample> samples() {
    List<ErrorSample> out = new ArrayList<>();
    for (Entry e : entries.values()) {
      ErrorSample f = e.first;
      out.add(new ErrorSample(f.firstOffsetMs(), f.phase(), f.operation(), f.sqlState(),
          f.message(), e.count));
    }
    if (otherCount > 0) {
      out.add(new ErrorSample(-1, "", "", "", "(other distinct errors not kept)", otherCount));
    }
    return out;
  }

  static String sanitize(String message, String secret) {
    String m = message == null ? "(no message)" : message;
    if (secret != null && secret.length() >= 4) {
      m = m.replace(secret, "***");
    }
    m = PASSWORD_PARAM.matcher(m).replaceAll("$1***");
    m = m.replaceAll("\\s+", " ").trim();
    return m.length() > MAX_MESSAGE ? m.substring(0, MAX_MESSAGE) + "..." : m;
  }
}
