package dev.underway.kernel;

import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * Reads an input's fields as the person typed them, so that a wrong type or an unknown key is
 * refused in one sentence naming the field instead of a converter's stack trace. An input
 * record's JSON factory takes each field as {@code Object} (any JSON value) and collects unknown
 * keys with {@code @JsonAnySetter}; what it cannot take is kept, as given, among the record's
 * rejected fields, and the validator asks {@link #refusal}. Pure and deterministic.
 */
public final class JsonFields {
  private JsonFields() {}

  /** What a text field expects, for the refusal. */
  public static final String TEXT = "text in quotes";

  /**
   * The value of field {@code name} as text, or null when it is absent or not text; in the
   * latter case {@code rejected} gets {@code name -> raw}.
   */
  public static String text(String name, Object raw, Map<String, Object> rejected) {
    if (raw == null || raw instanceof String) {
      return (String) raw;
    }
    rejected.put(name, raw);
    return null;
  }

  /**
   * One sentence for the first rejected field, or null when there is none: an unknown key is
   * named with the fields there are (and the nearest one when it looks like a typo); a known
   * field with the wrong type is named with what it expects ({@code expects}) and what it has.
   */
  public static String refusal(Map<String, Object> rejected, List<String> fields,
      Function<String, String> expects) {
    if (rejected == null || rejected.isEmpty()) {
      return null;
    }
    Map.Entry<String, Object> first = rejected.entrySet().iterator().next();
    String name = first.getKey();
    if (!fields.contains(name)) {
      String near = fields.stream().filter(f -> distance(f, name) <= 2).findFirst().orElse(null);
      return "\"" + name + "\" is not a field of this input"
          + (near == null ? "" : " (did you mean \"" + near + "\"?)") + "; its fields are "
          + String.join(", ", fields);
    }
    return "\"" + name + "\" must be " + expects.apply(name) + ", not " + show(first.getValue());
  }

  /** A value as it looks in JSON. */
  static String show(Object v) {
    if (v instanceof String s) {
      return "\"" + s + "\"";
    }
    if (v instanceof List<?> l) {
      return l.stream().map(JsonFields::show).collect(Collectors.joining(", ", "[", "]"));
    }
    if (v instanceof Map<?, ?> m) {
      StringBuilder b = new StringBuilder("{");
      for (Iterator<? extends Map.Entry<?, ?>> i = m.entrySet().iterator(); i.hasNext(); ) {
        Map.Entry<?, ?> e = i.next();
        b.append('"').append(e.getKey()).append("\": ").append(show(e.getValue()));
        b.append(i.hasNext() ? ", " : "");
      }
      return b.append('}').toString();
    }
    return String.valueOf(v);
  }

  /** Edit distance (insertions, deletions, substitutions, swaps of neighbours), ignoring case. */
  static int distance(String a, String b) {
    String x = a.toLowerCase(java.util.Locale.ROOT);
    String y = b.toLowerCase(java.util.Locale.ROOT);
    int[][] d = new int[x.length() + 1][y.length() + 1];
    for (int i = 0; i <= x.length(); i++) {
      for (int j = 0; j <= y.length(); j++) {
        if (i == 0 || j == 0) {
          d[i][j] = i + j;
          continue;
        }
        int cost = x.charAt(i - 1) == y.charAt(j - 1) ? 0 : 1;
        d[i][j] = Math.min(Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1), d[i - 1][j - 1] + cost);
        if (i > 1 && j > 1 && x.charAt(i - 1) == y.charAt(j - 2)
            && x.charAt(i - 2) == y.charAt(j - 1)) {
          d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
        }
      }
    }
    return d[x.length()][y.length()];
  }
}
