package dev.faultline.ingest.normalize;

import com.google.protobuf.ByteString;
import dev.faultline.ingest.config.NormalizerSettings;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.EntityRef;
import io.opentelemetry.proto.common.v1.InstrumentationScope;
import io.opentelemetry.proto.resource.v1.Resource;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import io.opentelemetry.proto.trace.v1.Span;
import io.opentelemetry.proto.trace.v1.Status;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Random OTLP requests that reach every rule of normalisation: kept and dropped attributes of every
 * value type, nested arrays and maps, missing service names, invalid ids, absurd times, oversize
 * names and values, exception events and invalid links. Deterministic for a given {@link Random}.
 */
final class RandomRequests {
  /** Record time of the generated traffic, in epoch milliseconds. */
  static final long NOW_MS = 1_790_000_000_000L;

  private static final long NOW_NANOS = NOW_MS * 1_000_000L;
  private static final List<String> EXTRA =
      List.of("team", "k8s.*", "custom.key", "db.statement", "http.request.header.*", "");

  private final Random random;
  private final RandomValues values;
  private final List<ByteString> traceIds = new ArrayList<>();

  RandomRequests(Random random) {
    this.random = random;
    this.values = new RandomValues(random);
    for (int i = 0; i < 4; i++) {
      traceIds.add(values.bytes(16));
    }
  }

  /** Settings, sometimes with small limits so that names and values go over them. */
  NormalizerSettings settings() {
    NormalizerSettings defaults = NormalizerSettings.defaults();
    List<String> extra = new ArrayList<>();
    for (String entry : EXTRA) {
      if (random.nextInt(3) == 0) {
        extra.add(entry);
      }
    }
    boolean small = random.nextBoolean();
    return new NormalizerSettings(
        extra,
        small ? 1 + random.nextInt(20) : defaults.maxAttributeLength(),
        small ? 1 + random.nextInt(20) : defaults.maxNameLength(),
        small ? 1 + random.nextInt(5_000) : defaults.maxSpanAgeMs(),
        small ? random.nextInt(5_000) : defaults.maxFutureSkewMs(),
        small ? 1 + random.nextInt(5_000) : defaults.maxSpanDurationMs());
  }

  /** A record timestamp: mostly {@link #NOW_MS}, sometimes 0 (no age checks) or negative. */
  long recordTimestamp() {
    return switch (random.nextInt(6)) {
      case 0 -> 0;
      case 1 -> -random.nextInt(1000);
      default -> NOW_MS;
    };
  }

  ExportTraceServiceRequest request() {
    ExportTraceServiceRequest.Builder request = ExportTraceServiceRequest.newBuilder();
    int resources = random.nextInt(4);
    for (int r = 0; r < resources; r++) {
      request.addResourceSpans(resourceSpans());
    }
    return request.build();
  }

  private ResourceSpans resourceSpans() {
    ResourceSpans.Builder out = ResourceSpans.newBuilder();
    if (random.nextInt(5) > 0) {
      Resource.Builder resource = Resource.newBuilder();
      if (random.nextInt(4) > 0) {
        resource.addAttributes(values.keyValue("service.name", serviceName()));
      }
      int attributes = random.nextInt(6);
      for (int i = 0; i < attributes; i++) {
        resource.addAttributes(values.keyValue(values.key(), values.value(2)));
      }
      if (random.nextInt(5) == 0) {
        resource.setDroppedAttributesCount(random.nextInt(10));
      }
      if (random.nextInt(5) == 0) {
        resource.addEntityRefs(
            EntityRef.newBuilder()
                .setType("service")
                .addIdKeys("service.name")
                .setSchemaUrl(values.text()));
      }
      out.setResource(resource);
    }
    if (random.nextInt(4) == 0) {
      out.setSchemaUrl("https://opentelemetry.io/schemas/1." + random.nextInt(30) + ".0");
    }
    int scopes = random.nextInt(3);
    for (int s = 0; s < scopes; s++) {
      out.addScopeSpans(scopeSpans());
    }
    return out.build();
  }

  private AnyValue serviceName() {
    return switch (random.nextInt(6)) {
      case 0 -> AnyValue.newBuilder().setStringValue("  ").build();
      case 1 -> values.value(1);
      case 2 -> AnyValue.newBuilder().setStringValue("s".repeat(1 + random.nextInt(30))).build();
      default -> AnyValue.newBuilder().setStringValue("svc-" + random.nextInt(5)).build();
    };
  }

