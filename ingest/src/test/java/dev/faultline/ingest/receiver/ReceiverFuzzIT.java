package dev.faultline.ingest.receiver;

import static org.assertj.core.api.Assertions.assertThat;

import dev.faultline.broker.KafkaCluster;
import dev.faultline.broker.KafkaExtension;
import dev.faultline.ingest.config.IngestConfig;
import dev.faultline.ingest.otlp.OtlpJsonEncoder;
import dev.faultline.ingest.testing.IngestHarness;
import dev.faultline.ingest.testing.Otlp;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.opentelemetry.proto.trace.v1.Span.SpanKind;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Seeded random and damaged bodies against OTLP/HTTP on a real broker: every request is answered
 * 200 or 400 (413 over the limit), never a server error or a dropped connection, and the receiver
 * still takes a good request afterwards.
 */
@ExtendWith(KafkaExtension.class)
class ReceiverFuzzIT {
  private static final int CASES = 120;

  @Test
  void randomAndDamagedBodiesGet200Or400AndTheReceiverKeepsWorking(KafkaCluster kafka)
      throws Exception {
    HttpClient client = HttpClient.newHttpClient();
    try (IngestHarness harness = new IngestHarness(kafka, "fuzz");
        OtlpReceiver receiver =
            OtlpReceiver.start(
                new IngestConfig(
                        Map.of(
                            IngestConfig.INPUT_TOPIC,
                            harness.config.inputTopic(),
                            IngestConfig.RECEIVER_HOST,
                            "127.0.0.1",
                            IngestConfig.RECEIVER_HTTP_PORT,
                            0,
                            IngestConfig.RECEIVER_GRPC_PORT,
                            0,
                            IngestConfig.RECEIVER_MAX_REQUEST_BYTES,
                            256 * 1024))
                    .receiver(),
                harness.clientConfig(),
                new SimpleMeterRegistry())) {
      String url = "http://127.0.0.1:" + receiver.httpPort() + "/v1/traces";
      byte[] good =
          Otlp.request(
                  Otlp.resource(
                      "web",
                      List.of(
                          Otlp.span(1, 1, 0, "GET /", SpanKind.SPAN_KIND_SERVER),
                          Otlp.span(1, 2, 1, "db", SpanKind.SPAN_KIND_CLIENT))))
              .toByteArray();
      byte[] json =
          new OtlpJsonEncoder()
              .encode(
                  io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest.parseFrom(
                      good));
      int[] answers = new int[600];
      for (int i = 0; i < CASES; i++) {
        Random random = new Random(3_000_000L + i);
        boolean asJson = random.nextBoolean();
        byte[] body = damage(asJson ? json : good, random);
        HttpResponse<byte[]> response =
            client.send(
                HttpRequest.newBuilder(URI.create(url))
                    .timeout(Duration.ofSeconds(30))
                    .header("Content-Type", asJson ? "application/json" : "application/x-protobuf")
                    .POST(HttpRequest.BodyPublishers.ofByteArray(body))
                    .build(),
                HttpResponse.BodyHandlers.ofByteArray());
        answers[response.statusCode()]++;
        assertThat(response.statusCode())
            .as("seed %d: %s", 3_000_000L + i, Arrays.toString(body))
            .isIn(200, 400, 413);
      }
      assertThat(answers[200]).as("some damaged bodies are still valid").isPositive();
      assertThat(answers[400]).as("most are refused with the reason").isPositive();
      HttpResponse<byte[]> after =
          client.send(
              HttpRequest.newBuilder(URI.create(url))
                  .header("Content-Type", "application/x-protobuf")
                  .POST(HttpRequest.BodyPublishers.ofByteArray(good))
                  .build(),
              HttpResponse.BodyHandlers.ofByteArray());
      assertThat(after.statusCode()).isEqualTo(200);
    }
  }

  private static byte[] damage(byte[] body, Random random) {
    switch (random.nextInt(5)) {
      case 0 -> {
        byte[] out = new byte[random.nextInt(2_048)];
        random.nextBytes(out);
        return out;
      }
      case 1 -> {
        return Arrays.copyOf(body, random.nextInt(body.length + 1));
      }
      case 2 -> {
        byte[] out = body.clone();
        for (int n = 1 + random.nextInt(4); n > 0; n--) {
          out[random.nextInt(out.length)] = (byte) random.nextInt(256);
        }
        return out;
      }
      case 3 -> {
        String text = new String(body, StandardCharsets.ISO_8859_1);
        int at = random.nextInt(text.length());
        return (text.substring(0, at) + "[".repeat(random.nextInt(500)) + text.substring(at))
            .getBytes(StandardCharsets.ISO_8859_1);
      }
      default -> {
        byte[] out = Arrays.copyOf(body, body.length + random.nextInt(300_000));
        for (int i = body.length; i < out.length; i++) {
          out[i] = (byte) random.nextInt(256);
        }
        return out;
      }
    }
  }
}
