package dev.faultline.cli.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.faultline.analyzer.config.AnalyzerConfig;
import dev.faultline.broker.EmbeddedKafka;
import java.io.PrintWriter;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code faultline bench}: throughput against the plain-consumer limit, on the embedded broker. */
@Command(
    name = "bench",
    mixinStandardHelpOptions = true,
    description = {
      "Pre-load simulated OTLP traffic into a topic of an embedded Kafka broker and measure, in"
          + " the same run, a plain consumer that only parses the records (the practical limit of"
          + " this machine) and Faultline's stages over the same records. Prints a table and"
          + " writes JSON.",
      "",
      "Example:",
      "  faultline bench --spans 1000000 --output bench.json"
    })
public final class BenchCommand implements Callable<Integer> {
  @Option(
      names = "--spans",
      defaultValue = "1000000",
      description = "Spans to pre-load (default ${DEFAULT-VALUE}).")
  long spans;

  @Option(
      names = "--spans-per-message",
      defaultValue = "100",
      description = "Spans per OTLP message (default ${DEFAULT-VALUE}).")
  int spansPerMessage;

  @Option(
      names = "--services",
      defaultValue = "40",
      description = "Services in the traffic (default ${DEFAULT-VALUE}).")
  int services;

  @Option(
      names = "--partitions",
      defaultValue = "3",
      description = "Partitions of the input topic (default ${DEFAULT-VALUE}).")
  int partitions;

  @Option(
      names = "--compression",
      defaultValue = "lz4",
      description =
          "Compression of the pre-loaded records: none, lz4, zstd, snappy, gzip (default ${DEFAULT-VALUE}).")
  String compression;

  @Option(
      names = "--event-rate",
      defaultValue = "100000",
      description =
          "Spans per second of event time in the traffic: how fast windows pass while it is"
              + " processed, as for a system producing this rate live (default ${DEFAULT-VALUE}).")
  double eventRate;

  @Option(
      names = "--stages",
      split = ",",
      defaultValue = "decode,ingest,analyzer,analyzer-keyed",
      description =
          "Stages to measure besides the plain consumer, comma-separated: decode, topology (the"
              + " analyzer's topology in process, no broker), ingest, analyzer, analyzer-keyed"
              + " (the input as a collector with partition_traces_by_id writes it: one record per"
              + " trace, keyed by its id, read without the spans topic), latency (detection latency"
              + " in real time, see --latency-*) (default ${DEFAULT-VALUE}).")
  List<String> stages;

  @Option(
      names = "--guarantees",
      split = ",",
      defaultValue = "at_least_once,exactly_once_v2",
      description =
          "Processing guarantees to run the Kafka Streams stages with (default ${DEFAULT-VALUE}).")
  List<String> guarantees;

  @Option(
      names = "--set",
      paramLabel = "KEY=VALUE",
      description =
          "A Faultline setting for the analyzer stages (repeatable), e.g. --set"
              + " faultline.trace.cache.traces=2000.")
  Map<String, String> settings = new java.util.LinkedHashMap<>();

  @Option(
      names = "--warmup-passes",
      defaultValue = "1",
      description =
          "Unreported passes of each Kafka Streams stage before the measured ones, for the JIT"
              + " (default ${DEFAULT-VALUE}).")
  int warmupPasses;

  @Option(
      names = "--kafka",
      paramLabel = "KEY=VALUE",
      description =
          "A Kafka Streams or Kafka client setting for the Kafka Streams stages (repeatable), over"
              + " Faultline's defaults, e.g. --kafka buffered.records.per.partition=4000.")
  Map<String, String> kafkaSettings = new java.util.LinkedHashMap<>();

  @Option(names = "--output", paramLabel = "FILE", description = "Write the results as JSON here.")
  Path output;

