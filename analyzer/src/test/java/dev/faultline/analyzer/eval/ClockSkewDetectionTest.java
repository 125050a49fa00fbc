package dev.faultline.analyzer.eval;

import static org.assertj.core.api.Assertions.assertThat;

import dev.faultline.analyzer.detect.Detectors;
import dev.faultline.analyzer.replay.Replay;
import dev.faultline.ingest.simulate.Scenario;
import dev.faultline.ingest.simulate.ScenarioReader;
import dev.faultline.ingest.simulate.Simulator;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import io.opentelemetry.proto.trace.v1.Span;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The deep-latency scenario (shortened: 70 s to learn from, then inventory slows by 150 ms) with
 * the clocks of two hosts off by seconds, the root cause's among them: the detectors still find the
 * incident at its root, with its path, and nothing else.
 */
class ClockSkewDetectionTest {
  private static final Path SUITE = Path.of("..", "scenarios");

  @Test
  void deepLatencyIsFoundAtItsRootWhenTwoHostsClocksAreSecondsOff() throws IOException {
    Scenario scenario = ScenarioReader.read(shortDeepLatency());
    List<ExportTraceServiceRequest> requests =
        Simulator.collect(scenario, ScenarioEvaluation.START.toEpochMilli());
    // inventory (the root cause) runs 3 s ahead, checkout (the hop above it) 2 s behind.
    List<ExportTraceServiceRequest> skewed = new ArrayList<>();
    for (ExportTraceServiceRequest request : requests) {
      skewed.add(skew(request, Map.of("inventory", 3_000L, "checkout", -2_000L)));
    }
    var config = Replay.defaultConfig(Map.of());

    Replay.Result result =
        new Replay(config, () -> Detectors.engine(config)).run(skewed, line -> {});
    ScenarioOutcome outcome = ScenarioEvaluation.score(scenario, result);

    assertThat(outcome.detected()).isTrue();
    assertThat(outcome.type()).isEqualTo("CASCADING_LATENCY");
    assertThat(outcome.rootCause()).isEqualTo("inventory");
    assertThat(outcome.top1()).isTrue();
    assertThat(outcome.pathRecall()).isEqualTo(1.0);
    assertThat(outcome.latencySeconds()).isBetween(0.0, 30.0);
    assertThat(outcome.falseIncidents()).isZero();
  }

  private static Path shortDeepLatency() throws IOException {
    Path system = SUITE.resolve("systems").resolve("storefront.json").toAbsolutePath();
    Path file = Files.createTempFile("skewed-deep-latency-", ".json");
    Files.writeString(
        file,
        """
        {
          "extends": "%s",
          "name": "skewed-deep-latency",
          "description": "storefront-deep-latency, shortened.",
          "seed": 11,
          "durationSeconds": 110,
          "faults": [{"type": "latency", "service": "inventory",
            "operation": "InventoryService/Reserve", "startSeconds": 70, "endSeconds": 110,
            "addMs": 150}],
          "truth": {"faultType": "latency", "incidentType": "CASCADING_LATENCY",
            "service": "inventory", "operation": "InventoryService/Reserve",
            "path": ["inventory", "checkout", "web-gateway"], "startSeconds": 70,
            "endSeconds": 110}
        }
        """
            .formatted(system.toString().replace("\\", "\\\\")));
    file.toFile().deleteOnExit();
    return file;
  }

  /** The request with the spans of each named service shifted by its offset. */
  static ExportTraceServiceRequest skew(
      ExportTraceServiceRequest request, Map<String, Long> offsetsMs) {
    ExportTraceServiceRequest.Builder out = request.toBuilder().clearResourceSpans();
    for (ResourceSpans resource : request.getResourceSpansList()) {
      String service =
          resource.getResource().getAttributesList().stream()
              .filter(a -> a.getKey().equals("service.name"))
              .map(KeyValue::getValue)
              .map(v -> v.getStringValue())
              .findFirst()
              .orElse("");
      long nanos = offsetsMs.getOrDefault(service, 0L) * 1_000_000L;
      if (nanos == 0) {
        out.addResourceSpans(resource);
        continue;
      }
      ResourceSpans.Builder shifted = resource.toBuilder().clearScopeSpans();
      for (ScopeSpans scope : resource.getScopeSpansList()) {
        ScopeSpans.Builder s = scope.toBuilder().clearSpans();
        for (Span span : scope.getSpansList()) {
          Span.Builder b =
              span.toBuilder()
                  .setStartTimeUnixNano(span.getStartTimeUnixNano() + nanos)
                  .setEndTimeUnixNano(span.getEndTimeUnixNano() + nanos);
          for (int e = 0; e < b.getEventsCount(); e++) {
            b.getEventsBuilder(e).setTimeUnixNano(b.getEvents(e).getTimeUnixNano() + nanos);
          }
          s.addSpans(b);
        }
        shifted.addScopeSpans(s);
      }
      out.addResourceSpans(shifted);
    }
    return out.build();
  }
}
