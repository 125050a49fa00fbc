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
      QueryApi api,
      IncidentQueries incidents,
      Supplier<KafkaStreams> streams,
      PrometheusMeterRegistry registry) {
    return List.of(
        ApiServer.Route.of("/api/v1/incidents", (groups, params) -> incidents(incidents, params)),
        ApiServer.Route.of(
            "/api/v1/incidents/([^/]+)",
            (groups, params) ->
                incidents
                    .get(groups.get(0))
                    .map(incident -> Response.json(200, incident))
                    .orElseThrow(() -> new ApiException(404, "no incident with this id"))),
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

  /** The live incident stream route. */
  public static List<ApiServer.StreamRoute> streams(IncidentQueries incidents, IncidentFeed feed) {
    return List.of(
        ApiServer.StreamRoute.of(
            "/api/v1/incidents/stream", new IncidentStream(feed, incidents::open)));
  }

  private static Response incidents(IncidentQueries incidents, Params params) {
    String status = params.get("status");
    int limit = params.integer("limit", 100, 1, 10_000);
    var list =
        incidents.list().stream()
            .filter(
                i ->
                    status == null
                        || status.equals("all")
                        || (status.equals("open")
                            && i.status() != dev.faultline.schemas.incident.IncidentStatus.RESOLVED)
                        || (status.equals("resolved")
                            && i.status()
                                == dev.faultline.schemas.incident.IncidentStatus.RESOLVED))
            .limit(limit)
            .toList();
    if (status != null && !List.of("all", "open", "resolved").contains(status)) {
      throw new ApiException(400, "parameter 'status' must be open, resolved or all");
    }
    return Response.json(200, java.util.Map.of("incidents", list));
  }

  private static Response index() {
    Map<String, Object> out = new LinkedHashMap<>();
    out.put(
        "endpoints",
        List.of(
            "GET /api/v1/incidents?status=open|resolved|all&limit=",
            "GET /api/v1/incidents/{id}",
            "GET /api/v1/incidents/stream (server-sent events)",
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