  @CommandLine.Mixin LatencyOptions latency;

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() throws Exception {
    PrintWriter out = spec.commandLine().getOut();
    BenchOptions options =
        new BenchOptions(
            spans,
            spansPerMessage,
            services,
            partitions,
            compression,
            eventRate,
            stages,
            guarantees,
            settings,
            warmupPasses,
            kafkaSettings);
    List<BenchResult> results = List.of();
    LatencyResult detection = null;
    // Kafka's default delay of a new group's first rebalance (the embedded broker's is 0, for fast
    // tests): every stream thread of a stage then joins the first rebalance. Without it the first
    // thread's consumer was assigned every task alone, processed records, and gave some up when the
    // next joined; the stage is RUNNING only then, so that work was done before its clock started.
    try (EmbeddedKafka kafka =
        EmbeddedKafka.builder()
            .brokerProperty("group.initial.rebalance.delay.ms", "3000")
            .start()) {
      Map<String, Object> client = Map.of("bootstrap.servers", kafka.bootstrapServers());
      if (stages.stream().anyMatch(stage -> !stage.equals("latency"))) {
        results = new IngestBenchmark(client, options, out).run();
      }
      if (stages.contains("latency")) {
        detection =
            new DetectionLatencyBenchmark(
                    client, latency, partitions, guarantees.get(0), settings, kafkaSettings, out)
                .run();
      }
    }
    out.println();
    out.printf(
        "%-66s %12s %9s %12s %8s %9s %9s%n",
        "stage", "spans", "seconds", "spans/s", "ratio", "cpu jvm", "cpu stage");
    for (BenchResult result : results) {
      out.printf(
          "%-66s %,12d %9.2f %,12.0f %7.2fx %8.1fs %8.1fs%n",
          result.stage(),
          result.spans(),
          result.seconds(),
          result.spansPerSecond(),
          result.ratioToPlainConsumer(),
          result.processCpuSeconds(),
          result.stageThreadCpuSeconds());
    }
    out.println();
    out.println("memory of the Kafka Streams stages (whole JVM, broker included):");
    for (BenchResult result : results) {
      if (result.heapMaxAfterGcMiB() != null) {
        out.printf(
            "%-66s heap after GC max %,8.0f MiB   state on disk %,8.1f MiB%n",
            result.stage(), result.heapMaxAfterGcMiB(), result.stateMiB());
      }
    }
    out.println();
    out.println("busiest threads while each stage ran (CPU seconds; JIT and GC included):");
    for (BenchResult result : results) {
      StringBuilder line = new StringBuilder();
      result
          .busiestThreads()
          .forEach((name, seconds) -> line.append(String.format("  %s %.1f", name, seconds)));
      out.printf("%-40.40s%s%n", result.stage(), line);
    }
    if (detection != null) {
      LatencyTable.print(detection, out);
    }
    out.flush();
    if (output != null) {
      Map<String, Object> document = new LinkedHashMap<>();
      document.put("ranAt", Instant.now().toString());
      document.put("machine", machine());
      document.put("options", options);
      document.put("results", results);
      if (detection != null) {
        document.put("detectionLatency", detection);
      }
      Files.createDirectories(output.toAbsolutePath().getParent());
      new ObjectMapper()
          .enable(SerializationFeature.INDENT_OUTPUT)
          .writeValue(output.toFile(), document);
      out.printf("wrote %s%n", output);
    }
    return 0;
  }

  private static Map<String, Object> machine() {
    Map<String, Object> machine = new LinkedHashMap<>();
    machine.put("cpus", Runtime.getRuntime().availableProcessors());
    // The analyzer stages' stream threads unless --set faultline.stream.threads says otherwise.
    machine.put("defaultStreamThreads", new AnalyzerConfig(Map.of()).streamThreads());
    machine.put("maxHeapMiB", Runtime.getRuntime().maxMemory() / (1024 * 1024));
    machine.put(
        "java", System.getProperty("java.vm.name") + " " + System.getProperty("java.version"));
    machine.put("os", System.getProperty("os.name") + " " + System.getProperty("os.version"));
    machine.put("jvmArgs", ManagementFactory.getRuntimeMXBean().getInputArguments());
    return machine;
  }
}
