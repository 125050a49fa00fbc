package dev.faultline.ingest.simulate;

import static org.assertj.core.api.Assertions.assertThat;

import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import io.opentelemetry.proto.trace.v1.Span;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;

/**
 * The simulator's mechanics: each test changes one mechanism and checks that what should follow
 * from it does, in the spans the SDK emitted.
 */
class SimulatorTest {
  private static final long START_MS = 1_767_225_600_000L;

  /** A span with the service that emitted it. */
  record Emitted(String service, Span span) {
    long startMs() {
      return span.getStartTimeUnixNano() / 1_000_000 - START_MS;
    }

    double durationMs() {
      return (span.getEndTimeUnixNano() - span.getStartTimeUnixNano()) / 1e6;
    }

    boolean error() {
      return span.getStatus().getCode()
          == io.opentelemetry.proto.trace.v1.Status.StatusCode.STATUS_CODE_ERROR;
    }

    String attribute(String key) {
      for (KeyValue kv : span.getAttributesList()) {
        if (kv.getKey().equals(key)) {
          return kv.getValue().hasIntValue()
              ? Long.toString(kv.getValue().getIntValue())
              : kv.getValue().getStringValue();
        }
      }
      return null;
    }
  }

  static Scenario scenario(String json) throws IOException {
    return ScenarioReader.read(
        new ByteArrayInputStream(json.replace('\'', '"').getBytes(StandardCharsets.UTF_8)), "test");
  }

  static List<Emitted> spans(List<ExportTraceServiceRequest> requests) {
    List<Emitted> out = new ArrayList<>();
    for (ExportTraceServiceRequest request : requests) {
      for (ResourceSpans resource : request.getResourceSpansList()) {
        String service =
            resource.getResource().getAttributesList().stream()
                .filter(kv -> kv.getKey().equals("service.name"))
                .findFirst()
                .orElseThrow()
                .getValue()
                .getStringValue();
        for (ScopeSpans scope : resource.getScopeSpansList()) {
          for (Span span : scope.getSpansList()) {
            out.add(new Emitted(service, span));
          }
        }
      }
    }
    return out;
  }

  static List<Emitted> run(Scenario scenario) {
    return spans(Simulator.collect(scenario, START_MS));
  }

  static double meanDuration(List<Emitted> spans, Predicate<Emitted> which) {
    return spans.stream().filter(which).mapToDouble(Emitted::durationMs).average().orElse(0);
  }

  static Predicate<Emitted> server(String service, long fromMs, long toMs) {
    return e ->
        e.service().equals(service)
            && e.span().getKind() == Span.SpanKind.SPAN_KIND_SERVER
            && e.startMs() >= fromMs
            && e.startMs() < toMs;
  }

  /** front (http) calls back (http); both single instances. */
  static String twoServices(String backWorkers, String frontClient, String faults) {
    return ("{'name': 'two', 'seed': 5, 'durationSeconds': 60,"
            + " 'services': ["
            + "  {'name': 'front', 'workers': 500, 'timeoutMs': 200, %s,"
            + "   'operations': [{'name': 'GET /page', 'work': {'meanMs': 1, 'sigma': 0},"
            + "     'steps': [{'call': 'back', 'operation': 'GET /data'}]}]},"
            + "  {'name': 'back', 'workers': %s, 'queueLimit': 100000,"
            + "   'operations': [{'name': 'GET /data', 'work': {'meanMs': 5, 'sigma': 0.2}}]}],"
            + " 'load': [{'service': 'front', 'operation': 'GET /page', 'rate': 100}],"
            + " 'faults': [%s]}")
        .formatted(frontClient, backWorkers, faults);
  }

  @Test
  void sameSeedGivesTheSameSpansAndAnotherSeedOthers() throws IOException {
    Scenario scenario = scenario(twoServices("4", "'retry': {'max': 1}", ""));
    List<ExportTraceServiceRequest> first = Simulator.collect(scenario, START_MS);
    List<ExportTraceServiceRequest> again = Simulator.collect(scenario, START_MS);
    List<ExportTraceServiceRequest> other = Simulator.collect(scenario.withSeed(6), START_MS);

    assertThat(again).isEqualTo(first);
    assertThat(other).isNotEqualTo(first);
    // 60 s at 100 requests/s, three spans each (front server and client, back server).
    assertThat(spans(first).size()).isBetween(17_000, 19_000);
  }

