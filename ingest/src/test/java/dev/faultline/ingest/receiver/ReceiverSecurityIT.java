package dev.faultline.ingest.receiver;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.faultline.broker.KafkaCluster;
import dev.faultline.broker.KafkaExtension;
import dev.faultline.ingest.config.IngestConfig;
import dev.faultline.ingest.config.ReceiverSettings;
import dev.faultline.ingest.testing.IngestHarness;
import dev.faultline.ingest.testing.Otlp;
import io.grpc.CallOptions;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.ClientCalls;
import io.grpc.stub.MetadataUtils;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.opentelemetry.proto.trace.v1.Span.SpanKind;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The receiver's token and rate limit, over HTTP and gRPC, writing to a real broker. */
@ExtendWith(KafkaExtension.class)
class ReceiverSecurityIT {
  private static final String TOKEN = "receiver-token-9876543210";

  private final HttpClient client = HttpClient.newHttpClient();
  private final byte[] request =
      Otlp.request(
              Otlp.resource("web", List.of(Otlp.span(1, 1, 0, "GET /", SpanKind.SPAN_KIND_SERVER))))
          .toByteArray();

  @Test
  void withATokenOnlyRequestsCarryingItAreWrittenOverHttpAndGrpc(KafkaCluster kafka)
      throws Exception {
    try (IngestHarness harness = new IngestHarness(kafka, "auth");
        OtlpReceiver receiver =
            OtlpReceiver.start(
                settings(
                    harness.config.inputTopic(), Map.of(IngestConfig.RECEIVER_AUTH_TOKEN, TOKEN)),
                harness.clientConfig(),
                new SimpleMeterRegistry())) {
      harness.startIngest();
      String url = "http://127.0.0.1:" + receiver.httpPort() + "/v1/traces";

      HttpResponse<byte[]> none = post(url, null, null);
      assertThat(none.statusCode()).isEqualTo(401);
      assertThat(none.headers().firstValue("WWW-Authenticate"))
          .hasValue("Bearer realm=\"faultline\"");
      assertThat(none.headers().firstValue("Content-Type")).hasValue("application/x-protobuf");
      assertThat(new String(none.body(), StandardCharsets.UTF_8))
          .contains("missing or wrong token")
          .doesNotContain(TOKEN);
      assertThat(post(url, "Authorization", "Bearer wrong").statusCode()).isEqualTo(401);
      assertThat(post(url, "Authorization", TOKEN).statusCode()).isEqualTo(401);
      assertThat(post(url, "Authorization", "Bearer " + TOKEN).statusCode()).isEqualTo(200);

      ManagedChannel channel =
          NettyChannelBuilder.forAddress("127.0.0.1", receiver.grpcPort()).usePlaintext().build();
      try {
        assertThatThrownBy(() -> grpcExport(channel, null))
            .isInstanceOfSatisfying(
                StatusRuntimeException.class,
                e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNAUTHENTICATED));
        assertThatThrownBy(() -> grpcExport(channel, "Bearer nope"))
            .isInstanceOfSatisfying(
                StatusRuntimeException.class,
                e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNAUTHENTICATED));
        grpcExport(channel, "Bearer " + TOKEN);
      } finally {
        channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
      }

      // Exactly the two authenticated requests reached the topic.
      assertThat(harness.readSpans(spans -> spans.size() >= 2, Duration.ofSeconds(30))).hasSize(2);
    }
  }

  @Test
  void aCustomHeaderCarriesTheBareTokenAndARateLimitAnswers429(KafkaCluster kafka)
      throws Exception {
    try (IngestHarness harness = new IngestHarness(kafka, "limit");
        OtlpReceiver receiver =
            OtlpReceiver.start(
                settings(
                    harness.config.inputTopic(),
                    Map.of(
                        IngestConfig.RECEIVER_AUTH_TOKEN,
                        TOKEN,
                        IngestConfig.RECEIVER_AUTH_HEADER,
                        "X-Faultline-Token",
                        IngestConfig.RECEIVER_RATE_LIMIT,
                        1.0)),
                harness.clientConfig(),
                new SimpleMeterRegistry())) {
      String url = "http://127.0.0.1:" + receiver.httpPort() + "/v1/traces";
      assertThat(post(url, "Authorization", "Bearer " + TOKEN).statusCode()).isEqualTo(401);
      assertThat(post(url, "X-Faultline-Token", TOKEN).statusCode()).isEqualTo(200);
      HttpResponse<byte[]> limited = null;
      for (int i = 0; i < 30 && limited == null; i++) {
        HttpResponse<byte[]> response = post(url, "X-Faultline-Token", TOKEN);
        if (response.statusCode() == 429) {
          limited = response;
        }
      }
      assertThat(limited).as("the limit of 1/s with a burst of 10 was reached").isNotNull();
      assertThat(limited.headers().firstValue("Retry-After")).hasValue("1");
    }
  }

  private static ReceiverSettings settings(String topic, Map<String, Object> more) {
    Map<String, Object> values = new HashMap<>(more);
    values.put(IngestConfig.INPUT_TOPIC, topic);
    values.put(IngestConfig.RECEIVER_HOST, "127.0.0.1");
    values.put(IngestConfig.RECEIVER_HTTP_PORT, 0);
    values.put(IngestConfig.RECEIVER_GRPC_PORT, 0);
    return new IngestConfig(values).receiver();
  }

  private HttpResponse<byte[]> post(String url, String header, String value) throws Exception {
    HttpRequest.Builder builder =
        HttpRequest.newBuilder(URI.create(url))
            .timeout(Duration.ofSeconds(30))
            .header("Content-Type", "application/x-protobuf")
            .POST(HttpRequest.BodyPublishers.ofByteArray(request));
    if (header != null) {
      builder.header(header, value);
    }
    return client.send(builder.build(), HttpResponse.BodyHandlers.ofByteArray());
  }

  private void grpcExport(ManagedChannel channel, String authorization) {
    Metadata headers = new Metadata();
    if (authorization != null) {
      headers.put(
          Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER), authorization);
    }
    MethodDescriptor<byte[], byte[]> export =
        MethodDescriptor.<byte[], byte[]>newBuilder()
            .setType(MethodDescriptor.MethodType.UNARY)
            .setFullMethodName(
                MethodDescriptor.generateFullMethodName(OtlpGrpcReceiver.SERVICE, "Export"))
            .setRequestMarshaller(Bytes.INSTANCE)
            .setResponseMarshaller(Bytes.INSTANCE)
            .build();
    ClientCalls.blockingUnaryCall(
        io.grpc.ClientInterceptors.intercept(
            channel, MetadataUtils.newAttachHeadersInterceptor(headers)),
        export,
        CallOptions.DEFAULT.withDeadlineAfter(30, TimeUnit.SECONDS),
        request);
  }

  private enum Bytes implements MethodDescriptor.Marshaller<byte[]> {
    INSTANCE;

    @Override
    public InputStream stream(byte[] value) {
      return new ByteArrayInputStream(value);
    }

    @Override
    public byte[] parse(InputStream stream) {
      try {
        return stream.readAllBytes();
      } catch (java.io.IOException e) {
        throw new UncheckedIOException(e);
      }
    }
  }
}
