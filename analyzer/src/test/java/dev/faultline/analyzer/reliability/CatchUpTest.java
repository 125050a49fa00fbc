package dev.faultline.analyzer.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import dev.faultline.analyzer.config.AnalyzerConfig;
import dev.faultline.analyzer.detect.DetectionEngine;
import dev.faultline.analyzer.graph.GraphWindow;
import dev.faultline.analyzer.replay.Replay;
import dev.faultline.analyzer.topology.AnalyzerMetrics;
import dev.faultline.analyzer.topology.AnalyzerTopology;
import dev.faultline.ingest.config.IngestConfig;
import dev.faultline.ingest.normalize.ProtobufSpanReader;
import dev.faultline.ingest.simulate.Simulator;
import dev.faultline.ingest.topology.IngestTopology;
import dev.faultline.schemas.proto.SpanBatch;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A backlog caught up by ingest tasks at different speeds: four sources (input partitions) write
 * the same spans partition, starting together and each slower than the one before (source k
 * advances at 1 / (1 + k/4) of source 0's speed: when source 0 is through the 40 s, source 3 is at
 * 23 s), as when instances catch up after an outage. Trace assembly and the window stage must
 * follow the slowest active source, so the graph is window for window the graph of the in-order
 * replay. The batches are written to the spans topic directly, with the source header ingest puts
 * on them.
 */
class CatchUpTest {
  private static final int SOURCES = 4;
  private static final long START = 1_700_000_000_000L;

  private static final AnalyzerConfig CONFIG =
      new AnalyzerConfig(
          Map.of(
              IngestConfig.TOPIC_PARTITIONS,
              1,
              // Shorter than the backlog takes (1 ms of wall clock per batch), so that the wait
              // for the sources at the start does not cover all of it.
              AnalyzerConfig.WATERMARK_IDLE_MS,
              2_000L,
              AnalyzerConfig.GRAPH_FINALIZE_TIMEOUT_MS,
              2_000L));
  private static List<ExportTraceServiceRequest> requests;
  private static Replay.Result replay;

  @TempDir Path state;

  @BeforeAll
  static void simulateAndReplay() throws Exception {
    requests = Simulator.collect(Traffic.storefrontLatency(40, 15, 25), START);
    replay = new Replay(CONFIG, DetectionEngine::none).run(requests, line -> {});
  }

  @Test
  void aBacklogFromSourcesAtDifferentEventTimesGivesTheReplaysGraphWindowForWindow()
      throws Exception {
    Run live = run(true);
    System.out.printf(
        "CATCHUP late records %d, windows (s: live/replay):%n%s%n",
        live.lateRecords, diff(live.windows));
    assertThat(Ledger.visitsByWindow(live.windows, Traffic.DRAIN_SERVICE))
        .as("visits per window, against the in-order replay")
        .isEqualTo(Ledger.visitsByWindow(replay.windows(), Traffic.DRAIN_SERVICE));
    assertThat(withoutDrain(Ledger.visitsByService(live.windows)))
        .isEqualTo(withoutDrain(Ledger.visitsByService(replay.windows())));
    assertThat(calls(live.windows)).isEqualTo(calls(replay.windows()));
    assertThat(live.lateRecords).as("window records counted late").isZero();
  }

  /**
   * The control: the same backlog with every batch from one unnamed source, as a watermark that is
   * the latest of any (Kafka Streams' stream time) sees it. Windows close before the slower
   * sources' data came, so it counts late and in the wrong windows.
   */
  @Test
  void theSameBacklogSeenAsOneSourceIsLateAndDistortsTheWindows() throws Exception {
    Run live = run(false);
    assertThat(live.lateRecords).isPositive();
    assertThat(Ledger.visitsByWindow(live.windows, Traffic.DRAIN_SERVICE))
        .isNotEqualTo(Ledger.visitsByWindow(replay.windows(), Traffic.DRAIN_SERVICE));
    assertThat(withoutDrain(Ledger.visitsByService(live.windows)))
        .as("late, yet nothing lost")
        .isEqualTo(withoutDrain(Ledger.visitsByService(replay.windows())));
  }

  private record Batch(long timeMs, int source, SpanBatch batch) {}

  private record Run(List<GraphWindow> windows, long lateRecords) {}

