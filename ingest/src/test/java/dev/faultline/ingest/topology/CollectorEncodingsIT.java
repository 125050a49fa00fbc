package dev.faultline.ingest.topology;

import static dev.faultline.ingest.testing.Otlp.attr;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import dev.faultline.broker.KafkaCluster;
import dev.faultline.broker.KafkaExtension;
import dev.faultline.ingest.kafka.DeadLetterHeaders;
import dev.faultline.ingest.otlp.OtlpDecodeException;
import dev.faultline.ingest.otlp.OtlpDecoder;
import dev.faultline.ingest.otlp.OtlpEncoding;
import dev.faultline.ingest.otlp.OtlpJsonEncoder;
import dev.faultline.ingest.testing.IngestHarness;
import dev.faultline.ingest.testing.Otlp;
import dev.faultline.schemas.Ids;
import dev.faultline.schemas.proto.Span;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Records as the collector's kafkaexporter writes them, in both encodings, mixed with garbage:
 * every good span arrives once in the spans topic with its fields intact, every bad record and span
 * lands in the dead-letter topic with headers naming the error and the source.
 */
@ExtendWith(KafkaExtension.class)
class CollectorEncodingsIT {
  private static final String[] SERVICES = {"frontend", "cart", "checkout", "payment", "email"};
  private static final io.opentelemetry.proto.trace.v1.Span.SpanKind[] KINDS =
      io.opentelemetry.proto.trace.v1.Span.SpanKind.values();

  @Test
  void bothEncodingsArriveExactlyOnceAndGarbageGoesToTheDeadLetterTopic(KafkaCluster kafka)
      throws Exception {
    Random random = new Random(42);
    List<ProducerRecord<byte[], byte[]>> records = new ArrayList<>();
    Map<String, io.opentelemetry.proto.trace.v1.Span> expected = new HashMap<>();
    Map<String, String> expectedService = new HashMap<>();
    int garbage = 0;
    int rejectedSpanRecords = 0;
    try (IngestHarness harness = new IngestHarness(kafka, "encodings")) {
      String topic = harness.config.inputTopic();
      long spanCounter = 1;
      for (int i = 0; i < 300; i++) {
        List<ResourceSpans> resources = new ArrayList<>();
        for (int r = 0; r < 3; r++) {
          String service = SERVICES[random.nextInt(SERVICES.length)];
          List<io.opentelemetry.proto.trace.v1.Span.Builder> spans = new ArrayList<>();
          for (int s = 0; s < 8; s++) {
            long trace = 1 + random.nextInt(200);
            long id = spanCounter++;
            var span =
                Otlp.span(
                        trace,
                        id,
                        random.nextBoolean() ? id + 100_000 : 0,
                        "op-" + (id % 7),
                        kind(random))
                    .addAttributes(attr("http.request.method", "GET"))
                    .addAttributes(attr("http.response.status_code", 200 + random.nextInt(400)));
            if (random.nextInt(10) == 0) {
              Otlp.errorStatus(span, "failed " + id);
            }
            spans.add(span);
            expected.put(key(span.getTraceId(), span.getSpanId()), span.build());
            expectedService.put(key(span.getTraceId(), span.getSpanId()), service);
          }
          resources.add(Otlp.resource(service, spans));
        }
        ExportTraceServiceRequest request =
            ExportTraceServiceRequest.newBuilder().addAllResourceSpans(resources).build();
        boolean json = i % 2 == 1;
        byte[] value = json ? new OtlpJsonEncoder().encode(request) : request.toByteArray();
        RecordHeaders headers = new RecordHeaders();
        if (i % 3 == 0) {
          OtlpEncoding encoding = json ? OtlpEncoding.JSON : OtlpEncoding.PROTOBUF;
          headers.add(
              OtlpEncoding.CONTENT_TYPE_HEADER,
              encoding.mediaType().getBytes(StandardCharsets.UTF_8));
        }
        records.add(new ProducerRecord<>(topic, null, null, null, value, headers));
        if (i % 25 == 0) {
          records.add(new ProducerRecord<>(topic, randomGarbage(random)));
          records.add(new ProducerRecord<>(topic, truncated(request.toByteArray())));
          records.add(
              new ProducerRecord<>(
                  topic, "{\"resourceSpans\":[{\"scopeSpans\":[".getBytes(StandardCharsets.UTF_8)));
          garbage += 3;
          var badIds =
              Otlp.span(1, spanCounter++, 0, "bad", KINDS[2])
                  .setTraceId(ByteString.copyFrom(new byte[16]));
          records.add(
              new ProducerRecord<>(
                  topic, Otlp.request(Otlp.resource("frontend", List.of(badIds))).toByteArray()));
          rejectedSpanRecords++;
        }
      }
      harness.startIngest();
      try (KafkaProducer<byte[], byte[]> producer = producer(harness)) {
        for (ProducerRecord<byte[], byte[]> record : records) {
          producer.send(record);
        }
        producer.flush();
      }

      List<Span> spans =
          harness.readSpans(got -> got.size() >= expected.size(), Duration.ofSeconds(60));
      List<ConsumerRecord<byte[], byte[]>> deadLetters =
          harness.readDeadLetters(garbage + rejectedSpanRecords, Duration.ofSeconds(30));

      assertThat(spans).hasSize(expected.size());
      Set<String> seen =
          spans.stream().map(s -> key(s.getTraceId(), s.getSpanId())).collect(Collectors.toSet());
      assertThat(seen).hasSize(expected.size()).isEqualTo(expected.keySet());
      for (Span span : spans) {
        String key = key(span.getTraceId(), span.getSpanId());
        io.opentelemetry.proto.trace.v1.Span original = expected.get(key);
        assertThat(span.getService()).isEqualTo(expectedService.get(key));
        assertThat(span.getServiceVersion()).isEqualTo("1.2.3");
        assertThat(span.getName()).isEqualTo(original.getName());
        assertThat(span.getKindValue()).isEqualTo(original.getKindValue());
        assertThat(span.getParentSpanId()).isEqualTo(original.getParentSpanId());
        assertThat(span.getStartUnixNano()).isEqualTo(original.getStartTimeUnixNano());
        assertThat(span.getEndUnixNano()).isEqualTo(original.getEndTimeUnixNano());
        assertThat(span.getStatusCodeValue()).isEqualTo(original.getStatus().getCodeValue());
        assertThat(span.getStatusMessage()).isEqualTo(original.getStatus().getMessage());
        assertThat(span.getAttributesMap())
            .containsEntry("http.request.method", "GET")
            .containsEntry(
                "http.response.status_code",
                Long.toString(original.getAttributes(1).getValue().getIntValue()));
      }

      assertThat(deadLetters).hasSize(garbage + rejectedSpanRecords);
      Map<String, Long> reasons =
          deadLetters.stream()
              .collect(
                  Collectors.groupingBy(
                      r -> DeadLetterHeaders.get(r.headers(), DeadLetterHeaders.REASON),
                      Collectors.counting()));
      assertThat(reasons)
          .containsEntry("undecodable", (long) garbage)
          .containsEntry("invalid_trace_id", (long) rejectedSpanRecords);
      for (ConsumerRecord<byte[], byte[]> dead : deadLetters) {
        assertThat(DeadLetterHeaders.get(dead.headers(), DeadLetterHeaders.SOURCE_TOPIC))
            .isEqualTo(harness.config.inputTopic());
        assertThat(DeadLetterHeaders.get(dead.headers(), DeadLetterHeaders.SOURCE_PARTITION))
            .matches("[0-2]");
        assertThat(DeadLetterHeaders.get(dead.headers(), DeadLetterHeaders.SOURCE_OFFSET))
            .matches("\\d+");
        assertThat(DeadLetterHeaders.get(dead.headers(), DeadLetterHeaders.MESSAGE)).isNotBlank();
      }
    }
  }

