package dev.faultline.deploy;

import dev.faultline.analyzer.config.AnalyzerConfig;
import dev.faultline.cli.Faultline;
import dev.faultline.ingest.kafka.DeadLetterHeaders;
import java.io.IOException;
import java.io.StringReader;
import java.io.UncheckedIOException;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import picocli.CommandLine;

/** What the deploy files must agree with, read from the code itself. */
final class Code {
  private Code() {}

  /** Every Faultline setting. */
  static Set<String> configKeys() {
    return new TreeSet<>(AnalyzerConfig.CONFIG.names());
  }

  /** The settings with their defaults. */
  static AnalyzerConfig defaults() {
    return new AnalyzerConfig(Map.of());
  }

  /** Settings from a properties text, validated as the CLI validates them (unknown keys fail). */
  static AnalyzerConfig config(String properties) {
    Properties parsed = new Properties();
    try {
      parsed.load(new StringReader(properties));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    Map<String, Object> values = new HashMap<>();
    parsed.forEach((k, v) -> values.put(k.toString().trim(), v.toString().trim()));
    Set<String> unknown = new TreeSet<>(values.keySet());
    unknown.removeAll(configKeys());
    if (!unknown.isEmpty()) {
      throw new IllegalArgumentException("unknown settings " + unknown);
    }
    return new AnalyzerConfig(values);
  }

  /** The default names of the topics Faultline reads and writes. */
  static Set<String> topicNames() {
    AnalyzerConfig config = defaults();
    return new TreeSet<>(
        List.of(
            config.ingest().inputTopic(),
            config.ingest().spansTopic(),
            config.ingest().dlqTopic(),
            config.graphTopic(),
            config.alertsTopic()));
  }

  /** The header names of dead letters. */
  static Set<String> deadLetterHeaders() {
    Set<String> names = new TreeSet<>();
    for (Field field : DeadLetterHeaders.class.getFields()) {
      if (Modifier.isStatic(field.getModifiers()) && field.getType() == String.class) {
        try {
          names.add((String) field.get(null));
        } catch (IllegalAccessException e) {
          throw new IllegalStateException(e);
        }
      }
    }
    return names;
  }

  /** Parses a faultline command line as the CLI would, without running it. */
  static CommandLine.ParseResult parse(List<String> args) {
    return Faultline.commandLine().parseArgs(args.toArray(String[]::new));
  }

  /** The default of an option of a subcommand, as picocli reports it. */
  static String optionDefault(String subcommand, String option) {
    return Faultline.commandLine()
        .getSubcommands()
        .get(subcommand)
        .getCommandSpec()
        .findOption(option)
        .defaultValue();
  }
}
