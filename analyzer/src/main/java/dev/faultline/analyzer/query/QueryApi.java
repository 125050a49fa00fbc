package dev.faultline.analyzer.query;

import static java.util.Objects.requireNonNull;

import com.google.protobuf.ByteString;
import dev.faultline.analyzer.graph.EdgeKey;
import dev.faultline.analyzer.graph.GraphSnapshot;
import dev.faultline.analyzer.graph.GraphView;
import dev.faultline.analyzer.graph.GraphWindow;
import dev.faultline.analyzer.graph.NodeAccumulator;
import dev.faultline.analyzer.graph.OperationKey;
import dev.faultline.analyzer.sketch.LatencySketch;
import dev.faultline.analyzer.trace.NodeKey;
import dev.faultline.schemas.Ids;
import dev.faultline.schemas.proto.NodeStats;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import org.apache.kafka.streams.state.HostInfo;

/** The read endpoints of the API, as functions from a request to a {@link Response}. */
public final class QueryApi {
  static final long DEFAULT_SPAN_MS = 60_000;

  private final GraphQueries graph;
  private final Supplier<TraceQueries> traces;
  private final Supplier<HostInfo> self;
  private final long historyMs;
  private final ApiGuard.Options peers;
  private final HttpClient http;

  /**
   * @param graph the graph history
   * @param traces trace lookup (null supplier value when the streams are not running)
   * @param self this instance's advertised API address
   * @param historyMs how far back the graph goes
   */
  public QueryApi(
      GraphQueries graph, Supplier<TraceQueries> traces, Supplier<HostInfo> self, long historyMs) {
    this(graph, traces, self, historyMs, ApiGuard.Options.open());
  }

