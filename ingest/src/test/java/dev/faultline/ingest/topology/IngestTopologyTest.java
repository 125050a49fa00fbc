package dev.faultline.ingest.topology;

import static dev.faultline.ingest.testing.Otlp.T0;
import static dev.faultline.ingest.testing.Otlp.request;
import static dev.faultline.ingest.testing.Otlp.resource;
import static dev.faultline.ingest.testing.Otlp.span;
import static org.assertj.core.api.Assertions.assertThat;

import dev.faultline.ingest.config.IngestConfig;
import dev.faultline.ingest.kafka.DeadLetterHeaders;
import dev.faultline.ingest.otlp.OtlpEncoding;
import dev.faultline.ingest.otlp.OtlpJsonEncoder;
import dev.faultline.ingest.testing.Otlp;
import dev.faultline.schemas.proto.SpanBatch;
import dev.faultline.schemas.serde.Serdes;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.opentelemetry.proto.trace.v1.Span.SpanKind;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class IngestTopologyTest {
  private static final Instant RECORD_TIME = Instant.ofEpochMilli(T0 / 1_000_000L);

  private final IngestConfig config = new IngestConfig(Map.of());
  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  private TopologyTestDriver driver;
  private TestInputTopic<byte[], byte[]> input;
  private TestOutputTopic<byte[], SpanBatch> spans;
  private TestOutputTopic<byte[], byte[]> dlq;

  @BeforeEach
  void start() {
    StreamsBuilder builder = new StreamsBuilder();
    IngestTopology.build(builder, config, new IngestMetrics(registry));
    Properties props = new Properties();
    props.put(StreamsConfig.APPLICATION_ID_CONFIG, "ingest-topology-test");
    props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
    driver = new TopologyTestDriver(builder.build(), props);
    input =
        driver.createInputTopic(
            config.inputTopic(), new ByteArraySerializer(), new ByteArraySerializer());
    spans =
        driver.createOutputTopic(
            config.spansTopic(), new ByteArrayDeserializer(), Serdes.spanBatch().deserializer());
    dlq =
        driver.createOutputTopic(
            config.dlqTopic(), new ByteArrayDeserializer(), new ByteArrayDeserializer());
  }

  @AfterEach
  void stop() {
    driver.close();
  }

  @Test
  void aProtobufRequestBecomesOneBatchPerTraceKeyedByTraceId() {
    var request =
        request(
            resource(
                "frontend",
                List.of(
                    span(1, 1, 0, "GET /", SpanKind.SPAN_KIND_SERVER),
                    span(2, 2, 0, "GET /", SpanKind.SPAN_KIND_SERVER),
                    span(1, 3, 1, "cart.Get", SpanKind.SPAN_KIND_CLIENT))));

    input.pipeInput(new TestRecord<>(null, request.toByteArray(), RECORD_TIME.plusMillis(1_000)));

    List<TestRecord<byte[], SpanBatch>> out = spans.readRecordsToList();
    assertThat(out).hasSize(2);
    assertThat(out.get(0).key()).isEqualTo(Otlp.traceId(1).toByteArray());
    assertThat(out.get(0).value().getSpansCount()).isEqualTo(2);
    assertThat(out.get(1).key()).isEqualTo(Otlp.traceId(2).toByteArray());
    // Event time of a batch is its latest span end (span 3 ends at T0 + 8 ms).
    assertThat(out.get(0).timestamp()).isEqualTo(T0 / 1_000_000L + 8);
    assertThat(dlq.isEmpty()).isTrue();
    // The source (input partition) travels with every batch, for trace assembly's watermark.
    assertThat(out)
        .allSatisfy(
            r ->
                assertThat(r.headers().lastHeader(IngestTopology.SOURCE_HEADER).value())
                    .containsExactly(0, 0, 0, 0));
  }

  /** A host clock ahead of the exporter's must not move stream time ahead for everyone. */
  @Test
  void aBatchEndingAfterItsRecordWasWrittenIsTimestampedWithTheRecord() {
    var request =
        request(resource("frontend", List.of(span(1, 1, 0, "GET /", SpanKind.SPAN_KIND_SERVER))));

    input.pipeInput(new TestRecord<>(null, request.toByteArray(), RECORD_TIME));

    assertThat(spans.readRecordsToList())
        .singleElement()
        .satisfies(batch -> assertThat(batch.timestamp()).isEqualTo(RECORD_TIME.toEpochMilli()));
  }

  @Test
  void aJsonRequestIsDetectedWithoutAHeader() {
    var request =
        request(resource("frontend", List.of(span(1, 1, 0, "GET /", SpanKind.SPAN_KIND_SERVER))));

    input.pipeInput(new TestRecord<>(null, new OtlpJsonEncoder().encode(request), RECORD_TIME));

    assertThat(spans.readValuesToList())
        .singleElement()
        .satisfies(b -> assertThat(b.getSpans(0).getService()).isEqualTo("frontend"));
    assertThat(registry.get("faultline.ingest.records").tag("encoding", "json").counter().count())
        .isEqualTo(1);
  }

  @Test
  void garbageGoesToTheDeadLetterTopicWithItsSourceAndReason() {
    byte[] garbage = "definitely not otlp".getBytes(StandardCharsets.UTF_8);
    RecordHeaders headers = new RecordHeaders();
    headers.add("content-type", OtlpEncoding.PROTOBUF.mediaType().getBytes(StandardCharsets.UTF_8));

    input.pipeInput(
        new TestRecord<>("k".getBytes(StandardCharsets.UTF_8), garbage, headers, RECORD_TIME));

    TestRecord<byte[], byte[]> dead = dlq.readRecord();
    assertThat(dead.value()).isEqualTo(garbage);
    assertThat(dead.key()).isEqualTo("k".getBytes(StandardCharsets.UTF_8));
    assertThat(DeadLetterHeaders.get(dead.headers(), DeadLetterHeaders.REASON))
        .isEqualTo("undecodable");
    assertThat(DeadLetterHeaders.get(dead.headers(), DeadLetterHeaders.SOURCE_TOPIC))
        .isEqualTo("otlp_spans");
    assertThat(DeadLetterHeaders.get(dead.headers(), DeadLetterHeaders.SOURCE_PARTITION))
        .isEqualTo("0");
    assertThat(DeadLetterHeaders.get(dead.headers(), DeadLetterHeaders.SOURCE_OFFSET))
        .isEqualTo("0");
    assertThat(DeadLetterHeaders.get(dead.headers(), DeadLetterHeaders.MESSAGE))
        .contains("not an OTLP protobuf");
    assertThat(spans.isEmpty()).isTrue();
  }

  @Test
  void rejectedSpansGoToTheDeadLetterTopicAsAReplayableRequestWhileTheRestPassOn() {
    var bad =
        span(1, 2, 0, "bad", SpanKind.SPAN_KIND_SERVER)
            .setSpanId(com.google.protobuf.ByteString.copyFrom(new byte[8]));
    var request =
        request(resource("a", List.of(span(1, 1, 0, "good", SpanKind.SPAN_KIND_SERVER), bad)));

    input.pipeInput(new TestRecord<>(null, request.toByteArray(), RECORD_TIME));

    assertThat(spans.readValuesToList())
        .singleElement()
        .satisfies(b -> assertThat(b.getSpansCount()).isEqualTo(1));
    TestRecord<byte[], byte[]> dead = dlq.readRecord();
    assertThat(DeadLetterHeaders.get(dead.headers(), DeadLetterHeaders.REASON))
        .isEqualTo("invalid_span_id");
    assertThat(DeadLetterHeaders.get(dead.headers(), DeadLetterHeaders.SPAN_COUNT)).isEqualTo("1");
    assertThat(DeadLetterHeaders.get(dead.headers(), "content-type"))
        .isEqualTo("application/x-protobuf");
    assertThat(parse(dead.value()).getResourceSpans(0).getScopeSpans(0).getSpans(0).getName())
        .isEqualTo("bad");
    assertThat(
            registry
                .get("faultline.ingest.dlq.spans")
                .tag("reason", "invalid_span_id")
                .counter()
                .count())
        .isEqualTo(1);
  }

  private static io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest parse(
      byte[] bytes) {
    try {
      return io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest.parseFrom(bytes);
    } catch (com.google.protobuf.InvalidProtocolBufferException e) {
      throw new AssertionError(e);
    }
  }
}