  @Test
  void callerInheritsCalleeLatencyAndContextCrossesProcesses() throws IOException {
    List<Emitted> spans =
        run(
            scenario(
                twoServices(
                    "50",
                    "'retry': {'max': 0}",
                    "{'type': 'latency', 'service': 'back', 'startSeconds': 30, 'addMs': 40}")));

    double frontBefore = meanDuration(spans, server("front", 5_000, 30_000));
    double frontDuring = meanDuration(spans, server("front", 31_000, 60_000));
    assertThat(frontBefore).isBetween(5.0, 10.0);
    assertThat(frontDuring - frontBefore).isBetween(35.0, 50.0);

    // Every server span of back is the child of a client span of front, in the same trace.
    Map<com.google.protobuf.ByteString, Emitted> byId = new HashMap<>();
    spans.forEach(e -> byId.put(e.span().getSpanId(), e));
    List<Emitted> backServers = spans.stream().filter(server("back", 0, 60_000)).toList();
    assertThat(backServers).isNotEmpty();
    for (Emitted back : backServers) {
      Emitted parent = byId.get(back.span().getParentSpanId());
      assertThat(parent).isNotNull();
      assertThat(parent.service()).isEqualTo("front");
      assertThat(parent.span().getKind()).isEqualTo(Span.SpanKind.SPAN_KIND_CLIENT);
      assertThat(parent.span().getTraceId()).isEqualTo(back.span().getTraceId());
    }
  }

  @Test
  void capacityLossQueuesRequestsSoLatencyGrowsBeyondTheAddedWork() throws IOException {
    // back: 1 worker, 5 ms per request, 100 requests/s: 50 % busy. At 2.5x the work it is
    // overloaded (125 %), so its queue grows and latency climbs far above 12.5 ms.
    List<Emitted> spans =
        run(
            scenario(
                twoServices(
                    "1",
                    "'timeoutMs': 100000",
                    "{'type': 'capacity', 'service': 'back', 'startSeconds': 30, 'endSeconds': 40,"
                        + " 'factor': 2.5}")));

    double before = meanDuration(spans, server("back", 5_000, 30_000));
    double late = meanDuration(spans, server("back", 38_000, 40_000));
    assertThat(before).isLessThan(20.0);
    assertThat(late).isGreaterThan(10 * before);
  }

  @Test
  void timeoutsBecomeRetriesMarkedWithTheirResendCount() throws IOException {
    List<Emitted> spans =
        run(
            scenario(
                twoServices(
                    "50",
                    "'retry': {'max': 2, 'backoffMs': 5}",
                    "{'type': 'latency', 'service': 'back', 'startSeconds': 30, 'addMs': 500}")));

    List<Emitted> clients =
        spans.stream()
            .filter(e -> e.service().equals("front"))
            .filter(e -> e.span().getKind() == Span.SpanKind.SPAN_KIND_CLIENT)
            .toList();
    assertThat(clients.stream().filter(e -> e.startMs() < 30_000).filter(Emitted::error)).isEmpty();
    List<Emitted> late = clients.stream().filter(e -> e.startMs() > 32_000).toList();
    assertThat(late).allMatch(Emitted::error);
    assertThat(late).allMatch(e -> "timeout".equals(e.attribute("error.type")));
    long first =
        late.stream().filter(e -> e.attribute("http.request.resend_count") == null).count();
    long second =
        late.stream().filter(e -> "1".equals(e.attribute("http.request.resend_count"))).count();
    long third =
        late.stream().filter(e -> "2".equals(e.attribute("http.request.resend_count"))).count();
    // Every attempt times out, so each first attempt is retried twice (counts differ only at
    // the edges of the time range).
    assertThat((double) second / first).isBetween(0.95, 1.05);
    assertThat((double) third / first).isBetween(0.95, 1.05);
    // The timed-out calls still reach back, which serves them all: three times the load.
    long backLate = spans.stream().filter(server("back", 35_000, 55_000)).count();
    long backEarly = spans.stream().filter(server("back", 5_000, 25_000)).count();
    assertThat((double) backLate / backEarly).isBetween(2.6, 3.2);
  }

  @Test
  void retryBudgetCapsRetries() throws IOException {
    List<Emitted> spans =
        run(
            scenario(
                twoServices(
                    "50",
                    "'retry': {'max': 3, 'backoffMs': 5, 'budget': 0.1}",
                    "{'type': 'errors', 'service': 'back', 'startSeconds': 10, 'errorRate': 1.0}")));

    long firstAttempts =
        spans.stream()
            .filter(
                e ->
                    e.service().equals("front")
                        && e.span().getKind() == Span.SpanKind.SPAN_KIND_CLIENT)
            .filter(e -> e.startMs() > 20_000 && e.attribute("http.request.resend_count") == null)
            .count();
    long retries =
        spans.stream()
            .filter(e -> e.service().equals("front") && e.startMs() > 20_000)
            .filter(e -> e.attribute("http.request.resend_count") != null)
            .count();
    assertThat((double) retries / firstAttempts).isBetween(0.08, 0.12);
  }

