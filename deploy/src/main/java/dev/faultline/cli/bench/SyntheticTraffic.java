package dev.faultline.cli.bench;

import com.google.protobuf.ByteString;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.InstrumentationScope;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.resource.v1.Resource;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import io.opentelemetry.proto.trace.v1.Span;
import io.opentelemetry.proto.trace.v1.Status;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Deterministic OTLP traffic shaped like what SDKs send: traces of 5 to 30 spans over a few dozen
 * services, CLIENT/SERVER pairs with HTTP and RPC attributes, database calls, messaging, resource
 * attributes of the Java SDK. Requests hold about {@code spansPerRequest} spans, grouped by
 * resource as a collector batch does.
 */
final class SyntheticTraffic {
  private final SplittableRandom random;
  private final int services;
  private final int spansPerRequest;
  private final List<Resource> resources = new ArrayList<>();
  private final double nanosPerSpan;
  private final List<int[]> downstream = new ArrayList<>();
  private long clockNanos;
  private long nextId = 1;

  /**
   * @param seed the same seed gives the same requests
   * @param services services in the system
   * @param spansPerRequest about how many spans one request holds
   * @param spansPerSecond event-time rate: the traces' start times advance so that the traffic
   *     carries this many spans per second, as a system producing it live would
   * @param startNanos event time of the first trace
   */
  SyntheticTraffic(
      long seed, int services, int spansPerRequest, double spansPerSecond, long startNanos) {
    this.random = new SplittableRandom(seed);
    this.services = services;
    this.spansPerRequest = spansPerRequest;
    this.nanosPerSpan = 1e9 / spansPerSecond;
    this.clockNanos = startNanos;
    // A layered call graph, as real systems have: each service calls two to four fixed services
    // further down (higher numbers); the last ones call only their database.
    for (int i = 0; i < services; i++) {
      int below = services - i - 1;
      int fanOut = Math.min(below, 2 + random.nextInt(3));
      int[] callees =
          fanOut == 0
              ? new int[0]
              : random.ints(i + 1, services).distinct().limit(fanOut).toArray();
      downstream.add(callees);
    }
    for (int i = 0; i < services; i++) {
      resources.add(
          Resource.newBuilder()
              .addAttributes(attr("service.name", "service-" + i))
              .addAttributes(attr("service.instance.id", "service-" + i + "-7d9f8b6c4-x2k9p"))
              .addAttributes(attr("service.version", "1." + (i % 5) + ".0"))
              .addAttributes(attr("telemetry.sdk.language", "java"))
              .addAttributes(attr("telemetry.sdk.name", "opentelemetry"))
              .addAttributes(attr("telemetry.sdk.version", "1.68.0"))
              .addAttributes(attr("host.name", "node-" + (i % 8)))
              .addAttributes(attr("process.runtime.name", "OpenJDK Runtime Environment"))
              .build());
    }
  }

  /** Moves the traffic's clock to {@code epochNanos} if that is later (real-time traffic). */
  void clockAt(long epochNanos) {
    clockNanos = Math.max(clockNanos, epochNanos);
  }

  /** The next request of about {@code spansPerRequest} spans (whole traces). */
  ExportTraceServiceRequest next() {
    Map<Integer, List<Span>> byService = new LinkedHashMap<>();
    int count = 0;
    while (count < spansPerRequest) {
      count += trace(byService);
    }
    ExportTraceServiceRequest.Builder request = ExportTraceServiceRequest.newBuilder();
    byService.forEach(
        (service, spans) ->
            request.addResourceSpans(
                ResourceSpans.newBuilder()
                    .setResource(resources.get(service))
                    .addScopeSpans(
                        ScopeSpans.newBuilder()
                            .setScope(
                                InstrumentationScope.newBuilder()
                                    .setName("io.opentelemetry.okhttp-3.0")
                                    .setVersion("2.31.1-alpha"))
                            .addAllSpans(spans))));
    return request.build();
  }

