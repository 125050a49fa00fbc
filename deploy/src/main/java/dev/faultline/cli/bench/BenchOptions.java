package dev.faultline.cli.bench;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * What to load for a benchmark.
 *
 * @param spans spans to pre-load
 * @param spansPerMessage spans per OTLP message (whole traces)
 * @param services distinct services
 * @param partitions partitions of the input topic
 * @param compression producer compression of the pre-loaded records
 * @param eventRate spans per second of event time in the traffic
 * @param stages the stages to measure besides the plain consumer
 * @param guarantees the processing guarantees to run the Kafka Streams stages with
 * @param settings Faultline settings for the analyzer stages
 * @param warmupPasses unreported passes of each Kafka Streams stage before the measured ones
 * @param kafka Kafka Streams and client settings for the Kafka Streams stages, over Faultline's
 *     defaults ({@code StreamsSettings})
 */
record BenchOptions(
    long spans,
    int spansPerMessage,
    int services,
    int partitions,
    String compression,
    double eventRate,
    List<String> stages,
    List<String> guarantees,
    Map<String, String> settings,
    int warmupPasses,
    Map<String, String> kafka) {
  static final Set<String> STAGES =
      Set.of("decode", "topology", "ingest", "analyzer", "analyzer-keyed", "latency");
  static final Set<String> GUARANTEES = Set.of("at_least_once", "exactly_once_v2");

  BenchOptions {
    if (spans < 1 || spansPerMessage < 1 || services < 2 || partitions < 1 || eventRate <= 0) {
      throw new IllegalArgumentException("benchmark options must be positive (services >= 2)");
    }
    if (warmupPasses < 0) {
      throw new IllegalArgumentException("--warmup-passes must be 0 or more");
    }
    stages = List.copyOf(stages);
    guarantees = List.copyOf(guarantees);
    settings = Map.copyOf(settings);
    kafka = Map.copyOf(kafka);
    for (String stage : stages) {
      if (!STAGES.contains(stage)) {
        throw new IllegalArgumentException(
            "unknown stage '" + stage + "': expected one of " + new TreeSet<>(STAGES));
      }
    }
    for (String guarantee : guarantees) {
      if (!GUARANTEES.contains(guarantee)) {
        throw new IllegalArgumentException(
            "unknown guarantee '" + guarantee + "': expected one of " + new TreeSet<>(GUARANTEES));
      }
    }
  }
}
