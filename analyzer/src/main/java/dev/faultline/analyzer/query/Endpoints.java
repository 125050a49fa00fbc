package dev.faultline.analyzer.query;

import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.apache.kafka.streams.KafkaStreams;

/** The routes of the API: queries, health and metrics. */
public final class Endpoints {
  private Endpoints() {}

  /**
   * @param api the query handlers
   * @param streams the running application (null while it is starting)
   * @param registry where /metrics reads from
   */
  public static List<ApiServer.Route> of(
      QueryApi api, Supplier<KafkaStreams> streams, PrometheusMeterRegistry registry) {
    return List.of(
        ApiServer.Route.of("/api/v1/graph", (groups, params) -> api.graph(params)),
        ApiServer.Route.of(
            "/api/v1/services/([^/]+)", (groups, params) -> api.service(groups.get(0), params)),
        ApiServer.Route.of("/api/v1/paths", (groups, params) -> api.paths(params)),
        ApiServer.Route.of(
            "/api/v1/traces/([^/]+)", (groups, params) -> api.trace(groups.get(0), params)),
        ApiServer.Route.of("/api/v1/?", (groups, params) -> index()),
        ApiServer.Route.of("/health", (groups, params) -> health(streams.get())),
        ApiServer.Route.of(
            "/metrics",
            (groups, params) ->
                Response.text(200, "text/plain; version=0.0.4; charset=utf-8", registry.scrape())));
  }

  private static Response index() {
    Map<String, Object> out = new LinkedHashMap<>();
    out.put(
        "endpoints",
        List.of(
            "GET /api/v1/graph?at=&window=&format=json|dot|mermaid",
            "GET /api/v1/services/{name}?at=&window=",
            "GET /api/v1/paths?from=&to=&maxHops=&at=&window=",
            "GET /api/v1/traces/{traceId}",
            "GET /health",
            "GET /metrics"));
    return Response.json(200, out);
  }

  static Response health(KafkaStreams streams) {
    Map<String, Object> out = new LinkedHashMap<>();
    KafkaStreams.State state = streams == null ? null : streams.state();
    boolean up = state == KafkaStreams.State.RUNNING || state == KafkaStreams.State.REBALANCING;
    out.put("status", up ? "UP" : "DOWN");
    out.put("streams", state == null ? "STARTING" : state.name());
    return Response.json(up ? 200 : 503, out);
  }
}