  private int trace(Map<Integer, List<Span>> out) {
    ByteString traceId = bytes(16, random.nextLong(), random.nextLong());
    int size = 5 + random.nextInt(26);
    int entry = random.nextInt(Math.max(1, services / 5));
    long start = clockNanos;
    int made = 1;
    ByteString rootId = id();
    List<int[]> frontier = new ArrayList<>();
    List<ByteString> frontierIds = new ArrayList<>();
    List<Long> frontierStarts = new ArrayList<>();
    long rootDuration = 20_000_000L + random.nextInt(80_000_000);
    add(
        out,
        entry,
        server(traceId, rootId, ByteString.EMPTY, "GET /api/v1/items/{id}", start, rootDuration));
    frontier.add(new int[] {entry});
    frontierIds.add(rootId);
    frontierStarts.add(start);
    while (made + 2 <= size) {
      int pick = random.nextInt(frontier.size());
      int caller = frontier.get(pick)[0];
      int[] callees = downstream.get(caller);
      if (callees.length == 0) {
        // A leaf: grow the trace elsewhere, or end it when only leaves are left.
        frontier.remove(pick);
        frontierIds.remove(pick);
        frontierStarts.remove(pick);
        if (frontier.isEmpty()) {
          break;
        }
        continue;
      }
      ByteString parentId = frontierIds.get(pick);
      long parentStart = frontierStarts.get(pick);
      int callee = callees[random.nextInt(callees.length)];
      long callStart = parentStart + 100_000L + random.nextInt(1_000_000);
      long duration = 1_000_000L + random.nextInt(10_000_000);
      ByteString clientId = id();
      ByteString serverId = id();
      boolean messaging = random.nextInt(10) == 0;
      boolean error = random.nextInt(50) == 0;
      add(
          out,
          caller,
          client(traceId, clientId, parentId, callee, callStart, duration, messaging, error));
      add(
          out,
          callee,
          callee(
              traceId,
              serverId,
              clientId,
              callee,
              callStart + 200_000L,
              duration - 400_000L,
              messaging,
              error));
      made += 2;
      frontier.add(new int[] {callee});
      frontierIds.add(serverId);
      frontierStarts.add(callStart + 200_000L);
      if (made < size && random.nextInt(4) == 0) {
        add(out, callee, database(traceId, id(), serverId, callStart + 300_000L));
        made++;
      }
    }
    clockNanos += (long) (made * nanosPerSpan);
    return made;
  }

  private Span server(
      ByteString trace, ByteString id, ByteString parent, String name, long start, long duration) {
    return Span.newBuilder()
        .setTraceId(trace)
        .setSpanId(id)
        .setParentSpanId(parent)
        .setName(name)
        .setKind(Span.SpanKind.SPAN_KIND_SERVER)
        .setStartTimeUnixNano(start)
        .setEndTimeUnixNano(start + duration)
        .addAttributes(attr("http.request.method", "GET"))
        .addAttributes(attr("url.path", "/api/v1/items/" + random.nextInt(10_000)))
        .addAttributes(attr("url.scheme", "http"))
        .addAttributes(attr("http.route", "/api/v1/items/{id}"))
        .addAttributes(attr("http.response.status_code", 200))
        .addAttributes(attr("network.protocol.version", "1.1"))
        .addAttributes(
            attr("user_agent.original", "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36"))
        .addAttributes(
            attr("client.address", "10.0." + random.nextInt(255) + "." + random.nextInt(255)))
        .addAttributes(attr("thread.name", "http-nio-8080-exec-" + random.nextInt(200)))
        .build();
  }

