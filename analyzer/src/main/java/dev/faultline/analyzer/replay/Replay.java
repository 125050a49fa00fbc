package dev.faultline.analyzer.replay;

import static java.util.Objects.requireNonNull;

import dev.faultline.analyzer.config.AnalyzerConfig;
import dev.faultline.analyzer.detect.DetectionEngine;
import dev.faultline.analyzer.graph.GraphWindow;
import dev.faultline.analyzer.topology.AnalyzerMetrics;
import dev.faultline.analyzer.topology.AnalyzerTopology;
import dev.faultline.ingest.file.OtlpJsonLinesReader;
import dev.faultline.ingest.otlp.OtlpEncoding;
import dev.faultline.schemas.incident.Incident;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import io.opentelemetry.proto.trace.v1.Span;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.test.TestRecord;

/**
 * Runs recorded OTLP JSON lines through the analyzer's topology and returns the incidents. The
 * records enter in event-time order (each line stamped with the latest span end it holds; ties keep
 * file order); the driver's wall clock follows event time, so {@code detectedAt} equals the event
 * time at which an incident was raised and the same input always gives the same output.
 */
public final class Replay {
  /** How far past the last span event time runs at the end, to close every window and trace. */
  private static final long DRAIN_MS = 120_000;

  private final AnalyzerConfig config;
  private final Supplier<DetectionEngine> detection;

  public Replay(AnalyzerConfig config, Supplier<DetectionEngine> detection) {
    this.config = requireNonNull(config, "config");
    this.detection = requireNonNull(detection, "detection");
  }

  /** What a replay produced. */
  public record Result(
      List<Incident> incidents,
      List<GraphWindow> windows,
      long records,
      long spans,
      long badLines) {}

  /** A line of input, stamped for ordering. */
  private record Input(long timestampMs, long order, byte[] bytes, int spans) {}

  /**
   * Replays {@code files} in event-time order.
   *
   * @param progress receives a line of progress now and then (stderr for the CLI)
   */
  public Result run(List<Path> files, Consumer<String> progress) throws IOException {
    List<Input> inputs = new ArrayList<>();
    long[] bad = {0};
    long order = 0;
    long spans = 0;
    for (Path file : files) {
      try (OtlpJsonLinesReader reader =
          new OtlpJsonLinesReader(
              file,
              (path, line, error) -> {
                bad[0]++;
                progress.accept(path + ":" + line + ": skipped, " + error.getMessage());
              })) {
        for (OtlpJsonLinesReader.Line line = reader.nextLine();
            line != null;
            line = reader.nextLine()) {
          int count = spanCount(line.request());
          inputs.add(new Input(latestEndMs(line.request()), order++, line.bytes(), count));
          spans += count;
        }
      }
      progress.accept("read " + file + " (" + inputs.size() + " lines so far)");
    }
    inputs.sort(Comparator.comparingLong(Input::timestampMs).thenComparingLong(Input::order));
    List<GraphWindow> windows = new ArrayList<>();
    if (inputs.isEmpty()) {
      return new Result(List.of(), windows, 0, 0, bad[0]);
    }
    Path stateDir = Files.createTempDirectory("faultline-replay-");
    long start = inputs.get(0).timestampMs();
    StreamsBuilder builder = new StreamsBuilder();
    AnalyzerTopology.build(
        builder,
        config,
        new AnalyzerMetrics(new SimpleMeterRegistry()),
        AnalyzerTopology.Hooks.none().withDetection(detection).withWindowListener(windows::add));
    Properties props = new Properties();
    props.put(StreamsConfig.APPLICATION_ID_CONFIG, "faultline-replay");
    props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "replay:9092");
    props.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
    List<Incident> incidents = new ArrayList<>();
    try (TopologyTestDriver driver =
        new TopologyTestDriver(builder.build(), props, Instant.ofEpochMilli(start))) {
      TestInputTopic<byte[], byte[]> input =
          driver.createInputTopic(
              config.ingest().inputTopic(), new ByteArraySerializer(), new ByteArraySerializer());
      TestOutputTopic<String, Incident> alerts =
          driver.createOutputTopic(
              config.alertsTopic(),
              new StringDeserializer(),
              AnalyzerTopology.alertsTopic(config).valueSerde().deserializer());
      long wallClock = start;
      long done = 0;
      long spansDone = 0;
      long nextReport = System.nanoTime() + Duration.ofSeconds(5).toNanos();
      RecordHeaders json = new RecordHeaders();
      json.add(
          OtlpEncoding.CONTENT_TYPE_HEADER,
          OtlpEncoding.JSON.mediaType().getBytes(StandardCharsets.UTF_8));
      for (Input record : inputs) {
        if (record.timestampMs() > wallClock) {
          driver.advanceWallClockTime(Duration.ofMillis(record.timestampMs() - wallClock));
          wallClock = record.timestampMs();
        }
        input.pipeInput(
            new TestRecord<>(
                null, record.bytes(), json, Instant.ofEpochMilli(record.timestampMs())));
        incidents.addAll(alerts.readValuesToList());
        done++;
        spansDone += record.spans();
        if (System.nanoTime() > nextReport) {
          progress.accept(
              String.format(
                  "replayed %,d/%,d lines, %,d spans, event time %s",
                  done, inputs.size(), spansDone, Instant.ofEpochMilli(record.timestampMs())));
          nextReport = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        }
      }
      // Move event time on so the last windows close and the last traces resolve.
      long end = wallClock + DRAIN_MS;
      for (long t = wallClock + config.windowSizeMs(); t <= end; t += config.windowSizeMs()) {
        driver.advanceWallClockTime(Duration.ofMillis(config.windowSizeMs()));
        input.pipeInput(new TestRecord<>(null, EMPTY_REQUEST, json, Instant.ofEpochMilli(t)));
        incidents.addAll(alerts.readValuesToList());
      }
    } finally {
      deleteRecursively(stateDir);
    }
    return new Result(incidents, windows, inputs.size(), spans, bad[0]);
  }

  private static final byte[] EMPTY_REQUEST =
      "{\"resourceSpans\":[]}".getBytes(StandardCharsets.UTF_8);

  private static long latestEndMs(ExportTraceServiceRequest request) {
    long latest = 0;
    for (ResourceSpans resource : request.getResourceSpansList()) {
      for (ScopeSpans scope : resource.getScopeSpansList()) {
        for (Span span : scope.getSpansList()) {
          latest = Math.max(latest, span.getEndTimeUnixNano() / 1_000_000L);
        }
      }
    }
    return latest;
  }

  private static int spanCount(ExportTraceServiceRequest request) {
    int count = 0;
    for (ResourceSpans resource : request.getResourceSpansList()) {
      for (ScopeSpans scope : resource.getScopeSpansList()) {
        count += scope.getSpansCount();
      }
    }
    return count;
  }

  private static void deleteRecursively(Path root) throws IOException {
    try (var paths = Files.walk(root)) {
      paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    }
  }

  /** Replay settings for recordings: the defaults, with nothing tied to a live cluster. */
  public static AnalyzerConfig defaultConfig(Map<String, Object> overrides) {
    return new AnalyzerConfig(overrides);
  }
}
