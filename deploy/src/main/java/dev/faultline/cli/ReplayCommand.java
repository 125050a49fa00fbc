package dev.faultline.cli;

import dev.faultline.analyzer.config.AnalyzerConfig;
import dev.faultline.analyzer.detect.Detectors;
import dev.faultline.analyzer.replay.Replay;
import dev.faultline.schemas.incident.Incident;
import dev.faultline.schemas.incident.IncidentJson;
import java.io.BufferedWriter;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code faultline replay}: recorded traces through the analyzer, offline. */
@Command(
    name = "replay",
    mixinStandardHelpOptions = true,
    description = {
      "Run recorded OTLP JSON lines (plain or .gz, as the collector's file exporter writes them)"
          + " through the analyzer in event-time order, without Kafka, and write the incidents"
          + " that would have reached the alerts topic, one JSON per line. Deterministic.",
      "",
      "Example:",
      "  faultline replay --input traces.jsonl.gz --output incidents.jsonl"
    })
final class ReplayCommand implements Callable<Integer> {
  @Option(
      names = "--input",
      required = true,
      arity = "1..*",
      paramLabel = "FILE",
      description = "Input files, read in the order given.")
  List<Path> inputs;

  @Option(
      names = "--output",
      required = true,
      paramLabel = "FILE",
      description = "Incidents, JSON lines.")
  Path output;

  @Mixin SettingsOptions settings;

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() throws Exception {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    for (Path input : inputs) {
      if (!Files.isReadable(input)) {
        throw new CommandLine.ParameterException(spec.commandLine(), "cannot read " + input);
      }
    }
    AnalyzerConfig config = settings.analyzerConfig(Map.of());
    long started = System.nanoTime();
    Replay.Result result =
        new Replay(config, () -> Detectors.engine(config))
            .run(
                inputs,
                line -> {
                  err.println(line);
                  err.flush();
                });
    Path parent = output.toAbsolutePath().getParent();
    if (parent != null) {
      Files.createDirectories(parent);
    }
    try (BufferedWriter writer = Files.newBufferedWriter(output, StandardCharsets.UTF_8)) {
      for (Incident incident : result.incidents()) {
        writer.write(IncidentJson.writeString(incident));
        writer.newLine();
      }
    }
    double seconds = (System.nanoTime() - started) / 1e9;
    out.printf(
        "replayed %,d spans (%,d lines, %d skipped) in %.1f s (%,.0f spans/s): %d windows, %d incident"
            + " states -> %s%n",
        result.spans(),
        result.records(),
        result.badLines(),
        seconds,
        result.spans() / seconds,
        result.windows().size(),
        result.incidents().size(),
        output);
    out.flush();
    return 0;
  }
}