  private Run run(boolean sourceHeaders) throws Exception {
    ProtobufSpanReader reader = new ProtobufSpanReader(CONFIG.ingest().normalizer());
    List<Batch> batches = new ArrayList<>();
    List<ExportTraceServiceRequest> sorted = new ArrayList<>(requests);
    sorted.sort(Comparator.comparingLong(CatchUpTest::latestEndMs));
    for (int i = 0; i < sorted.size(); i++) {
      long recordTime = latestEndMs(sorted.get(i));
      for (SpanBatch batch : reader.read(sorted.get(i).toByteArray(), recordTime).batches()) {
        batches.add(new Batch(batchTime(batch, recordTime), i % SOURCES, batch));
      }
    }
    // What one spans partition receives: source k reaches event time t when source 0 reaches
    // start + (t - start) * (1 + k/4).
    List<Batch> backlog = new ArrayList<>(batches);
    backlog.sort(Comparator.comparingDouble(b -> (b.timeMs() - START) * (1 + b.source() / 4.0)));
    long last = batches.stream().mapToLong(Batch::timeMs).max().orElseThrow();

    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    List<GraphWindow> windows = new ArrayList<>();
    StreamsBuilder builder = new StreamsBuilder();
    AnalyzerTopology.build(
        builder,
        CONFIG,
        new AnalyzerMetrics(registry),
        AnalyzerTopology.Hooks.none().withWindowListener(windows::add));
    Properties props = new Properties();
    props.put(StreamsConfig.APPLICATION_ID_CONFIG, "catch-up");
    props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
    props.put(StreamsConfig.STATE_DIR_CONFIG, state.toString());
    try (TopologyTestDriver driver =
        new TopologyTestDriver(builder.build(), props, Instant.ofEpochMilli(START))) {
      TestInputTopic<byte[], byte[]> spans =
          driver.createInputTopic(
              CONFIG.ingest().spansTopic(), new ByteArraySerializer(), new ByteArraySerializer());
      for (Batch batch : backlog) {
        // Catching up: wall-clock time moves far slower than event time, no source falls idle.
        driver.advanceWallClockTime(Duration.ofMillis(1));
        spans.pipeInput(record(batch, sourceHeaders));
      }
      // Then every source reaches the head of its input and goes on in real time.
      for (long t = last + 1_000; t <= last + 60_000; t += 1_000) {
        driver.advanceWallClockTime(Duration.ofMillis(1_000));
        for (int source = 0; source < SOURCES; source++) {
          for (SpanBatch batch :
              reader
                  .read(Traffic.drain(t + source, 1, 1_000, 1, t).get(0).toByteArray(), t)
                  .batches()) {
            spans.pipeInput(record(new Batch(t, source, batch), sourceHeaders));
          }
        }
      }
    }
    long late = (long) registry.get("faultline.window.late.records").counter().count();
    return new Run(windows, late);
  }

  private static TestRecord<byte[], byte[]> record(Batch batch, boolean sourceHeaders) {
    RecordHeaders headers = new RecordHeaders();
    if (sourceHeaders) {
      headers.add(
          IngestTopology.SOURCE_HEADER,
          ByteBuffer.allocate(Integer.BYTES).putInt(batch.source()).array());
    }
    return new TestRecord<>(
        batch.batch().getTraceId().toByteArray(),
        batch.batch().toByteArray(),
        headers,
        Instant.ofEpochMilli(batch.timeMs()));
  }

  /** As ingest stamps a batch: its latest span end, capped at the record's time. */
  private static long batchTime(SpanBatch batch, long recordTime) {
    long latest = 0;
    for (var span : batch.getSpansList()) {
      latest = Math.max(latest, span.getEndUnixNano() / 1_000_000L);
    }
    return latest <= 0 ? recordTime : Math.min(latest, recordTime);
  }

  private static long latestEndMs(ExportTraceServiceRequest request) {
    long latest = 0;
    for (var resource : request.getResourceSpansList()) {
      for (var scope : resource.getScopeSpansList()) {
        for (var span : scope.getSpansList()) {
          latest = Math.max(latest, span.getEndTimeUnixNano() / 1_000_000L);
        }
      }
    }
    return latest;
  }

  private static Map<String, Long> withoutDrain(Map<String, Long> visits) {
    Map<String, Long> out = new TreeMap<>(visits);
    out.remove(Traffic.DRAIN_SERVICE);
    return out;
  }

  /** Calls per edge id, over every window. */
  private static Map<String, Long> calls(List<GraphWindow> windows) {
    Map<String, Long> out = new TreeMap<>();
    windows.forEach(
        w ->
            w.edges()
                .forEach(
                    e ->
                        out.merge(
                            dev.faultline.analyzer.graph.EdgeKey.of(e).id(),
                            e.getCalls(),
                            Long::sum)));
    out.keySet().removeIf(id -> id.contains(Traffic.DRAIN_SERVICE));
    return out;
  }

  private static String diff(List<GraphWindow> live) {
    Map<Long, Long> l = Ledger.visitsByWindow(live, Traffic.DRAIN_SERVICE);
    Map<Long, Long> r = Ledger.visitsByWindow(replay.windows(), Traffic.DRAIN_SERVICE);
    StringBuilder out = new StringBuilder();
    new java.util.TreeSet<>(
            java.util.stream.Stream.concat(l.keySet().stream(), r.keySet().stream()).toList())
        .forEach(
            w ->
                out.append((w - START) / 1000)
                    .append(':')
                    .append(l.getOrDefault(w, 0L))
                    .append('/')
                    .append(r.getOrDefault(w, 0L))
                    .append(l.getOrDefault(w, 0L).equals(r.getOrDefault(w, 0L)) ? " " : "* "));
    return out.toString();
  }
}
