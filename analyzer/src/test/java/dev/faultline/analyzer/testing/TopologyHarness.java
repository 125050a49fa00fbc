package dev.faultline.analyzer.testing;

import com.google.protobuf.ByteString;
import dev.faultline.analyzer.config.AnalyzerConfig;
import dev.faultline.analyzer.topology.AnalyzerMetrics;
import dev.faultline.analyzer.topology.AnalyzerTopology;
import dev.faultline.analyzer.topology.BatchBytes;
import dev.faultline.analyzer.topology.TraceStore;
import dev.faultline.ingest.config.NormalizerSettings;
import dev.faultline.schemas.proto.GraphRecord;
import dev.faultline.schemas.proto.Span;
import dev.faultline.schemas.serde.Serdes;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.BytesDeserializer;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;

/**
 * The production topology ({@link AnalyzerTopology#build}) on {@code TopologyTestDriver}: OTLP
 * requests in at a given record time, the graph topic out, the stores at hand.
 */
public final class TopologyHarness implements AutoCloseable {
  private final TopologyTestDriver driver;
  private final TestInputTopic<byte[], byte[]> input;
  private final TestOutputTopic<Bytes, GraphRecord> graph;

  public TopologyHarness(
      AnalyzerConfig config,
      String applicationId,
      MeterRegistry registry,
      AnalyzerTopology.Hooks hooks) {
    StreamsBuilder builder = new StreamsBuilder();
    AnalyzerTopology.build(builder, config, new AnalyzerMetrics(registry), hooks);
    Properties props = new Properties();
    props.put(StreamsConfig.APPLICATION_ID_CONFIG, applicationId);
    props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
    driver = new TopologyTestDriver(builder.build(), props);
    input =
        driver.createInputTopic(
            config.ingest().inputTopic(), new ByteArraySerializer(), new ByteArraySerializer());
    graph =
        driver.createOutputTopic(
            config.graphTopic(), new BytesDeserializer(), Serdes.graphRecord().deserializer());
  }

  /** One OTLP request of {@code spans}, written to the input topic at record time {@code atMs}. */
  public void send(long atMs, List<Span> spans) {
    input.pipeInput(null, Otlp.request(spans).toByteArray(), Instant.ofEpochMilli(atMs));
  }

  /** What the graph stage published so far (read once). */
  public List<GraphRecord> graphRecords() {
    return graph.readValuesToList();
  }

  /**
   * A trace as the trace store holds it, batches stored by reference read from their local copies
   * (a missing copy reads as lost).
   */
  public Optional<TraceStore.Loaded> storedTrace(ByteString traceId) {
    return TraceStore.load(
        driver.<Bytes, byte[]>getKeyValueStore(AnalyzerTopology.TRACE_STORE),
        BatchBytes.local(
            driver.<Bytes, byte[]>getKeyValueStore(AnalyzerTopology.TRACE_BATCHES_STORE)),
        traceId,
        Integer.MAX_VALUE,
        NormalizerSettings.defaults());
  }

  public TopologyTestDriver driver() {
    return driver;
  }

  @Override
  public void close() {
    driver.close();
  }
}
