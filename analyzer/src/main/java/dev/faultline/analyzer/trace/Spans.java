package dev.faultline.analyzer.trace;

import dev.faultline.schemas.proto.NodeType;
import dev.faultline.schemas.proto.SpanKind;
import dev.faultline.schemas.proto.StatusCode;
import dev.faultline.schemas.span.SpanRecord;
import java.util.Set;

/** What the pairing rules read from a span, per the OpenTelemetry semantic conventions. */
public final class Spans {
  /** gRPC status codes that mean the server failed (UNKNOWN, DEADLINE_EXCEEDED, ...). */
  private static final Set<String> GRPC_SERVER_ERRORS = Set.of("2", "4", "12", "13", "14", "15");

  private Spans() {}

  public static long durationUs(SpanRecord span) {
    return Math.max(0, span.getEndUnixNano() - span.getStartUnixNano()) / 1_000L;
  }

  public static long startMs(SpanRecord span) {
    return span.getStartUnixNano() / 1_000_000L;
  }

  public static long endMs(SpanRecord span) {
    return span.getEndUnixNano() / 1_000_000L;
  }

  /**
   * Whether the span reports a failure: status ERROR, or (when instrumentation left the status
   * unset) an HTTP status of 500 or more, or a gRPC status that means the server failed.
   */
  public static boolean isError(SpanRecord span) {
    if (span.getStatusCode() == StatusCode.STATUS_CODE_ERROR) {
      return true;
    }
    if (span.getStatusCode() == StatusCode.STATUS_CODE_OK) {
      return false;
    }
    String http = span.attribute("http.response.status_code");
    if (http == null) {
      http = span.attribute("http.status_code");
    }
    if (http != null && http.length() == 3 && http.charAt(0) >= '5') {
      return true;
    }
    String grpc = span.attribute("rpc.grpc.status_code");
    return grpc != null && GRPC_SERVER_ERRORS.contains(grpc);
  }

  public static boolean isClientKind(SpanRecord span) {
    return span.getKind() == SpanKind.SPAN_KIND_CLIENT;
  }

  public static boolean isProducer(SpanRecord span) {
    return span.getKind() == SpanKind.SPAN_KIND_PRODUCER;
  }

  public static boolean isConsumer(SpanRecord span) {
    return span.getKind() == SpanKind.SPAN_KIND_CONSUMER;
  }

  public static boolean isServerSide(SpanRecord span) {
    return span.getKind() == SpanKind.SPAN_KIND_SERVER
        || span.getKind() == SpanKind.SPAN_KIND_CONSUMER;
  }

  /** The instrumentation gave no kind: pairing falls back to service changes. */
  public static boolean kindUnknown(SpanRecord span) {
    return span.getKind() == SpanKind.SPAN_KIND_UNSPECIFIED;
  }

  /** The span describes a database call (db.system or db.system.name set). */
  public static boolean isDatabase(SpanRecord span) {
    return span.hasAttribute("db.system") || span.hasAttribute("db.system.name");
  }

  /** The queue a producer or consumer span names, or {@code null} when it names none. */
  public static NodeKey queue(SpanRecord span) {
    String destination = span.attribute("messaging.destination.name");
    if (destination == null || destination.isEmpty()) {
      destination = span.attribute("messaging.destination");
    }
    if (destination == null || destination.isEmpty()) {
      return null;
    }
    String system = span.attribute("messaging.system");
    if (system == null) {
      system = "";
    }
    return new NodeKey(
        NodeType.NODE_TYPE_QUEUE, system.isEmpty() ? destination : system + "/" + destination);
  }

  /**
   * The database a database client span calls: peer.service, else db.namespace (db.name before
   * semantic conventions 1.26), else server.address, else the database system. A namespace that is
   * only a number (Redis' database index) names nothing on its own: the server's address does, else
   * the system with the index.
   */
  public static NodeKey database(SpanRecord span) {
    String name = first(span, "peer.service");
    if (name == null) {
      name = first(span, "db.namespace", "db.name");
    }
    if (name != null && isIndex(name) && !span.hasAttribute("peer.service")) {
      String server = first(span, "server.address", "net.peer.name");
      if (server != null) {
        name = server;
      } else {
        String system = first(span, "db.system.name", "db.system");
        name = system == null ? name : system + "/" + name;
      }
    }
    if (name == null) {
      name = first(span, "server.address", "net.peer.name", "db.system.name", "db.system");
    }
    return new NodeKey(NodeType.NODE_TYPE_DATABASE, name == null ? "unknown" : name);
  }

  private static boolean isIndex(String name) {
    for (int i = 0; i < name.length(); i++) {
      if (!Character.isDigit(name.charAt(i))) {
        return false;
      }
    }
    return !name.isEmpty();
  }

  /**
   * The uninstrumented peer a client span with no server side called: peer.service, else
   * server.address, else the database naming, else {@code unknown}.
   */
  public static NodeKey virtualPeer(SpanRecord span) {
    String name =
        first(
            span,
            "peer.service",
            "server.address",
            "net.peer.name",
            "db.namespace",
            "db.name",
            "db.system.name",
            "db.system",
            "network.peer.address");
    return new NodeKey(NodeType.NODE_TYPE_VIRTUAL, name == null ? "unknown" : name);
  }

  /**
   * The resend number of a client span ({@code http.request.resend_count}), or 0 when the span does
   * not say.
   */
  public static int resendCount(SpanRecord span) {
    String value = span.attribute("http.request.resend_count");
    if (value == null) {
      return 0;
    }
    try {
      return Math.max(0, Integer.parseInt(value.trim()));
    } catch (NumberFormatException e) {
      return 0;
    }
  }

  /** What identifies the target of a client span among its siblings, for retry detection. */
  static String target(SpanRecord span) {
    String peer = first(span, "peer.service", "server.address", "net.peer.name");
    return span.getName() + "\u0000" + (peer == null ? "" : peer);
  }

  private static String first(SpanRecord span, String... keys) {
    for (String key : keys) {
      String value = span.attribute(key);
      if (value != null && !value.isEmpty()) {
        return value;
      }
    }
    return null;
  }
}
