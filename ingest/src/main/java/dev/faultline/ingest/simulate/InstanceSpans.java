package dev.faultline.ingest.simulate;

import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanBuilder;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.context.Context;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The spans one service instance makes, with the attributes OpenTelemetry's HTTP, gRPC, database
 * and messaging instrumentations put on them (semantic conventions), made through the SDK of the
 * process the instance currently runs as.
 */
abstract class InstanceSpans {
  private static final long HTTP_PORT = 8080;
  private static final long GRPC_PORT = 50051;

  private final Telemetry telemetry;
  private final ServiceSpec spec;
  private final String instanceId;
  private final String hostName;
  private final Map<String, Telemetry.Process> processes = new HashMap<>();
  private Telemetry.Process process;

  InstanceSpans(Telemetry telemetry, ServiceSpec spec, int index) {
    this.telemetry = telemetry;
    this.spec = spec;
    this.instanceId = spec.name() + "-" + index;
    this.hostName = spec.host() != null ? spec.host() : instanceId;
  }

  /** From now on this instance runs {@code version} (a new process, with its own SDK). */
  final void redeploy(String version) {
    process =
        processes.computeIfAbsent(
            version, v -> telemetry.process(spec.name(), instanceId, v, hostName));
  }

  private SpanBuilder builder(String name, SpanKind kind, Context parent, long startNanos) {
    return process
        .tracer
        .spanBuilder(name)
        .setSpanKind(kind)
        .setParent(parent)
        .setStartTimestamp(startNanos, TimeUnit.NANOSECONDS);
  }

  final Span serverSpan(
      ServiceSpec.OperationSpec operation, Map<String, String> carrier, long arrivalMicros) {
    Span span =
        builder(
                operation.name(),
                SpanKind.SERVER,
                Telemetry.extract(carrier),
                telemetry.epochNanos(arrivalMicros))
            .startSpan();
    if (spec.grpc()) {
      rpc(span, operation.name());
      span.setAttribute("server.port", GRPC_PORT);
    } else {
      span.setAttribute("http.request.method", method(operation.name()));
      span.setAttribute("http.route", path(operation.name()));
      span.setAttribute("url.path", path(operation.name()));
      span.setAttribute("url.scheme", "http");
      span.setAttribute("server.port", HTTP_PORT);
    }
    span.setAttribute("server.address", spec.name());
    return span;
  }

  final void endServer(Span span, ServiceSpec.OperationSpec operation, World.Outcome outcome) {
    status(span, spec, outcome);
    span.end(telemetry.nowNanos(), TimeUnit.NANOSECONDS);
  }

  final Span clientSpan(
      Span parent, ServiceSpec target, ServiceSpec.OperationSpec operation, int attempt) {
    Span span;
    if (target.grpc()) {
      span =
          builder(
                  operation.name(),
                  SpanKind.CLIENT,
                  Context.root().with(parent),
                  telemetry.nowNanos())
              .startSpan();
      rpc(span, operation.name());
      span.setAttribute("server.port", GRPC_PORT);
    } else {
      String method = method(operation.name());
      span =
          builder(method, SpanKind.CLIENT, Context.root().with(parent), telemetry.nowNanos())
              .startSpan();
      span.setAttribute("http.request.method", method);
      span.setAttribute(
          "url.full", "http://" + target.name() + ":" + HTTP_PORT + path(operation.name()));
      span.setAttribute("server.port", HTTP_PORT);
      if (attempt > 0) {
        span.setAttribute("http.request.resend_count", (long) attempt);
      }
    }
    span.setAttribute("server.address", target.name());
    return span;
  }

  final void endClient(Span span, ServiceSpec target, World.Outcome outcome) {
    status(span, target, outcome);
    span.end(telemetry.nowNanos(), TimeUnit.NANOSECONDS);
  }

  final Span querySpan(Span parent, Scenario.DependencySpec dependency, String statement) {
    String namespace = dependency.namespace() != null ? dependency.namespace() : dependency.name();
    Span span =
        builder(
                statement + " " + namespace,
                SpanKind.CLIENT,
                Context.root().with(parent),
                telemetry.nowNanos())
            .startSpan();
    span.setAttribute("db.system", dependency.system());
    span.setAttribute("db.namespace", namespace);
    span.setAttribute("db.operation.name", statement);
    span.setAttribute("server.address", dependency.name());
    span.setAttribute("server.port", "redis".equals(dependency.system()) ? 6379L : 5432L);
    return span;
  }

  final Span producerSpan(Span parent, Scenario.QueueSpec queue) {
    Span span =
        builder(
                "publish " + queue.name(),
                SpanKind.PRODUCER,
                Context.root().with(parent),
                telemetry.nowNanos())
            .startSpan();
    messaging(span, queue, "publish");
    return span;
  }

  final Span consumerSpan(
      Scenario.QueueSpec queue, Scenario.ConsumerSpec consumer, Map<String, String> carrier) {
    Context producer = Telemetry.extract(carrier);
    SpanBuilder builder;
    if (consumer.link()) {
      builder =
          builder(
                  "process " + queue.name(),
                  SpanKind.CONSUMER,
                  Context.root(),
                  telemetry.nowNanos())
              .addLink(Span.fromContext(producer).getSpanContext());
    } else {
      builder =
          builder("process " + queue.name(), SpanKind.CONSUMER, producer, telemetry.nowNanos());
    }
    Span span = builder.startSpan();
    messaging(span, queue, "process");
    span.setAttribute("messaging.consumer.group.name", consumer.group());
    return span;
  }

  private static void messaging(Span span, Scenario.QueueSpec queue, String operation) {
    span.setAttribute("messaging.system", queue.system());
    span.setAttribute("messaging.destination.name", queue.name());
    span.setAttribute("messaging.operation.type", "publish".equals(operation) ? "send" : "process");
    span.setAttribute("messaging.operation.name", operation);
  }

  private static void rpc(Span span, String operation) {
    int slash = operation.lastIndexOf('/');
    span.setAttribute("rpc.system", "grpc");
    span.setAttribute("rpc.service", slash < 0 ? operation : operation.substring(0, slash));
    span.setAttribute("rpc.method", slash < 0 ? operation : operation.substring(slash + 1));
  }

  private static void status(Span span, ServiceSpec callee, World.Outcome outcome) {
    if (callee.grpc()) {
      long code = outcome == World.Outcome.OK ? 0 : outcome == World.Outcome.REJECTED ? 14 : 13;
      span.setAttribute("rpc.grpc.status_code", code);
    } else {
      long code = outcome == World.Outcome.OK ? 200 : outcome == World.Outcome.REJECTED ? 503 : 500;
      span.setAttribute("http.response.status_code", code);
    }
    if (outcome != World.Outcome.OK) {
      span.setStatus(StatusCode.ERROR);
      if (outcome == World.Outcome.REJECTED) {
        span.setAttribute("error.type", callee.grpc() ? "UNAVAILABLE" : "503");
      }
    }
  }

  /** The HTTP method of an operation named {@code GET /path}; POST when it names none. */
  private static String method(String operation) {
    int space = operation.indexOf(' ');
    return space > 0 ? operation.substring(0, space) : "POST";
  }

  private static String path(String operation) {
    int space = operation.indexOf(' ');
    String path = space > 0 ? operation.substring(space + 1) : operation;
    return path.startsWith("/") ? path : "/" + path;
  }
}
