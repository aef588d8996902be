package dev.underway.kernel;

/**
 * Compares what a person typed with what they were asked to type, exactly (a trailing space is a
 * difference), and says where the two differ so that the difference can be seen. Pure.
 */
public final class ExactText {
  private ExactText() {}

  /**
   * Where {@code given} differs from {@code wanted}, as the end of a sentence: {@code  (it has
   * none)}, or {@code : it has "x.y " (one character more: a space at the end)}; empty when they
   * are the same.
   */
  public static String difference(String wanted, String given) {
    if (given == null || given.isEmpty()) {
      return " (it has none)";
    }
    if (given.equals(wanted)) {
      return "";
    }
    String core = given.strip();
    int lead = given.indexOf(core.isEmpty() ? given : core);
    if (core.equals(wanted) && lead > 0) {
      String trail = given.substring(lead + core.length());
      return ": it has \"" + given + "\" (" + shown(given.substring(0, lead))
          + " before the name" + (trail.isEmpty() ? "" : ", " + shown(trail) + " after it") + ")";
    }
    int same = 0;
    while (same < wanted.length() && same < given.length()
        && wanted.charAt(same) == given.charAt(same)) {
      same++;
    }
    String where;
    if (same == wanted.length()) {
      where = more(given.substring(same)) + " at the end";
    } else if (same == given.length()) {
      where = "it stops before " + shown(wanted.substring(same));
    } else {
      where = "from character " + (same + 1) + " on it has " + shown(given.substring(same))
          + " where the name has " + shown(wanted.substring(same));
    }
    return ": it has \"" + given + "\" (" + where + ")";
  }

  private static String more(String extra) {
    return (extra.length() == 1 ? "one character" : extra.length() + " characters")
        + " more: " + shown(extra);
  }

  /** Text with its blanks named, so that a space can be seen. */
  private static String shown(String text) {
    if (text.isBlank()) {
      StringBuilder s = new StringBuilder();
      for (char c : text.toCharArray()) {
        s.append(s.length() == 0 ? "" : ", ").append(c == ' ' ? "a space"
            : c == '\t' ? "a tab" : c == '\n' || c == '\r' ? "a line break" : "a blank");
      }
      return s.toString();
    }
    return "\"" + text + "\"";
  }
}
