package dev.faultline.ingest.receiver;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import dev.faultline.broker.KafkaCluster;
import dev.faultline.broker.KafkaExtension;
import dev.faultline.ingest.config.IngestConfig;
import dev.faultline.ingest.config.ReceiverSettings;
import dev.faultline.ingest.testing.IngestHarness;
import dev.faultline.schemas.Ids;
import dev.faultline.schemas.proto.Span;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Context;
import io.opentelemetry.exporter.otlp.http.trace.OtlpHttpSpanExporter;
import io.opentelemetry.exporter.otlp.trace.OtlpGrpcSpanExporter;
import io.opentelemetry.sdk.resources.Resource;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.BatchSpanProcessor;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import io.opentelemetry.sdk.trace.export.SpanExporter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * An application instrumented with the OpenTelemetry Java SDK (real tracer providers, real OTLP
 * exporters over HTTP and gRPC, some gzip-compressed) sends 10,000 spans across six services to the
 * receiver; every span arrives exactly once in the spans topic with every field right.
 */
@ExtendWith(KafkaExtension.class)
class OtelSdkReceiverIT {
  private static final int SPANS = 10_000;
  private static final AttributeKey<String> METHOD = AttributeKey.stringKey("http.request.method");
  private static final AttributeKey<Long> STATUS =
      AttributeKey.longKey("http.response.status_code");
  private static final AttributeKey<Long> RESEND =
      AttributeKey.longKey("http.request.resend_count");
  private static final AttributeKey<String> DB = AttributeKey.stringKey("db.system.name");
  private static final AttributeKey<String> SECRET = AttributeKey.stringKey("user.password");

  @Test
  void tenThousandSdkSpansOverHttpAndGrpcArriveExactlyOnceWithEveryField(KafkaCluster kafka)
      throws Exception {
    try (IngestHarness harness = new IngestHarness(kafka, "sdk")) {
      harness.startIngest();
      ReceiverSettings settings =
          new IngestConfig(
                  Map.of(
                      IngestConfig.INPUT_TOPIC,
                      harness.config.inputTopic(),
                      IngestConfig.RECEIVER_HOST,
                      "127.0.0.1",
                      IngestConfig.RECEIVER_HTTP_PORT,
                      0,
                      IngestConfig.RECEIVER_GRPC_PORT,
                      0))
              .receiver();
      InMemorySpanExporter truth = InMemorySpanExporter.create();
      try (OtlpReceiver receiver =
          OtlpReceiver.start(
              settings,
              harness.clientConfig(),
              new io.micrometer.core.instrument.simple.SimpleMeterRegistry())) {
        String http = "http://127.0.0.1:" + receiver.httpPort() + "/v1/traces";
        String grpc = "http://127.0.0.1:" + receiver.grpcPort();
        List<SdkTracerProvider> providers = new ArrayList<>();
        List<Tracer> tracers = new ArrayList<>();
        String[] names = {"frontend", "cart", "checkout", "payment", "shipping", "email"};
        for (int i = 0; i < names.length; i++) {
          SpanExporter exporter =
              switch (i % 4) {
                case 0 -> OtlpHttpSpanExporter.builder().setEndpoint(http).build();
                case 1 -> OtlpGrpcSpanExporter.builder().setEndpoint(grpc).build();
                case 2 ->
                    OtlpHttpSpanExporter.builder().setEndpoint(http).setCompression("gzip").build();
                default ->
                    OtlpGrpcSpanExporter.builder().setEndpoint(grpc).setCompression("gzip").build();
              };
          SdkTracerProvider provider =
              SdkTracerProvider.builder()
                  .setResource(
                      Resource.getDefault()
                          .merge(
                              Resource.create(
                                  Attributes.builder()
                                      .put("service.name", names[i])
                                      .put("service.instance.id", names[i] + "-0")
                                      .put("service.version", "2." + i)
                                      .build())))
                  .addSpanProcessor(
                      BatchSpanProcessor.builder(exporter)
                          .setMaxQueueSize(SPANS)
                          .setMaxExportBatchSize(256)
                          .build())
                  .addSpanProcessor(SimpleSpanProcessor.create(truth))
                  .build();
          providers.add(provider);
          tracers.add(provider.get("it"));
        }

        generate(tracers, new Random(7));
        for (SdkTracerProvider provider : providers) {
          assertThat(provider.forceFlush().join(30, TimeUnit.SECONDS).isSuccess()).isTrue();
        }
        // Shutting a provider down also clears the in-memory exporter: copy first.
        List<SpanData> sent = List.copyOf(truth.getFinishedSpanItems());
        for (SdkTracerProvider provider : providers) {
          assertThat(provider.shutdown().join(30, TimeUnit.SECONDS).isSuccess()).isTrue();
        }

        assertThat(sent).hasSize(SPANS);
        List<Span> received = harness.readSpans(got -> got.size() >= SPANS, Duration.ofSeconds(90));
        assertThat(received).hasSize(SPANS);
        Map<String, Span> byId =
            received.stream()
                .collect(
                    Collectors.toMap(
                        s -> Ids.toHex(s.getSpanId()),
                        s -> s,
                        (a, b) -> {
                          throw new AssertionError(
                              "span " + Ids.toHex(a.getSpanId()) + " arrived twice");
                        }));
        for (SpanData expected : sent) {
          Span actual = byId.get(expected.getSpanId());
          assertThat(actual).as("span %s", expected.getSpanId()).isNotNull();
          assertThat(Ids.toHex(actual.getTraceId())).isEqualTo(expected.getTraceId());
          assertThat(actual.getParentSpanId())
              .isEqualTo(
                  expected.getParentSpanContext().isValid()
                      ? Ids.fromHex(expected.getParentSpanId())
                      : ByteString.EMPTY);
          assertThat(actual.getKind().name()).isEqualTo("SPAN_KIND_" + expected.getKind().name());
          assertThat(actual.getStartUnixNano()).isEqualTo(expected.getStartEpochNanos());
          assertThat(actual.getEndUnixNano()).isEqualTo(expected.getEndEpochNanos());
          assertThat(actual.getStatusCode().name())
              .isEqualTo("STATUS_CODE_" + expected.getStatus().getStatusCode().name());
          assertThat(actual.getStatusMessage()).isEqualTo(expected.getStatus().getDescription());
          assertThat(actual.getService())
              .isEqualTo(
                  expected.getResource().getAttribute(AttributeKey.stringKey("service.name")));
          assertThat(actual.getServiceInstance())
              .isEqualTo(
                  expected
                      .getResource()
                      .getAttribute(AttributeKey.stringKey("service.instance.id")));
          assertThat(actual.getServiceVersion())
              .isEqualTo(
                  expected.getResource().getAttribute(AttributeKey.stringKey("service.version")));
          assertThat(actual.getName()).isEqualTo(expected.getName());
          assertThat(actual.getLinksCount()).isEqualTo(expected.getLinks().size());
          Map<String, String> attributes = new HashMap<>();
          expected
              .getAttributes()
              .forEach(
                  (key, value) -> {
                    if (!key.getKey().equals(SECRET.getKey())) {
                      attributes.put(key.getKey(), String.valueOf(value));
                    }
                  });
          assertThat(actual.getAttributesMap()).isEqualTo(attributes);
        }
      }
    }
  }

