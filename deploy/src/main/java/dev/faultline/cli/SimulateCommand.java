package dev.faultline.cli;

import dev.faultline.ingest.simulate.Scenario;
import dev.faultline.ingest.simulate.ScenarioReader;
import dev.faultline.ingest.simulate.Simulator;
import dev.faultline.ingest.simulate.SpanSink;
import java.io.PrintWriter;
import java.net.URI;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.Callable;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import picocli.CommandLine;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code faultline simulate}: a scenario's traffic, as OpenTelemetry spans. */
@Command(
    name = "simulate",
    mixinStandardHelpOptions = true,
    description = {
      "Run a scenario (a simulated service system, its load and its faults) and emit its spans"
          + " through the OpenTelemetry SDK: to OTLP JSON lines, to a Kafka topic (otlp_proto), or"
          + " to an OTLP/HTTP endpoint. Virtual time runs as fast as the CPU allows unless"
          + " --realtime. The same scenario and seed give the same spans.",
      "",
      "Examples:",
      "  faultline simulate scenarios/storefront-deep-latency.json --output traces.jsonl.gz",
      "  faultline simulate SCENARIO --realtime --otlp http://localhost:4318/v1/traces",
      "  faultline simulate SCENARIO --kafka localhost:9092 --topic otlp_spans"
    })
final class SimulateCommand implements Callable<Integer> {
  @Parameters(index = "0", paramLabel = "SCENARIO", description = "Scenario file (JSON).")
  Path scenarioFile;

  @Option(names = "--seed", description = "Seed (default: the scenario's).")
  Long seed;

  @Option(
      names = "--start",
      paramLabel = "INSTANT",
      description =
          "Wall-clock time of the simulation's start, ISO-8601 (default: now with --realtime,"
              + " else 2026-01-01T00:00:00Z so that runs compare).")
  Instant start;

  @Option(names = "--realtime", description = "Pace virtual time to the wall clock.")
  boolean realtime;

  @ArgGroup(multiplicity = "1")
  Target target;

  static final class Target {
    @Option(
        names = "--output",
        paramLabel = "FILE",
        description = "OTLP JSON lines file (.gz for gzip).")
    Path output;

    @Option(names = "--kafka", paramLabel = "BOOTSTRAP", description = "Kafka bootstrap servers.")
    String kafka;

    @Option(
        names = "--otlp",
        paramLabel = "URL",
        description = "OTLP/HTTP traces endpoint, e.g. http://localhost:4318/v1/traces.")
    URI otlp;
  }

  @Option(
      names = "--topic",
      defaultValue = "otlp_spans",
      description = "Topic with --kafka (default: ${DEFAULT-VALUE}).")
  String topic;

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  static final Instant DEFAULT_START = Instant.parse("2026-01-01T00:00:00Z");

  @Override
  public Integer call() throws Exception {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    Scenario scenario = ScenarioReader.read(scenarioFile);
    if (seed != null) {
      scenario = scenario.withSeed(seed);
    }
    Instant begin = start != null ? start : realtime ? Instant.now() : DEFAULT_START;
    long started = System.nanoTime();
    Simulator.Summary summary;
    try (SpanSink sink = sink()) {
      summary =
          new Simulator(scenario)
              .run(
                  new Simulator.Options(
                      begin.toEpochMilli(),
                      realtime,
                      line -> {
                        err.println(line);
                        err.flush();
                      }),
                  sink);
    }
    double seconds = (System.nanoTime() - started) / 1e9;
    out.printf(
        "%s: %,d requests, %,d spans in %,d exports (%.1f s, %,.0f spans/s); errors %,d,"
            + " timeouts %,d, retries %,d, rejected %,d, breaker rejections %,d, messages %,d%n",
        scenario.name(),
        summary.requests(),
        summary.spans(),
        summary.exports(),
        seconds,
        summary.spans() / seconds,
        summary.errors(),
        summary.timeouts(),
        summary.retries(),
        summary.rejected(),
        summary.breakerRejections(),
        summary.messages());
    out.flush();
    return 0;
  }

  private SpanSink sink() throws java.io.IOException {
    if (target.output != null) {
      return SpanSink.jsonLines(target.output);
    }
    if (target.otlp != null) {
      return SpanSink.otlpHttp(target.otlp);
    }
    KafkaProducer<byte[], byte[]> producer =
        new KafkaProducer<>(
            Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
                target.kafka,
                ProducerConfig.COMPRESSION_TYPE_CONFIG,
                "lz4",
                ProducerConfig.LINGER_MS_CONFIG,
                20),
            new ByteArraySerializer(),
            new ByteArraySerializer());
    SpanSink kafka = SpanSink.kafka(producer, topic);
    return new SpanSink() {
      @Override
      public void accept(io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest r) {
        kafka.accept(r);
      }

      @Override
      public void close() throws java.io.IOException {
        kafka.close();
        producer.close();
      }
    };
  }
}
