package dev.underway.runbooks;

import java.util.List;
import java.util.Optional;

/**
 * An Update of a runbook's workflow that is meant for people (besides the kernel's {@code
 * decide}): what {@code underway update RUN NAME} sends, {@code underway runbooks} lists, and,
 * with a {@link Shortcut}, {@code underway NAME RUN} offers.
 *
 * @param name the Update's name, the workflow interface's constant (never a copy of the string)
 * @param description one line: what it does and when it is accepted
 * @param example an input the workflow accepts as is (JSON; the registry test deserialises it
 *     into the Update's parameter type and checks nothing is left over)
 * @param shortcut how {@code underway NAME RUN} takes the input, or null when the Update has no
 *     shortcut (sent with {@code underway update} only)
 */
public record OperatorUpdate(String name, String description, String example,
    Shortcut shortcut) {

  /** An Update sent with {@code underway update} only. */
  public static OperatorUpdate of(String name, String description, String example) {
    return new OperatorUpdate(name, description, example, null);
  }

  /** An Update {@code underway} also offers as {@code underway NAME RUN}. */
  public static OperatorUpdate withShortcut(String name, String description, String example,
      Shortcut shortcut) {
    return new OperatorUpdate(name, description, example, shortcut);
  }

  public Optional<Shortcut> shortcutIfAny() {
    return Optional.ofNullable(shortcut);
  }

  /**
   * The command-line form of an Update's input: each field of the input JSON that the shortcut
   * takes, as an option ({@code --by NAME}) or as the one positional argument after the run
   * ({@code set-batch RUN 200}).
   *
   * @param options fields given as {@code --<json name>} options
   * @param argument the field given as the second positional argument, or null
   * @param byDefaultsToUser whether {@code by} (when it is one of the options) defaults to
   *     {@code $USER}, as the decisions' {@code --by} does
   */
  public record Shortcut(List<Field> options, Field argument, boolean byDefaultsToUser) {
    public Shortcut {
      options = List.copyOf(options);
    }

    /** Options only, {@code by} defaulting to {@code $USER}. */
    public static Shortcut options(Field... options) {
      return new Shortcut(List.of(options), null, true);
    }

    /** As {@link #options}, with {@code argument} after the run. */
    public static Shortcut argumentAndOptions(Field argument, Field... options) {
      return new Shortcut(List.of(options), argument, true);
    }
  }

  /**
   * A field of an Update's input.
   *
   * @param json its name in the input (and the option's, {@code --<json>})
   * @param label what the help shows for its value ({@code NAME}, {@code TEXT}, {@code N})
   * @param number whether it is a whole number in the input
   * @param decimal whether it is a number with a fraction in the input ({@code 1.5}); neither:
   *     text
   * @param description one line for the help
   */
  public record Field(String json, String label, boolean number, boolean decimal,
      String description) {
    public static Field text(String json, String label, String description) {
      return new Field(json, label, false, false, description);
    }

    public static Field wholeNumber(String json, String label, String description) {
      return new Field(json, label, true, false, description);
    }

    public static Field decimalNumber(String json, String label, String description) {
      return new Field(json, label, false, true, description);
    }
  }
}