  private ScopeSpans scopeSpans() {
    ScopeSpans.Builder out = ScopeSpans.newBuilder();
    if (random.nextBoolean()) {
      InstrumentationScope.Builder scope =
          InstrumentationScope.newBuilder().setName("io.opentelemetry." + values.text());
      if (random.nextBoolean()) {
        scope
            .setVersion("2." + random.nextInt(10))
            .addAttributes(values.keyValue(values.key(), values.value(1)));
      }
      out.setScope(scope);
    }
    if (random.nextInt(4) == 0) {
      out.setSchemaUrl(values.text());
    }
    int spans = random.nextInt(6);
    for (int i = 0; i < spans; i++) {
      out.addSpans(span());
    }
    return out.build();
  }

  private Span span() {
    long start = start();
    Span.Builder span =
        Span.newBuilder()
            .setTraceId(traceId())
            .setSpanId(spanId())
            .setParentSpanId(parentId())
            .setName(name())
            .setKindValue(random.nextInt(8) == 0 ? random.nextInt() : random.nextInt(6))
            .setStartTimeUnixNano(start)
            .setEndTimeUnixNano(end(start));
    if (random.nextInt(4) == 0) {
      span.setTraceState("rojo=00f067aa0ba902b7");
    }
    if (random.nextInt(4) == 0) {
      span.setFlags(random.nextInt());
    }
    int attributes = random.nextInt(8);
    for (int i = 0; i < attributes; i++) {
      span.addAttributes(values.keyValue(values.key(), values.value(3)));
    }
    int events = random.nextInt(4) == 0 ? random.nextInt(4) : 0;
    for (int i = 0; i < events; i++) {
      span.addEvents(event());
    }
    int links = random.nextInt(3) == 0 ? random.nextInt(3) : 0;
    for (int i = 0; i < links; i++) {
      Span.Link.Builder link = Span.Link.newBuilder().setTraceId(traceId()).setSpanId(spanId());
      if (random.nextBoolean()) {
        link.setTraceState(values.text())
            .addAttributes(values.keyValue(values.key(), values.value(1)))
            .setFlags(1);
      }
      span.addLinks(link);
    }
    if (random.nextBoolean()) {
      span.setStatus(
          Status.newBuilder()
              .setCodeValue(random.nextInt(6) == 0 ? 7 : random.nextInt(3))
              .setMessage(random.nextBoolean() ? "" : values.text()));
    }
    if (random.nextInt(5) == 0) {
      span.setDroppedAttributesCount(3).setDroppedEventsCount(1).setDroppedLinksCount(2);
    }
    return span.build();
  }

  private Span.Event event() {
    Span.Event.Builder event =
        Span.Event.newBuilder()
            .setTimeUnixNano(NOW_NANOS)
            .setName(random.nextInt(3) > 0 ? "exception" : random.nextBoolean() ? "other" : "");
    int attributes = random.nextInt(4);
    for (int i = 0; i < attributes; i++) {
      String key =
          switch (random.nextInt(3)) {
            case 0 -> "exception.type";
            case 1 -> "exception.message";
            default -> values.key();
          };
      event.addAttributes(values.keyValue(key, values.value(2)));
    }
    return event.build();
  }

  private long start() {
    return switch (random.nextInt(24)) {
      case 0 -> 0;
      case 1 -> 1 + random.nextInt(1000);
      case 2 -> NOW_NANOS - 10_000_000_000_000L;
      case 3 -> -1 - random.nextInt(10);
      default -> NOW_NANOS - random.nextInt(2_000_000_000);
    };
  }

  private long end(long start) {
    return switch (random.nextInt(24)) {
      case 0 -> 0;
      case 1 -> start - 1;
      case 2 -> start + 10_000_000_000_000L;
      case 3 -> NOW_NANOS + 3_600_000_000_000L;
      default -> start + random.nextInt(1_000_000_000);
    };
  }

  private ByteString traceId() {
    return switch (random.nextInt(24)) {
      case 0 -> ByteString.EMPTY;
      case 1 -> ByteString.copyFrom(new byte[16]);
      case 2 -> values.bytes(random.nextInt(40));
      default -> traceIds.get(random.nextInt(traceIds.size()));
    };
  }

  private ByteString spanId() {
    return switch (random.nextInt(24)) {
      case 0 -> ByteString.EMPTY;
      case 1 -> ByteString.copyFrom(new byte[8]);
      case 2 -> values.bytes(random.nextInt(12));
      default -> values.bytes(8);
    };
  }

  private ByteString parentId() {
    return switch (random.nextInt(6)) {
      case 0 -> ByteString.copyFrom(new byte[8]);
      case 1 -> values.bytes(random.nextInt(12));
      case 2, 3 -> ByteString.EMPTY;
      default -> values.bytes(8);
    };
  }

  private String name() {
    return switch (random.nextInt(5)) {
      case 0 -> "n".repeat(random.nextInt(40));
      case 1 -> "GET /ünïcode/😀/" + random.nextInt(10);
      default -> "GET /api/" + random.nextInt(10);
    };
  }
}
