package dev.underway.worker;

import java.lang.reflect.Field;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine.IDefaultValueProvider;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Option;

/**
 * Reads an option's {@code ${env:NAME:-default}} default from the environment the command was
 * given, not only the process's: the same command then behaves alike when embedded or tested
 * with an environment of its own (e.g. a Deployment's {@code env}). When NAME is not in that
 * environment, picocli's own default (the process environment, then the literal) applies.
 */
final class EnvironmentDefaults implements IDefaultValueProvider {
  private static final Pattern ENV = Pattern.compile("\\$\\{env:([A-Za-z_][A-Za-z0-9_]*)");

  private final Map<String, String> environment;

  EnvironmentDefaults(Map<String, String> environment) {
    this.environment = environment;
  }

  @Override
  public String defaultValue(ArgSpec arg) {
    // the annotation's own text: the spec's default is already interpolated (and asking it for
    // the raw text calls this provider again)
    if (!(arg instanceof OptionSpec) || !(arg.userObject() instanceof Field field)
        || field.getAnnotation(Option.class) == null) {
      return null;
    }
    Matcher m = ENV.matcher(field.getAnnotation(Option.class).defaultValue());
    if (!m.find()) {
      return null;
    }
    String value = environment.get(m.group(1));
    return value == null || value.isEmpty() ? null : value;
  }
}
