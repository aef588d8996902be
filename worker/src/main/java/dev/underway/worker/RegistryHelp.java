package dev.underway.worker;

import dev.underway.runbooks.OperatorUpdate;
import dev.underway.runbooks.Runbook;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import picocli.CommandLine;
import picocli.CommandLine.Model.UsageMessageSpec;

/**
 * What the command line takes from the runbook registry when it is built: the runbooks in
 * {@code underway --help}, what each does on reject and on abort in those commands' help, every
 * declared Update in {@code update --help}, and one command per Update that has a shortcut
 * ({@code underway throttle RUN}), placed after {@code update}.
 */
final class RegistryHelp {
  private RegistryHelp() {}

  /** The widest an example line of {@code update --help} is, so that none is wrapped. */
  static final int UPDATE_HELP_WIDTH = 120;

  static void apply(CommandLine cl, List<Runbook<?>> runbooks) {
    UsageMessageSpec root = cl.getCommandSpec().usageMessage();
    root.description(lines(List.of(root.description()), "Runbooks (underway runbooks):",
        runbooks, r -> List.of(r.description())));
    describe(cl, "reject", "What each runbook does on reject:", runbooks,
        r -> List.of(r.onReject()));
    describe(cl, "abort", "What each runbook does on abort:", runbooks,
        r -> List.of(r.onAbort()));
    describe(cl, "update", "Each runbook's updates, with an input it accepts:", runbooks,
        RegistryHelp::updates);
    CommandLine update = cl.getSubcommands().get("update");
    if (update != null) {
      // an example wrapped by the help would not work as pasted
      update.getCommandSpec().usageMessage().autoWidth(false).width(UPDATE_HELP_WIDTH);
    }
    addShortcuts(cl, runbooks);
  }

  private static void describe(CommandLine cl, String command, String heading,
      List<Runbook<?>> runbooks, Function<Runbook<?>, List<String>> says) {
    CommandLine sub = cl.getSubcommands().get(command);
    if (sub != null) {
      UsageMessageSpec usage = sub.getCommandSpec().usageMessage();
      usage.description(lines(List.of(usage.description()), heading, runbooks, says));
    }
  }

  /** {@code before}, then the heading and, per runbook, its name and what it says. */
  private static String[] lines(List<String> before, String heading, List<Runbook<?>> runbooks,
      Function<Runbook<?>, List<String>> says) {
    List<String> lines = new ArrayList<>(before);
    if (!lines.isEmpty() && !lines.get(lines.size() - 1).isEmpty()) {
      lines.add("");
    }
    lines.add(heading);
    for (Runbook<?> r : runbooks) {
      List<String> said = says.apply(r);
      lines.add(literal("  " + r.name() + ": " + said.get(0)));
      said.subList(1, said.size()).forEach(l -> lines.add(literal(l)));
    }
    return lines.toArray(String[]::new);
  }

  /** What a runbook without operator updates is said to have. */
  static String none(Runbook<?> r) {
    return r.hasGates() ? "none (decide its gates with approve, reject, abort)" : "none";
  }

  /** {@code s} as picocli prints it unchanged (a description line is a format string). */
  private static String literal(String s) {
    return s.replace("%", "%%");
  }

  /** A runbook's Updates for {@code update --help}: name, what it does, an example. */
  private static List<String> updates(Runbook<?> r) {
    if (r.updates().isEmpty()) {
      return List.of(none(r));
    }
    List<String> lines = new ArrayList<>(List.of(""));
    for (OperatorUpdate u : r.updates()) {
      lines.add("    " + u.name() + ": " + u.description()
          + (u.shortcut() == null ? "" : " (also: underway " + u.name() + " RUN)"));
      lines.add("      --input '" + u.example() + "'");
    }
    return lines;
  }

  /** One command per Update with a shortcut, after {@code update}; the first declaration wins. */
  private static void addShortcuts(CommandLine cl, List<Runbook<?>> runbooks) {
    Map<String, OperatorUpdate> shortcuts = new LinkedHashMap<>();
    Map<String, List<String>> declaredBy = new LinkedHashMap<>();
    for (Runbook<?> r : runbooks) {
      for (OperatorUpdate u : r.updates()) {
        if (u.shortcut() != null) {
          shortcuts.putIfAbsent(u.name(), u);
          declaredBy.computeIfAbsent(u.name(), n -> new ArrayList<>()).add(r.name());
        }
      }
    }
    List<String> names = new ArrayList<>(cl.getSubcommands().keySet());
    int at = names.indexOf("update") + 1;
    Map<String, CommandLine> after = new LinkedHashMap<>();
    for (String name : names.subList(at, names.size())) {
      after.put(name, cl.getCommandSpec().removeSubcommand(name));
    }
    shortcuts.forEach((name, u) -> {
      if (after.containsKey(name) || cl.getSubcommands().containsKey(name)) {
        throw new IllegalStateException("update " + name + "'s shortcut would hide the command "
            + name);
      }
      cl.addSubcommand(name, ShortcutCommand.of(u, declaredBy.get(name)));
    });
    after.forEach(cl::addSubcommand);
  }
}