  private static io.opentelemetry.proto.trace.v1.Span.SpanKind kind(Random random) {
    // Kinds 0..5; UNRECOGNIZED is the last enum constant and not a valid kind.
    return KINDS[random.nextInt(6)];
  }

  /** Random bytes that the decoder rejects (checked, so that the test cannot pass vacuously). */
  private static byte[] randomGarbage(Random random) {
    while (true) {
      byte[] bytes = new byte[20 + random.nextInt(200)];
      random.nextBytes(bytes);
      if (rejected(bytes)) {
        return bytes;
      }
    }
  }

  /** A valid request cut inside a nested message, which no longer parses. */
  private static byte[] truncated(byte[] valid) {
    for (int cut = valid.length / 2; cut > 2; cut--) {
      byte[] bytes = java.util.Arrays.copyOf(valid, cut);
      if (rejected(bytes)) {
        return bytes;
      }
    }
    throw new AssertionError("no truncation of the request fails to parse");
  }

  private static boolean rejected(byte[] bytes) {
    OtlpEncoding encoding = OtlpEncoding.detect(null, bytes);
    try {
      new OtlpDecoder().decode(bytes, encoding);
      return false;
    } catch (OtlpDecodeException e) {
      return true;
    }
  }

  private static KafkaProducer<byte[], byte[]> producer(IngestHarness harness) {
    Map<String, Object> config = harness.clientConfig();
    config.put(ProducerConfig.ACKS_CONFIG, "all");
    config.put(ProducerConfig.LINGER_MS_CONFIG, 5);
    return new KafkaProducer<>(config, new ByteArraySerializer(), new ByteArraySerializer());
  }

  private static String key(ByteString trace, ByteString span) {
    return Ids.toHex(trace) + "/" + Ids.toHex(span);
  }

  @Test
  void truncationHelperReallyProducesUnparseableBytes() {
    byte[] valid =
        Otlp.request(Otlp.resource("a", List.of(Otlp.span(1, 1, 0, "x", KINDS[2])))).toByteArray();
    assertThatThrownBy(
            () ->
                io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest.parseFrom(
                    truncated(valid)))
        .isInstanceOf(com.google.protobuf.InvalidProtocolBufferException.class);
  }
}
