package dev.underway.worker;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.underway.runbooks.OperatorUpdate;
import dev.underway.runbooks.OperatorUpdate.Field;
import dev.underway.runbooks.OperatorUpdate.Shortcut;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Model.PositionalParamSpec;
import picocli.CommandLine.Parameters;

/**
 * {@code underway NAME RUN [ARGUMENT] [--field VALUE ...]}: a declared Update's shortcut, its
 * options made from the registry's {@link Shortcut} (one per input field it takes), the input
 * sent as {@code underway update RUN NAME --input} would send it.
 */
@Command(sortOptions = false, mixinStandardHelpOptions = true)
final class ShortcutCommand extends OperatorUpdateCommand {

  @Parameters(index = "0", paramLabel = "RUN", description = "The run (its workflow id).")
  String workflowId;

  private final OperatorUpdate update;

  private ShortcutCommand(OperatorUpdate update) {
    this.update = update;
  }

  /**
   * The command line of {@code update}'s shortcut; {@code runbooks} are the runbooks that declare
   * it, named in its help.
   */
  static CommandLine of(OperatorUpdate update, List<String> runbooks) {
    Shortcut s = update.shortcutIfAny().orElseThrow(() -> new IllegalArgumentException(
        update.name() + " has no shortcut"));
    CommandLine cl = new CommandLine(new ShortcutCommand(update));
    CommandSpec spec = cl.getCommandSpec();
    spec.name(update.name());
    spec.usageMessage().description(
        "Send the update " + update.name() + " (" + String.join(", ", runbooks) + "): "
            + update.description() + ".",
        "The same as: underway update RUN " + update.name() + " --input '" + update.example()
            + "'");
    if (s.argument() != null) {
      spec.addPositional(PositionalParamSpec.builder().index("1").paramLabel(s.argument().label())
          .type(type(s.argument())).required(true)
          .description(s.argument().description()).build());
    }
    for (Field f : s.options()) {
      spec.addOption(OptionSpec.builder("--" + f.json()).paramLabel(f.label())
          .type(type(f)).description(f.description()).build());
    }
    return cl;
  }

  @Override
  public Integer call() {
    OperatorUpdate declared = declared(workflowId, update.name());
    return send(workflowId, declared, input());
  }

  /** The input: each field given, {@code by} defaulting to $USER. */
  private ObjectNode input() {
    ObjectNode input = JsonNodeFactory.instance.objectNode();
    Shortcut s = update.shortcut();
    List<ArgSpec> given = new ArrayList<>(spec.options());
    given.addAll(spec.positionalParameters());
    for (Field f : fields(s)) {
      Object value = given.stream().filter(a -> names(a, f)).findFirst()
          .map(ArgSpec::getValue).orElse(null);
      if (value == null && f.json().equals("by") && s.byDefaultsToUser()) {
        value = underway.currentUser();
      }
      if (value instanceof Long n) {
        input.put(f.json(), n);
      } else if (value instanceof java.math.BigDecimal d) {
        input.put(f.json(), d);
      } else if (value != null) {
        input.put(f.json(), value.toString());
      }
    }
    return input;
  }

  /**
   * The option's type: picocli refuses what is not one ({@code --ratio 1,5}) before anything is
   * sent; a decimal is kept as typed ({@code 1.5} stays 1.5 in the input).
   */
  private static Class<?> type(Field f) {
    return f.number() ? Long.class : f.decimal() ? java.math.BigDecimal.class : String.class;
  }

  private static List<Field> fields(Shortcut s) {
    List<Field> all = new ArrayList<>(s.options());
    if (s.argument() != null) {
      all.add(s.argument());
    }
    return all;
  }

  private static boolean names(ArgSpec a, Field f) {
    return a instanceof OptionSpec o ? o.longestName().equals("--" + f.json())
        : a instanceof PositionalParamSpec p && p.paramLabel().equals(f.label());
  }
}