  @Test
  void circuitBreakerFailsCallsFastWhileOpen() throws IOException {
    List<Emitted> spans =
        run(
            scenario(
                twoServices(
                    "50",
                    "'circuitBreaker': {'failureRatio': 0.5, 'window': 20, 'openMs': 5000}",
                    "{'type': 'errors', 'service': 'back', 'startSeconds': 30, 'errorRate': 1.0}")));

    long open =
        spans.stream().filter(e -> "CircuitBreakerOpen".equals(e.attribute("error.type"))).count();
    long backDuring = spans.stream().filter(server("back", 31_000, 60_000)).count();
    long backBefore = spans.stream().filter(server("back", 1_000, 30_000)).count();
    assertThat(open).isGreaterThan(2_000);
    // Only trial calls get through once it is open: one per 5 s.
    assertThat(backDuring).isLessThan(backBefore / 20);
  }

  @Test
  void stoppedConsumerLeavesABacklogThatDrainsWithLongQueueWaits() throws IOException {
    List<Emitted> spans =
        run(
            scenario(
                "{'name': 'queue', 'seed': 3, 'durationSeconds': 90,"
                    + " 'services': ["
                    + "  {'name': 'api', 'operations': [{'name': 'POST /job', 'steps': [{'produce': 'jobs'}]}]},"
                    + "  {'name': 'worker', 'operations': [{'name': 'run job', 'work': {'meanMs': 2}}]}],"
                    + " 'queues': [{'name': 'jobs', 'consumers': [{'service': 'worker', 'operation': 'run job', 'concurrency': 2}]}],"
                    + " 'load': [{'service': 'api', 'operation': 'POST /job', 'rate': 50}],"
                    + " 'faults': [{'type': 'consumer_stop', 'service': 'worker', 'startSeconds': 30, 'endSeconds': 50}]}"));

    Map<com.google.protobuf.ByteString, Emitted> producers = new HashMap<>();
    spans.stream()
        .filter(e -> e.span().getKind() == Span.SpanKind.SPAN_KIND_PRODUCER)
        .forEach(e -> producers.put(e.span().getSpanId(), e));
    List<Emitted> consumers =
        spans.stream().filter(e -> e.span().getKind() == Span.SpanKind.SPAN_KIND_CONSUMER).toList();
    assertThat(consumers).allMatch(e -> "jobs".equals(e.attribute("messaging.destination.name")));
    assertThat(consumers.stream().filter(e -> e.startMs() >= 30_500 && e.startMs() < 50_000))
        .isEmpty();
    double maxWaitMs = 0;
    for (Emitted consumer : consumers) {
      Emitted producer = producers.get(consumer.span().getParentSpanId());
      assertThat(producer).isNotNull();
      maxWaitMs =
          Math.max(
              maxWaitMs,
              (consumer.span().getStartTimeUnixNano() - producer.span().getEndTimeUnixNano())
                  / 1e6);
    }
    assertThat(maxWaitMs).isGreaterThan(19_000);
    // Every message is consumed in the end.
    assertThat(consumers).hasSameSizeAs(producers.values());
  }

  @Test
  void workerPoolFullOfSlowRequestsRejectsTheRest() throws IOException {
    List<Emitted> spans =
        run(
            scenario(
                ("{'name': 'reject', 'seed': 9, 'durationSeconds': 40,"
                    + " 'services': [{'name': 'svc', 'workers': 2, 'queueLimit': 10,"
                    + "   'operations': [{'name': 'GET /x', 'work': {'meanMs': 5}}]}],"
                    + " 'load': [{'service': 'svc', 'operation': 'GET /x', 'rate': 100}],"
                    + " 'faults': [{'type': 'latency', 'service': 'svc', 'startSeconds': 20, 'addMs': 100}]}")));

    assertThat(spans.stream().filter(e -> e.startMs() < 20_000).filter(Emitted::error)).isEmpty();
    List<Emitted> late = spans.stream().filter(e -> e.startMs() > 22_000).toList();
    long rejected =
        late.stream().filter(e -> "503".equals(e.attribute("http.response.status_code"))).count();
    // 2 workers at 105 ms serve about 19 of the 100 requests a second.
    assertThat((double) rejected / late.size()).isBetween(0.7, 0.9);
  }

  @Test
  void scenarioNamingWhatDoesNotExistFailsWithTheName() {
    String json =
        twoServices(
            "4",
            "'retry': {'max': 0}",
            "{'type': 'latency', 'service': 'nope', 'startSeconds': 1}");

    org.assertj.core.api.Assertions.assertThatThrownBy(() -> scenario(json))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("unknown service 'nope'");
    org.assertj.core.api.Assertions.assertThatThrownBy(
            () -> scenario(json.replace("'service': 'nope', ", "")))
        .hasMessageContaining("needs a service");
    org.assertj.core.api.Assertions.assertThatThrownBy(
            () -> scenario(json.replace("'startSeconds': 1", "'startSeconds': 1, 'speed': 2")))
        .hasMessageContaining("not a valid scenario");
  }
}
