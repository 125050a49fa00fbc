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
    requireNonNull(config, "config");
    // The test driver has one partition of every topic: one source of spans, one window-stage
    // task, so nothing is waited for at the start.
    Map<String, Object> values = new java.util.HashMap<>(config.originals());
    values.put(dev.faultline.ingest.config.IngestConfig.TOPIC_PARTITIONS, 1);
    this.config = new AnalyzerConfig(values);
    this.detection = requireNonNull(detection, "detection");
  }

  /** What a replay produced. */
  public record Result(
      List<Incident> incidents,
      List<GraphWindow> windows,
      long records,
      long spans,
      long badLines) {}

  /** A request of input (protobuf bytes), stamped for ordering. */
  private record Input(long timestampMs, long order, byte[] bytes, int spans) {}

  /**
   * Neighbouring requests (in event-time order) are piped as one record of at most this many spans:
   * the topology treats them exactly as separate records, but each record costs the test driver a
   * commit, which dominates when collectors export small batches.
   */
  private static final int MERGE_SPANS = 4_000;

  /** Neighbours merge only within this much event time, so that windows still close in order. */
  private static final long MERGE_MS = 250;

  /**
   * Replays {@code files} in event-time order.
   *
   * @param progress receives a line of progress now and then (stderr for the CLI)
   */
  public Result run(List<Path> files, Consumer<String> progress) throws IOException {
    List<Input> inputs = new ArrayList<>();
    long[] bad = {0};
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
          inputs.add(input(line.request(), inputs.size()));
        }
      }
      progress.accept("read " + file + " (" + inputs.size() + " lines so far)");
    }
    return replay(inputs, bad[0], progress);
  }

  /** Replays requests held in memory (a simulation's), in event-time order. */
  public Result run(Iterable<ExportTraceServiceRequest> requests, Consumer<String> progress) {
    List<Input> inputs = new ArrayList<>();
    for (ExportTraceServiceRequest request : requests) {
      inputs.add(input(request, inputs.size()));
    }
    try {
      return replay(inputs, 0, progress);
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  private static Input input(ExportTraceServiceRequest request, long order) {
    return new Input(latestEndMs(request), order, request.toByteArray(), spanCount(request));
  }

  private Result replay(List<Input> inputs, long bad, Consumer<String> progress)
      throws IOException {
    inputs.sort(Comparator.comparingLong(Input::timestampMs).thenComparingLong(Input::order));
    long spans = inputs.stream().mapToLong(Input::spans).sum();
    long lines = inputs.size();
    inputs = merged(inputs);
    List<GraphWindow> windows = new ArrayList<>();
    if (inputs.isEmpty()) {
      return new Result(List.of(), windows, 0, 0, bad);
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
      long spansDone = 0;
      long nextReport = System.nanoTime() + Duration.ofSeconds(5).toNanos();
      RecordHeaders protobuf = new RecordHeaders();
      protobuf.add(
          OtlpEncoding.CONTENT_TYPE_HEADER,
          OtlpEncoding.PROTOBUF.mediaType().getBytes(StandardCharsets.UTF_8));
      for (Input record : inputs) {
        if (record.timestampMs() > wallClock) {
          driver.advanceWallClockTime(Duration.ofMillis(record.timestampMs() - wallClock));
          wallClock = record.timestampMs();
        }
        input.pipeInput(
            new TestRecord<>(
                null, record.bytes(), protobuf, Instant.ofEpochMilli(record.timestampMs())));
        incidents.addAll(alerts.readValuesToList());
        spansDone += record.spans();
        if (System.nanoTime() > nextReport) {
          progress.accept(
              String.format(
                  "replayed %,d/%,d spans, event time %s",
                  spansDone, spans, Instant.ofEpochMilli(record.timestampMs())));
          nextReport = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        }
      }
      // Move event time on so the last windows close and the last traces resolve.
      long end = wallClock + DRAIN_MS;
      for (long t = wallClock + config.windowSizeMs(); t <= end; t += config.windowSizeMs()) {
        driver.advanceWallClockTime(Duration.ofMillis(config.windowSizeMs()));
        input.pipeInput(new TestRecord<>(null, EMPTY_REQUEST, protobuf, Instant.ofEpochMilli(t)));
        incidents.addAll(alerts.readValuesToList());
      }
    } finally {
      deleteRecursively(stateDir);
    }
    return new Result(incidents, windows, lines, spans, bad);
  }

  /**
   * Neighbours joined into bigger requests. Concatenated protobuf encodings of a message with only
   * a repeated field decode as one message holding all the elements, so joining is appending.
   */
  private static List<Input> merged(List<Input> inputs) {
    List<Input> out = new ArrayList<>();
    int i = 0;
    while (i < inputs.size()) {
      Input first = inputs.get(i);
      int j = i;
      int spans = 0;
      int bytes = 0;
      long last = first.timestampMs();
      while (j < inputs.size()
          && inputs.get(j).timestampMs() - first.timestampMs() <= MERGE_MS
          && (j == i || spans + inputs.get(j).spans() <= MERGE_SPANS)) {
        spans += inputs.get(j).spans();
        bytes += inputs.get(j).bytes().length;
        last = inputs.get(j).timestampMs();
        j++;
      }
      if (j == i + 1) {
        out.add(first);
      } else {
        byte[] joined = new byte[bytes];
        int at = 0;
        for (int k = i; k < j; k++) {
          byte[] part = inputs.get(k).bytes();
          System.arraycopy(part, 0, joined, at, part.length);
          at += part.length;
        }
        out.add(new Input(last, first.order(), joined, spans));
      }
      i = j;
    }
    return out;
  }

  private static final byte[] EMPTY_REQUEST = new byte[0];

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
