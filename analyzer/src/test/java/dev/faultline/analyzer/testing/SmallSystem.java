package dev.faultline.analyzer.testing;

import static dev.faultline.analyzer.testing.SpanFixtures.client;
import static dev.faultline.analyzer.testing.SpanFixtures.server;
import static dev.faultline.analyzer.testing.SpanFixtures.span;

import dev.faultline.schemas.proto.Span;
import dev.faultline.schemas.proto.SpanKind;
import java.util.ArrayList;
import java.util.List;

/**
 * A small system for tests, one request shape: frontend GET /checkout calls cart Get (which reads
 * redis) and checkout Place (which calls payment Charge and publishes to kafka/orders, consumed by
 * email Send).
 */
public final class SmallSystem {
  private SmallSystem() {}

  /** The spans of one request of trace {@code trace}, starting {@code startMs} after T0. */
  public static List<Span> request(long trace, double startMs) {
    List<Span.Builder> spans = new ArrayList<>();
    double t = startMs;
    spans.add(server(1, 0, "frontend", "GET /checkout", t, t + 80));
    spans.add(client(2, 1, "frontend", "cart.Get", t + 2, t + 22));
    spans.add(server(3, 2, "cart", "Get", t + 3, t + 21));
    spans.add(
        client(4, 3, "cart", "HGET", t + 5, t + 8)
            .putAttributes("db.system", "redis")
            .putAttributes("db.namespace", "carts"));
    spans.add(client(5, 1, "frontend", "checkout.Place", t + 25, t + 75));
    spans.add(server(6, 5, "checkout", "Place", t + 26, t + 74));
    spans.add(client(7, 6, "checkout", "payment.Charge", t + 30, t + 60));
    spans.add(server(8, 7, "payment", "Charge", t + 31, t + 59));
    spans.add(
        span(9, 6, "checkout", "orders publish", SpanKind.SPAN_KIND_PRODUCER, t + 62, t + 64)
            .putAttributes("messaging.system", "kafka")
            .putAttributes("messaging.destination.name", "orders"));
    spans.add(
        span(10, 9, "email", "orders process", SpanKind.SPAN_KIND_CONSUMER, t + 70, t + 90)
            .putAttributes("messaging.system", "kafka")
            .putAttributes("messaging.destination.name", "orders"));
    List<Span> out = new ArrayList<>();
    for (Span.Builder span : spans) {
      out.add(span.setTraceId(SpanFixtures.traceId(trace)).build());
    }
    return out;
  }

  /** The edges the small system has, as "caller -kind-> callee" at service level. */
  public static List<String> serviceEdges() {
    return List.of(
        "entry:entry -entry-> service:frontend",
        "service:frontend -sync-> service:cart",
        "service:frontend -sync-> service:checkout",
        "service:cart -database-> database:carts",
        "service:checkout -sync-> service:payment",
        "service:checkout -produce-> queue:kafka/orders",
        "queue:kafka/orders -consume-> service:email");
  }
}
