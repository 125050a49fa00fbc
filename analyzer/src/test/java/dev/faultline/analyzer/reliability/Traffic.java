package dev.faultline.analyzer.reliability;

import com.google.protobuf.ByteString;
import dev.faultline.ingest.simulate.Scenario;
import dev.faultline.ingest.simulate.ScenarioReader;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.resource.v1.Resource;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import io.opentelemetry.proto.trace.v1.Span;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/** The traffic of the reliability tests: a short simulated scenario, and a drain after it. */
final class Traffic {
  /** The service of the drain traffic, left out of every comparison. */
  static final String DRAIN_SERVICE = "drain";

  /** The service of the steady stream of the broker-restart test. */
  static final String STEADY_SERVICE = "steady";

  private Traffic() {}

  /**
   * The storefront with inventory's reservations slowed by 150 ms from {@code faultStart} to {@code
   * faultEnd} seconds: a cascading-latency incident that opens, updates and resolves.
   */
  static Scenario storefrontLatency(int durationSeconds, int faultStart, int faultEnd)
      throws IOException {
    Path system = Path.of("..", "scenarios", "systems", "storefront.json").toAbsolutePath();
    Path file = Files.createTempFile("reliability-deep-latency-", ".json");
    Files.writeString(
        file,
        """
        {
          "extends": "%s",
          "name": "reliability-deep-latency",
          "description": "storefront-deep-latency, shortened for the reliability tests.",
          "seed": 11,
          "durationSeconds": %d,
          "faults": [{"type": "latency", "service": "inventory",
            "operation": "InventoryService/Reserve", "startSeconds": %d, "endSeconds": %d,
            "addMs": 150}],
          "truth": {"faultType": "latency", "incidentType": "CASCADING_LATENCY",
            "service": "inventory", "operation": "InventoryService/Reserve",
            "path": ["inventory", "checkout", "web-gateway"], "startSeconds": %d,
            "endSeconds": %d}
        }
        """
            .formatted(
                system.toString().replace("\\", "\\\\"),
                durationSeconds,
                faultStart,
                faultEnd,
                faultStart,
                faultEnd));
    try {
      return ScenarioReader.read(file);
    } finally {
      Files.deleteIfExists(file);
    }
  }

  /**
   * Requests of a steady one-span service after the scenario, every {@code stepMs} for {@code
   * seconds}: it moves event time on in every partition, so that every window and trace of the
   * scenario closes. Each request holds {@code traces} traces.
   */
  static List<ExportTraceServiceRequest> drain(
      long fromEpochMs, int seconds, long stepMs, int traces, long seed) {
    Random random = new Random(seed);
    List<ExportTraceServiceRequest> out = new ArrayList<>();
    for (long t = fromEpochMs; t < fromEpochMs + seconds * 1_000L; t += stepMs) {
      out.add(oneSpanTraces(DRAIN_SERVICE, t, traces, random));
    }
    return out;
  }

  /** One request of the steady service: {@code traces} one-span traces ending at {@code endMs}. */
  static ExportTraceServiceRequest steady(long endMs, int traces, long seed) {
    return oneSpanTraces(STEADY_SERVICE, endMs, traces, new Random(seed));
  }

  private static ExportTraceServiceRequest oneSpanTraces(
      String service, long endMs, int traces, Random random) {
    ScopeSpans.Builder scope = ScopeSpans.newBuilder();
    for (int i = 0; i < traces; i++) {
      byte[] traceId = new byte[16];
      byte[] spanId = new byte[8];
      random.nextBytes(traceId);
      random.nextBytes(spanId);
      long end = (endMs + i) * 1_000_000L;
      scope.addSpans(
          Span.newBuilder()
              .setTraceId(ByteString.copyFrom(traceId))
              .setSpanId(ByteString.copyFrom(spanId))
              .setName("GET /tick")
              .setKind(Span.SpanKind.SPAN_KIND_SERVER)
              .setStartTimeUnixNano(end - 2_000_000L)
              .setEndTimeUnixNano(end));
    }
    return ExportTraceServiceRequest.newBuilder()
        .addResourceSpans(
            ResourceSpans.newBuilder()
                .setResource(
                    Resource.newBuilder()
                        .addAttributes(
                            KeyValue.newBuilder()
                                .setKey("service.name")
                                .setValue(AnyValue.newBuilder().setStringValue(service))))
                .addScopeSpans(scope))
        .build();
  }
}