  /** Traces of 2 to 12 spans: an entry SERVER span, CLIENT/SERVER pairs across services. */
  private static void generate(List<Tracer> tracers, Random random) {
    long clock = (System.currentTimeMillis() - 60_000) * 1_000_000L;
    int made = 0;
    while (made < SPANS) {
      int budget = Math.min(SPANS - made, 2 + random.nextInt(11));
      Tracer entry = tracers.get(0);
      long start = clock;
      clock += 2_000_000L;
      var root =
          entry
              .spanBuilder("GET /checkout")
              .setSpanKind(SpanKind.SERVER)
              .setStartTimestamp(start, TimeUnit.NANOSECONDS)
              .setAttribute(METHOD, "GET")
              .setAttribute(SECRET, "hunter2")
              .startSpan();
      made++;
      Context parent = Context.root().with(root);
      int remaining = budget - 1;
      long t = start + 1_000_000L;
      while (remaining >= 2) {
        Tracer callee = tracers.get(1 + random.nextInt(tracers.size() - 1));
        var client =
            entry
                .spanBuilder("call")
                .setParent(parent)
                .setSpanKind(SpanKind.CLIENT)
                .setStartTimestamp(t, TimeUnit.NANOSECONDS)
                .setAttribute(METHOD, "POST")
                .setAttribute(RESEND, (long) random.nextInt(3))
                .startSpan();
        var server =
            callee
                .spanBuilder("POST /api")
                .setParent(Context.root().with(client))
                .setSpanKind(random.nextBoolean() ? SpanKind.SERVER : SpanKind.CONSUMER)
                .setStartTimestamp(t + 100_000L, TimeUnit.NANOSECONDS)
                .setAttribute(DB, random.nextBoolean() ? "postgresql" : "redis")
                .addLink(root.getSpanContext())
                .startSpan();
        long duration = 1_000_000L + random.nextInt(5_000_000);
        if (random.nextInt(8) == 0) {
          server.setStatus(StatusCode.ERROR, "boom " + random.nextInt(100));
          client.setStatus(StatusCode.ERROR);
          client.setAttribute(STATUS, 503L);
        } else {
          client.setAttribute(STATUS, 200L);
        }
        server.end(t + 100_000L + duration, TimeUnit.NANOSECONDS);
        client.end(t + 200_000L + duration, TimeUnit.NANOSECONDS);
        t += 300_000L + duration;
        remaining -= 2;
        made += 2;
      }
      if (remaining == 1) {
        entry
            .spanBuilder("render")
            .setParent(parent)
            .setSpanKind(SpanKind.INTERNAL)
            .setStartTimestamp(t, TimeUnit.NANOSECONDS)
            .startSpan()
            .end(t + 500_000L, TimeUnit.NANOSECONDS);
        made++;
        t += 600_000L;
      }
      root.setStatus(StatusCode.OK);
      root.end(t + 100_000L, TimeUnit.NANOSECONDS);
    }
  }
}
