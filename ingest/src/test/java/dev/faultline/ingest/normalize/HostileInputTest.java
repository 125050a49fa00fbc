package dev.faultline.ingest.normalize;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.CodedOutputStream;
import com.google.protobuf.InvalidProtocolBufferException;
import dev.faultline.ingest.config.IngestConfig;
import dev.faultline.ingest.config.NormalizerSettings;
import dev.faultline.ingest.otlp.OtlpDecodeException;
import dev.faultline.ingest.otlp.OtlpJsonDecoder;
import dev.faultline.ingest.otlp.OtlpJsonEncoder;
import dev.faultline.ingest.topology.IngestMetrics;
import dev.faultline.ingest.topology.IngestTopology;
import dev.faultline.schemas.proto.SpanBatch;
import dev.faultline.schemas.serde.Serdes;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Arrays;
import java.util.Map;
import java.util.Properties;
import java.util.Random;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.Test;

/**
 * Hostile input, generated from seeds: random and mutated OTLP JSON and protobuf, deep nesting,
 * huge values, absurd timestamps. Each decoder either decodes or refuses with {@link
 * OtlpDecodeException}, never anything else; and through the ingest topology every record ends as
 * span batches or dead letters, never as an exception. A failure names the case's seed.
 */
class HostileInputTest {
  private static final int JSON_CASES = 1_500;
  private static final int TOPOLOGY_CASES = 300;

  @Test
  void theJsonDecoderDecodesOrRefusesEveryMutatedDocument() {
    OtlpJsonDecoder decoder = new OtlpJsonDecoder();
    OtlpJsonEncoder encoder = new OtlpJsonEncoder();
    SpanNormalizer normalizer = new SpanNormalizer(NormalizerSettings.defaults());
    int decoded = 0;
    int refused = 0;
    for (int i = 0; i < JSON_CASES; i++) {
      long seed = 1_000_000L + i;
      Random random = new Random(seed);
      RandomRequests requests = new RandomRequests(random);
      byte[] json = encoder.encode(requests.request());
      byte[] hostile = i % 5 == 0 ? json : mutateJson(json, random);
      try {
        ExportTraceServiceRequest request = decoder.decode(hostile);
        normalizer.normalize(request, requests.recordTimestamp());
        decoded++;
      } catch (OtlpDecodeException expected) {
        refused++;
      } catch (RuntimeException | StackOverflowError e) {
        throw new AssertionError(
            "seed " + seed + ": " + new String(hostile, StandardCharsets.UTF_8), e);
      }
    }
    // Both outcomes happen, or the mutations would test nothing.
    assertThat(decoded).isGreaterThan(JSON_CASES / 5);
    assertThat(refused).isGreaterThan(JSON_CASES / 5);
  }

  @Test
  void deeplyNestedValuesAreRefusedOrReadWithoutExhaustingTheStack() {
    OtlpJsonDecoder decoder = new OtlpJsonDecoder();
    ProtobufSpanReader reader = new ProtobufSpanReader(NormalizerSettings.defaults());
    for (int depth : new int[] {10, 63, 65, 100, 101, 3_000}) {
      String nested =
          "{\"resourceSpans\":[{\"scopeSpans\":[{\"spans\":[{\"traceId\":\""
              + "1".repeat(32)
              + "\",\"spanId\":\""
              + "2".repeat(16)
              + "\",\"name\":\"x\",\"attributes\":[{\"key\":"
              + "\"http.route\",\"value\":"
              + "{\"arrayValue\":{\"values\":[".repeat(depth)
              + "{\"stringValue\":\"leaf\"}"
              + "]}}".repeat(depth)
              + "}]}]}]}]}";
      boolean jsonRefused;
      try {
        decoder.decode(nested.getBytes(StandardCharsets.UTF_8));
        jsonRefused = false;
      } catch (OtlpDecodeException expected) {
        jsonRefused = true; // past the decoder's nesting limit (64 levels in all)
      }
      // Each level of arrays is three JSON levels, below nine of the request's own.
      assertThat(jsonRefused).as("JSON at depth " + depth).isEqualTo(9 + 3 * depth + 1 > 64);
      byte[] proto = deepProtobuf(depth);
      boolean parseFromRefuses;
      try {
        ExportTraceServiceRequest.parseFrom(proto);
        parseFromRefuses = false;
      } catch (InvalidProtocolBufferException e) {
        parseFromRefuses = true;
      }
      try {
        reader.read(proto, 0);
        assertThat(parseFromRefuses).as("depth " + depth + " read, parseFrom refuses").isFalse();
      } catch (OtlpDecodeException e) {
        assertThat(parseFromRefuses).as("depth " + depth + " refused, parseFrom reads").isTrue();
      }
    }
  }