  private Span client(
      ByteString trace,
      ByteString id,
      ByteString parent,
      int callee,
      long start,
      long duration,
      boolean messaging,
      boolean error) {
    Span.Builder span =
        Span.newBuilder()
            .setTraceId(trace)
            .setSpanId(id)
            .setParentSpanId(parent)
            .setStartTimeUnixNano(start)
            .setEndTimeUnixNano(start + duration);
    if (messaging) {
      span.setName("orders publish")
          .setKind(Span.SpanKind.SPAN_KIND_PRODUCER)
          .addAttributes(attr("messaging.system", "kafka"))
          .addAttributes(attr("messaging.destination.name", "orders"))
          .addAttributes(attr("messaging.operation.type", "publish"));
    } else {
      span.setName("POST")
          .setKind(Span.SpanKind.SPAN_KIND_CLIENT)
          .addAttributes(attr("http.request.method", "POST"))
          .addAttributes(attr("server.address", "service-" + callee))
          .addAttributes(attr("server.port", 8080))
          .addAttributes(attr("url.full", "http://service-" + callee + ":8080/api/v1/op"))
          .addAttributes(attr("http.response.status_code", error ? 503 : 200))
          .addAttributes(attr("network.protocol.version", "1.1"));
    }
    if (error) {
      span.setStatus(Status.newBuilder().setCode(Status.StatusCode.STATUS_CODE_ERROR));
    }
    return span.build();
  }

  private Span callee(
      ByteString trace,
      ByteString id,
      ByteString parent,
      int callee,
      long start,
      long duration,
      boolean messaging,
      boolean error) {
    Span.Builder span =
        Span.newBuilder()
            .setTraceId(trace)
            .setSpanId(id)
            .setParentSpanId(parent)
            .setStartTimeUnixNano(start)
            .setEndTimeUnixNano(start + Math.max(100_000L, duration));
    if (messaging) {
      span.setName("orders process")
          .setKind(Span.SpanKind.SPAN_KIND_CONSUMER)
          .addAttributes(attr("messaging.system", "kafka"))
          .addAttributes(attr("messaging.destination.name", "orders"))
          .addAttributes(attr("messaging.consumer.group.name", "service-" + callee))
          .addAttributes(attr("messaging.operation.type", "process"));
    } else {
      span.setName("POST /api/v1/op")
          .setKind(Span.SpanKind.SPAN_KIND_SERVER)
          .addAttributes(attr("http.request.method", "POST"))
          .addAttributes(attr("http.route", "/api/v1/op"))
          .addAttributes(attr("url.path", "/api/v1/op"))
          .addAttributes(attr("http.response.status_code", error ? 503 : 200))
          .addAttributes(attr("thread.name", "http-nio-8080-exec-" + random.nextInt(200)));
    }
    if (error) {
      span.setStatus(
          Status.newBuilder()
              .setCode(Status.StatusCode.STATUS_CODE_ERROR)
              .setMessage("upstream unavailable"));
    }
    return span.build();
  }

  private Span database(ByteString trace, ByteString id, ByteString parent, long start) {
    return Span.newBuilder()
        .setTraceId(trace)
        .setSpanId(id)
        .setParentSpanId(parent)
        .setName("SELECT items")
        .setKind(Span.SpanKind.SPAN_KIND_CLIENT)
        .setStartTimeUnixNano(start)
        .setEndTimeUnixNano(start + 200_000L + random.nextInt(2_000_000))
        .addAttributes(attr("db.system.name", "postgresql"))
        .addAttributes(attr("db.namespace", "items"))
        .addAttributes(attr("db.query.text", "SELECT id, name, price FROM items WHERE id = ?"))
        .addAttributes(attr("server.address", "postgres-" + random.nextInt(3)))
        .build();
  }

  private static void add(Map<Integer, List<Span>> out, int service, Span span) {
    out.computeIfAbsent(service, s -> new ArrayList<>()).add(span);
  }

  private ByteString id() {
    return bytes(8, nextId++, 0);
  }

  private static ByteString bytes(int length, long a, long b) {
    ByteBuffer buffer = ByteBuffer.allocate(16).putLong(a == 0 ? 1 : a).putLong(b);
    return ByteString.copyFrom(buffer.array(), 0, length);
  }

  private static KeyValue attr(String key, String value) {
    return KeyValue.newBuilder()
        .setKey(key)
        .setValue(AnyValue.newBuilder().setStringValue(value))
        .build();
  }

  private static KeyValue attr(String key, long value) {
    return KeyValue.newBuilder()
        .setKey(key)
        .setValue(AnyValue.newBuilder().setIntValue(value))
        .build();
  }
}
