package dev.faultline.cli.bench;

import java.nio.file.Path;
import java.util.List;
import picocli.CommandLine.Option;

/** The options of {@code faultline bench}'s detection-latency stage ({@code --stages latency}). */
final class LatencyOptions {
  @Option(
      names = "--latency-rate",
      defaultValue = "15000",
      description =
          "Spans per second while a fault is watched: the scenario's own traffic plus synthetic"
              + " traffic of other services up to this rate (default ${DEFAULT-VALUE}, about half"
              + " of the full analyzer's sustained rate measured on a 2-vCPU machine).")
  double rate;

  @Option(
      names = "--latency-faults",
      defaultValue = "5",
      description = "Faults to inject, one after another (default ${DEFAULT-VALUE}).")
  int faults;

  @Option(
      names = "--latency-timeout",
      defaultValue = "30",
      description =
          "Seconds after a fault's start to wait for its incident before counting it missed"
              + " (default ${DEFAULT-VALUE}).")
  double timeoutSeconds;

  @Option(
      names = "--latency-scenarios",
      split = ",",
      paramLabel = "FILE",
      description =
          "Scenario files of one system whose faults (and truths) are injected in turn (default:"
              + " the storefront's deep latency, error cascade, network delay, shared database"
              + " and slow consumer from scenarios/).")
  List<Path> scenarios;

  List<Path> scenarioFiles() {
    if (scenarios != null && !scenarios.isEmpty()) {
      return scenarios;
    }
    Path dir = Path.of(System.getProperty("faultline.scenarios", "scenarios"));
    return FaultCycle.DEFAULT_SCENARIOS.stream().map(dir::resolve).toList();
  }
}