  @Test
  void everyHostileRecordBecomesSpanBatchesOrDeadLettersThroughTheTopology() {
    IngestConfig config = new IngestConfig(Map.of());
    StreamsBuilder builder = new StreamsBuilder();
    IngestTopology.build(builder, config, new IngestMetrics(new SimpleMeterRegistry()));
    Properties props = new Properties();
    props.put(StreamsConfig.APPLICATION_ID_CONFIG, "hostile-input-test");
    props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
    try (TopologyTestDriver driver = new TopologyTestDriver(builder.build(), props)) {
      TestInputTopic<byte[], byte[]> input =
          driver.createInputTopic(
              config.inputTopic(), new ByteArraySerializer(), new ByteArraySerializer());
      TestOutputTopic<byte[], SpanBatch> spans =
          driver.createOutputTopic(
              config.spansTopic(), new ByteArrayDeserializer(), Serdes.spanBatch().deserializer());
      TestOutputTopic<byte[], byte[]> dlq =
          driver.createOutputTopic(
              config.dlqTopic(), new ByteArrayDeserializer(), new ByteArrayDeserializer());
      OtlpJsonEncoder encoder = new OtlpJsonEncoder();
      int undecodable = 0;
      for (int i = 0; i < TOPOLOGY_CASES; i++) {
        long seed = 2_000_000L + i;
        Random random = new Random(seed);
        RandomRequests requests = new RandomRequests(random);
        ExportTraceServiceRequest request = requests.request();
        byte[] value =
            switch (i % 6) {
              case 0 -> new WireMutator(random, 0.3).mutate(request.toByteArray());
              case 1 -> mutateJson(encoder.encode(request), random);
              case 2 -> randomBytes(random);
              case 3 -> hugeAttribute(request, random);
              case 4 -> request.toByteArray();
              default -> encoder.encode(request);
            };
        boolean decodable = decodable(value);
        if (!decodable) {
          undecodable++;
        }
        long spansBefore = spans.getQueueSize();
        long deadBefore = dlq.getQueueSize();
        try {
          input.pipeInput(null, value, Instant.ofEpochMilli(RandomRequests.NOW_MS));
        } catch (RuntimeException e) {
          throw new AssertionError("seed " + seed + " (case " + i % 6 + ")", e);
        }
        if (!decodable) {
          assertThat(dlq.getQueueSize() - deadBefore).as("seed " + seed).isEqualTo(1);
          assertThat(spans.getQueueSize()).as("seed " + seed).isEqualTo(spansBefore);
        }
      }
      assertThat(undecodable).isGreaterThan(TOPOLOGY_CASES / 10);
      for (TestRecord<byte[], byte[]> letter : dlq.readRecordsToList()) {
        Header reason = letter.headers().lastHeader("faultline.dlq.reason");
        assertThat(reason).isNotNull();
        assertThat(letter.headers().lastHeader("faultline.dlq.source.offset")).isNotNull();
      }
    }
  }

  /** What the topology can decode: protobuf by parseFrom, JSON by the decoder. */
  private static boolean decodable(byte[] value) {
    if (value.length > 0 && value[0] == '{') {
      try {
        new OtlpJsonDecoder().decode(value);
        return true;
      } catch (OtlpDecodeException e) {
        return false;
      }
    }
    try {
      ExportTraceServiceRequest.parseFrom(value);
      return true;
    } catch (InvalidProtocolBufferException e) {
      return false;
    }
  }

