package dev.faultline.ingest.receiver;

import static org.assertj.core.api.Assertions.assertThat;

import dev.faultline.broker.KafkaCluster;
import dev.faultline.broker.KafkaExtension;
import dev.faultline.ingest.config.IngestConfig;
import dev.faultline.ingest.config.ReceiverSettings;
import dev.faultline.ingest.otlp.OtlpJsonEncoder;
import dev.faultline.ingest.testing.IngestHarness;
import dev.faultline.ingest.testing.Otlp;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.opentelemetry.proto.trace.v1.Span.SpanKind;
import java.io.ByteArrayOutputStream;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** What the OTLP/HTTP endpoint answers, request by request, as the OTLP specification asks. */
@ExtendWith(KafkaExtension.class)
class OtlpHttpReceiverIT {
  private final HttpClient client = HttpClient.newHttpClient();

  @Test
  void answersEachKindOfRequestAsTheSpecificationAsks(KafkaCluster kafka) throws Exception {
    try (IngestHarness harness = new IngestHarness(kafka, "http");
        OtlpReceiver receiver =
            OtlpReceiver.start(
                settings(harness.config.inputTopic(), 64 * 1024, 5_000),
                harness.clientConfig(),
                new SimpleMeterRegistry())) {
      harness.startIngest();
      String url = "http://127.0.0.1:" + receiver.httpPort();
      var request =
          Otlp.request(
              Otlp.resource(
                  "web", List.of(Otlp.span(1, 1, 0, "GET /", SpanKind.SPAN_KIND_SERVER))));
      byte[] json = new OtlpJsonEncoder().encode(request);

      HttpResponse<byte[]> ok = post(url + "/v1/traces", "application/json", null, json);
      assertThat(ok.statusCode()).isEqualTo(200);
      assertThat(ok.headers().firstValue("Content-Type")).hasValue("application/json");
      assertThat(new String(ok.body(), StandardCharsets.UTF_8)).isEqualTo("{}");

      HttpResponse<byte[]> gzip =
          post(url + "/v1/traces", "application/x-protobuf", "gzip", gzip(request.toByteArray()));
      assertThat(gzip.statusCode()).isEqualTo(200);
      assertThat(gzip.headers().firstValue("Content-Type")).hasValue("application/x-protobuf");

      HttpResponse<byte[]> malformed =
          post(
              url + "/v1/traces",
              "application/json",
              null,
              "{\"resourceSpans\":[".getBytes(StandardCharsets.UTF_8));
      assertThat(malformed.statusCode()).isEqualTo(400);
      assertThat(new String(malformed.body(), StandardCharsets.UTF_8))
          .contains("\"code\":3")
          .contains("not valid OTLP JSON");

      HttpResponse<byte[]> tooLarge =
          post(url + "/v1/traces", "application/x-protobuf", null, new byte[100 * 1024]);
      assertThat(tooLarge.statusCode()).isEqualTo(413);

      HttpResponse<byte[]> bomb =
          post(url + "/v1/traces", "application/x-protobuf", "gzip", gzip(new byte[200 * 1024]));
      assertThat(bomb.statusCode()).as("decompressed size counts").isEqualTo(413);

      assertThat(post(url + "/v1/traces", "text/plain", null, json).statusCode()).isEqualTo(415);
      assertThat(post(url + "/v1/traces", "application/json", "br", json).statusCode())
          .isEqualTo(415);
      assertThat(post(url + "/v1/metrics", "application/json", null, json).statusCode())
          .isEqualTo(404);
      HttpResponse<byte[]> get =
          client.send(
              HttpRequest.newBuilder(URI.create(url + "/v1/traces")).GET().build(),
              HttpResponse.BodyHandlers.ofByteArray());
      assertThat(get.statusCode()).isEqualTo(405);
      assertThat(get.headers().firstValue("Allow")).hasValue("POST");

      assertThat(harness.readSpans(spans -> spans.size() >= 2, Duration.ofSeconds(30))).hasSize(2);
    }
  }

  @Test
  void answers503WithRetryAfterWhenKafkaCannotTakeTheRequest() throws Exception {
    Map<String, Object> unreachable = new HashMap<>();
    try (ServerSocket nobody = new ServerSocket(0)) {
      unreachable.put("bootstrap.servers", "127.0.0.1:" + nobody.getLocalPort());
    }
    try (OtlpReceiver receiver =
        OtlpReceiver.start(
            settings("otlp_spans", 64 * 1024, 1_500), unreachable, new SimpleMeterRegistry())) {
      var request =
          Otlp.request(
              Otlp.resource(
                  "web", List.of(Otlp.span(1, 1, 0, "GET /", SpanKind.SPAN_KIND_SERVER))));

      HttpResponse<byte[]> response =
          post(
              "http://127.0.0.1:" + receiver.httpPort() + "/v1/traces",
              "application/x-protobuf",
              null,
              request.toByteArray());

      assertThat(response.statusCode()).isEqualTo(503);
      assertThat(response.headers().firstValue("Retry-After")).hasValue("1");
    }
  }

  private static ReceiverSettings settings(String topic, int maxBytes, long ackTimeoutMs) {
    return new IngestConfig(
            Map.of(
                IngestConfig.INPUT_TOPIC,
                topic,
                IngestConfig.RECEIVER_HOST,
                "127.0.0.1",
                IngestConfig.RECEIVER_HTTP_PORT,
                0,
                IngestConfig.RECEIVER_GRPC_PORT,
                0,
                IngestConfig.RECEIVER_MAX_REQUEST_BYTES,
                maxBytes,
                IngestConfig.RECEIVER_ACK_TIMEOUT_MS,
                ackTimeoutMs))
        .receiver();
  }

  private HttpResponse<byte[]> post(String url, String type, String encoding, byte[] body)
      throws Exception {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create(url))
            .timeout(Duration.ofSeconds(30))
            .header("Content-Type", type)
            .POST(HttpRequest.BodyPublishers.ofByteArray(body));
    if (encoding != null) {
      request.header("Content-Encoding", encoding);
    }
    return client.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
  }

  private static byte[] gzip(byte[] bytes) throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (GZIPOutputStream gzip = new GZIPOutputStream(out)) {
      gzip.write(bytes);
    }
    return out.toByteArray();
  }
}