  /**
   * @param peers the protections every instance's API has: forwarded queries use its scheme (HTTPS
   *     with its TLS context as trust) and carry its token
   */
  public QueryApi(
      GraphQueries graph,
      Supplier<TraceQueries> traces,
      Supplier<HostInfo> self,
      long historyMs,
      ApiGuard.Options peers) {
    this.graph = requireNonNull(graph, "graph");
    this.traces = requireNonNull(traces, "traces");
    this.self = requireNonNull(self, "self");
    this.historyMs = historyMs;
    this.peers = requireNonNull(peers, "peers");
    HttpClient.Builder client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(3));
    if (peers.tls() != null) {
      client.sslContext(peers.tls());
    }
    this.http = client.build();
  }

  /** {@code GET /api/v1/graph?at=&window=&format=json|dot|mermaid}. */
  public Response graph(Params params) {
    GraphSnapshot snapshot = snapshot(params);
    String format = params.get("format");
    if (format == null || format.equals("json")) {
      Map<String, Object> document = GraphJson.graph(snapshot);
      if (snapshot.windows() == 0) {
        document.put("window", null);
      }
      return Response.json(200, document);
    }
    return switch (format) {
      case "dot" -> Response.text(200, "text/vnd.graphviz; charset=utf-8", GraphText.dot(snapshot));
      case "mermaid" ->
          Response.text(200, "text/plain; charset=utf-8", GraphText.mermaid(snapshot));
      default -> throw new ApiException(400, "parameter 'format' must be json, dot or mermaid");
    };
  }

  /** {@code GET /api/v1/services/{name}}: the service, its neighbours, its figures over time. */
  public Response service(String name, Params params) {
    GraphSnapshot snapshot = snapshot(params);
    NodeKey node = NodeKey.service(name);
    if (!snapshot.nodeKeys().contains(node)) {
      throw new ApiException(404, "no service '" + name + "' in the graph of this time range");
    }
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("window", GraphJson.window(snapshot));
    out.put("service", GraphJson.node(snapshot, node));
    List<Object> upstream = new ArrayList<>();
    List<Object> downstream = new ArrayList<>();
    GraphJson.serviceEdges(snapshot, node)
        .values()
        .forEach(
            group -> {
              EdgeKey first = group.get(0);
              if (first.callee().equals(node)) {
                upstream.add(GraphJson.edge(snapshot, group));
              }
              if (first.caller().equals(node)) {
                downstream.add(GraphJson.edge(snapshot, group));
              }
            });
    out.put("upstream", upstream);
    out.put("downstream", downstream);
    out.put("series", series(name, snapshot));
    return Response.json(200, out);
  }

  private List<Object> series(String service, GraphSnapshot snapshot) {
    List<Object> points = new ArrayList<>();
    for (GraphWindow window : graph.windows(snapshot.fromMs(), snapshot.toMs())) {
      NodeAccumulator total = new NodeAccumulator(new OperationKey(service, "*"));
      for (NodeStats node : window.nodes()) {
        if (node.getService().equals(service)) {
          total.merge(node);
        }
      }
      NodeStats stats = total.toStats();
      double seconds = (window.endMs() - window.startMs()) / 1_000.0;
      LatencySketch latency = LatencySketch.of(stats.getDurationUs());
      Map<String, Object> point = new LinkedHashMap<>();
      point.put("time", Instant.ofEpochMilli(window.startMs()).toString());
      point.put("requestRate", Figures.round(stats.getVisits() / seconds));
      point.put("errorRate", Figures.ratio(stats.getErrors(), stats.getVisits()));
      point.put("p99LatencyMs", stats.getVisits() == 0 ? null : Figures.ms(latency.quantile(0.99)));
      points.add(point);
    }
    return points;
  }

  /** {@code GET /api/v1/paths?from=&to=&maxHops=}: call paths between two nodes, per hop. */
  public Response paths(Params params) {
    GraphSnapshot snapshot = snapshot(params);
    NodeKey from = resolve(params.required("from"), snapshot);
    NodeKey to = resolve(params.required("to"), snapshot);
    int maxHops = params.integer("maxHops", 8, 1, 20);
    GraphView view = GraphView.of(snapshot);
    List<Object> paths = new ArrayList<>();
    for (List<NodeKey> path : view.paths(from, to, maxHops, 20)) {
      List<Object> hops = new ArrayList<>();
      for (int i = 0; i + 1 < path.size(); i++) {
        List<EdgeKey> edges = view.edgesBetween(path.get(i), path.get(i + 1));
        hops.add(GraphJson.edge(snapshot, edges));
      }
      Map<String, Object> p = new LinkedHashMap<>();
      p.put("nodes", path.stream().map(NodeKey::toString).toList());
      p.put("hops", hops);
      paths.add(p);
    }
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("window", GraphJson.window(snapshot));
    out.put("from", from.toString());
    out.put("to", to.toString());
    out.put("paths", paths);
    return Response.json(200, out);
  }

  /** {@code GET /api/v1/traces/{id}}: from this instance, or from the one that owns the trace. */
  public Response trace(String hex, Params params) {
    ByteString traceId;
    try {
      traceId = Ids.fromHex(hex);
    } catch (IllegalArgumentException e) {
      throw new ApiException(400, "a trace id is 32 hex characters");
    }
    if (!Ids.isValidTraceId(traceId)) {
      throw new ApiException(400, "a trace id is 32 hex characters, not all zero");
    }
    TraceQueries queries = traces.get();
    if (queries == null) {
      return Response.error(503, "the analyzer is not running yet").withHeader("Retry-After", "1");
    }
    boolean localOnly = "true".equals(params.get("local"));
    if (!localOnly) {
      TraceQueries.Location location = queries.locate(traceId, self.get());
      if (location instanceof TraceQueries.Unknown) {
        return Response.error(503, "trace ownership is being rebalanced; retry shortly")
            .withHeader("Retry-After", "1");
      }
      if (location instanceof TraceQueries.Remote remote) {
        return forward(remote.host(), "/api/v1/traces/" + Ids.toHex(traceId) + "?local=true");
      }
    }
    Optional<TraceQueries.Result> result = queries.local(traceId);
    if (result.isEmpty()) {
      throw new ApiException(
          404, "no trace " + Ids.toHex(traceId) + " (unknown, or past retention)");
    }
    return Response.json(200, TraceJson.of(result.get().tree(), result.get().complete()));
  }

  private Response forward(HostInfo host, String pathAndQuery) {
    String scheme = peers.tls() != null ? "https://" : "http://";
    URI uri = URI.create(scheme + host.host() + ":" + host.port() + pathAndQuery);
    try {
      HttpRequest.Builder request =
          HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(10)).GET();
      if (peers.tokenRequired()) {
        request.header("Authorization", "Bearer " + peers.token().value());
      }
      HttpResponse<byte[]> answer =
          http.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
      return new Response(
          answer.statusCode(),
          answer.headers().firstValue("Content-Type").orElse("application/json"),
          answer.body(),
          Map.of("X-Faultline-Served-By", host.host() + ":" + host.port()));
    } catch (java.io.IOException e) {
      return Response.error(
          502,
          "the instance owning this trace ("
              + host.host()
              + ":"
              + host.port()
              + ") did not answer");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return Response.error(503, "interrupted");
    }
  }

  private GraphSnapshot snapshot(Params params) {
    Long at = params.instantMs("at");
    long span = params.durationMs("window", DEFAULT_SPAN_MS, historyMs);
    return graph.snapshot(at, span);
  }

  /** A node reference: {@code type:name}, or a name (a service first, else any node). */
  static NodeKey resolve(String reference, GraphSnapshot snapshot) {
    int colon = reference.indexOf(':');
    if (colon > 0) {
      String type = reference.substring(0, colon);
      for (NodeKey node : snapshot.nodeKeys()) {
        if (node.typeName().equals(type) && node.name().equals(reference.substring(colon + 1))) {
          return node;
        }
      }
    }
    NodeKey service = NodeKey.service(reference);
    if (snapshot.nodeKeys().contains(service)) {
      return service;
    }
    for (NodeKey node : snapshot.nodeKeys()) {
      if (node.name().equals(reference)) {
        return node;
      }
    }
    throw new ApiException(404, "no node '" + reference + "' in the graph of this time range");
  }
}