  /** Character-level damage plus JSON-aware tricks: huge numbers, deep arrays, big strings. */
  static byte[] mutateJson(byte[] json, Random random) {
    StringBuilder text = new StringBuilder(new String(json, StandardCharsets.UTF_8));
    int mutations = 1 + random.nextInt(4);
    for (int m = 0; m < mutations && text.length() > 0; m++) {
      int at = random.nextInt(text.length());
      switch (random.nextInt(9)) {
        case 0 -> text.deleteCharAt(at);
        case 1 -> text.insert(at, "{}[]\",:0-eE.\\ntfu".charAt(random.nextInt(17)));
        case 2 -> text.setCharAt(at, (char) random.nextInt(0x80));
        case 3 -> text.insert(at, "99999999999999999999999999999");
        case 4 -> text.insert(at, "[".repeat(1 + random.nextInt(200)));
        case 5 -> text.insert(at, "\"" + "x".repeat(random.nextInt(100_000)) + "\"");
        case 6 -> text.setLength(at);
        case 7 -> {
          int end = Math.min(text.length(), at + random.nextInt(200));
          text.insert(at, text.substring(at, end));
        }
        default -> text.insert(at, "\"\\ud800\"");
      }
    }
    return text.toString().getBytes(StandardCharsets.UTF_8);
  }

  private static byte[] randomBytes(Random random) {
    byte[] bytes = new byte[random.nextInt(512)];
    random.nextBytes(bytes);
    return bytes;
  }

  /** The request with a kept attribute of up to 2 MB added to its first span. */
  private static byte[] hugeAttribute(ExportTraceServiceRequest request, Random random) {
    if (request.getResourceSpansCount() == 0
        || request.getResourceSpans(0).getScopeSpansCount() == 0
        || request.getResourceSpans(0).getScopeSpans(0).getSpansCount() == 0) {
      return request.toByteArray();
    }
    ExportTraceServiceRequest.Builder builder = request.toBuilder();
    builder
        .getResourceSpansBuilder(0)
        .getScopeSpansBuilder(0)
        .getSpansBuilder(0)
        .addAttributes(
            io.opentelemetry.proto.common.v1.KeyValue.newBuilder()
                .setKey("http.route")
                .setValue(
                    io.opentelemetry.proto.common.v1.AnyValue.newBuilder()
                        .setStringValue("r".repeat(random.nextInt(2_000_000)))));
    return builder.build().toByteArray();
  }

  /** A request whose one span has an attribute of arrays nested {@code depth} deep. */
  private static byte[] deepProtobuf(int depth) {
    byte[] value = field(1, "leaf".getBytes(StandardCharsets.UTF_8)); // AnyValue.string_value
    for (int i = 0; i < depth; i++) {
      value = field(5, field(1, value)); // AnyValue.array_value { values }
    }
    byte[] attribute =
        concat(field(1, "http.route".getBytes(StandardCharsets.UTF_8)), field(2, value));
    byte[] traceId = new byte[16];
    Arrays.fill(traceId, (byte) 1);
    byte[] spanId = new byte[8];
    Arrays.fill(spanId, (byte) 2);
    byte[] span =
        concat(
            field(1, traceId),
            field(2, spanId),
            field(5, "x".getBytes(StandardCharsets.UTF_8)),
            field(9, attribute));
    return field(1, field(2, field(2, span))); // resource_spans { scope_spans { spans } }
  }

  private static byte[] field(int number, byte[] content) {
    try {
      ByteArrayOutputStream bytes = new ByteArrayOutputStream(content.length + 8);
      CodedOutputStream out = CodedOutputStream.newInstance(bytes);
      out.writeByteArray(number, content);
      out.flush();
      return bytes.toByteArray();
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  private static byte[] concat(byte[]... parts) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (byte[] part : parts) {
      out.writeBytes(part);
    }
    return out.toByteArray();
  }
}
