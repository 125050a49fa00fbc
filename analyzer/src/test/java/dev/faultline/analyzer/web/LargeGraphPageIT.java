package dev.faultline.analyzer.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.faultline.analyzer.query.ApiServer;
import dev.faultline.analyzer.query.Response;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * The page with a 100-service graph (from a stub API, no broker): it lays the graph out, stays
 * responsive while it polls, and keeps every node where it was when the graph changes.
 */
class LargeGraphPageIT {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final int SERVICES = 100;
  private static final int LAYERS = 6;

  private final AtomicInteger polls = new AtomicInteger();

  @Test
  void hundredServicesRenderStayResponsiveAndKeepTheirPlacesWhenANodeAppears() throws Exception {
    assumeTrue(Browser.unavailable().isEmpty(), () -> Browser.unavailable().get());
    List<ApiServer.Route> routes = new ArrayList<>(WebPage.routes());
    routes.add(ApiServer.Route.of("/api/v1/graph", (groups, params) -> json(graph())));
    routes.add(
        ApiServer.Route.of(
            "/api/v1/incidents", (groups, params) -> json(Map.of("incidents", List.of()))));
    List<ApiServer.StreamRoute> streams =
        List.of(ApiServer.StreamRoute.of("/api/v1/incidents/stream", LargeGraphPageIT::idle));
    try (ApiServer server = ApiServer.start("127.0.0.1", 0, routes, streams);
        Browser browser = Browser.start(1600, 1000)) {
      long started = System.nanoTime();
      browser.driver.get("http://127.0.0.1:" + server.port() + "/");
      browser.await(
          "the 100 services on the canvas",
          Duration.ofSeconds(30),
          () -> nodes(browser).size() >= SERVICES + 1);
      long firstRenderMs = (System.nanoTime() - started) / 1_000_000;
      Map<String, Map<String, Object>> before = nodes(browser);
      browser.screenshot("large-graph");

      // A late service appears after a few polls: it gets a place, the others keep theirs.
      polls.set(Math.max(polls.get(), 3));
      browser.await(
          "the late service",
          Duration.ofSeconds(20),
          () -> nodes(browser).containsKey("service:late-service"));
      Map<String, Map<String, Object>> after = nodes(browser);
      before.forEach(
          (id, node) -> {
            assertThat((Double) number(after.get(id).get("x")))
                .as(id + " x")
                .isCloseTo(number(node.get("x")), org.assertj.core.data.Offset.offset(0.5));
            assertThat((Double) number(after.get(id).get("y")))
                .as(id + " y")
                .isCloseTo(number(node.get("y")), org.assertj.core.data.Offset.offset(0.5));
          });

      // Responsive: frames keep coming while the page polls and redraws the graph.
      double longestFrameMs =
          number(
              browser.driver.executeAsyncScript(
                  "const done = arguments[arguments.length - 1];"
                      + "let last = performance.now(), longest = 0;"
                      + "const end = last + 4000;"
                      + "function frame(now) { longest = Math.max(longest, now - last); last = now;"
                      + "  if (now < end) requestAnimationFrame(frame); else done(longest); }"
                      + "requestAnimationFrame(frame);"));
      double updateMs = number(browser.state().get("lastUpdateMs"));
      System.out.printf(
          "100-service graph: first render %d ms, one update %.1f ms, longest frame %.1f ms%n",
          firstRenderMs, updateMs, longestFrameMs);
      assertThat(firstRenderMs).isLessThan(15_000);
      assertThat(updateMs).isLessThan(500);
      assertThat(longestFrameMs).isLessThan(1_000);
      assertThat(browser.consoleErrors()).isEmpty();
    }
  }

  private static double number(Object value) {
    return ((Number) value).doubleValue();
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Map<String, Object>> nodes(Browser browser) {
    Map<String, Object> state = browser.state();
    Map<String, Map<String, Object>> out = new HashMap<>();
    if (state != null) {
      for (Map<String, Object> node : (List<Map<String, Object>>) state.get("nodes")) {
        out.put((String) node.get("id"), node);
      }
    }
    return out;
  }

  /** A layered system: the entry calls the first layer, each service two or three below it. */
  private Map<String, Object> graph() {
    int poll = polls.incrementAndGet();
    Random random = new Random(poll);
    List<Object> nodes = new ArrayList<>();
    List<Object> edges = new ArrayList<>();
    nodes.add(Map.of("id", "entry:entry", "type", "entry", "name", "entry", "requestRate", 500));
    List<String> services = new ArrayList<>();
    for (int i = 0; i < SERVICES; i++) {
      services.add("svc-" + i);
    }
    if (poll > 3) {
      services.add("late-service");
    }
    for (String name : services) {
      nodes.add(service(name, random));
    }
    int perLayer = SERVICES / LAYERS + 1;
    for (int i = 0; i < SERVICES; i++) {
      int layer = i / perLayer;
      if (layer == 0) {
        edges.add(edge("entry:entry", "service:svc-" + i, random));
      }
      int next = (layer + 1) * perLayer;
      for (int k = 0; k < 2 + i % 2 && next < SERVICES; k++) {
        int target = next + (i * 7 + k * 13) % Math.min(perLayer, SERVICES - next);
        edges.add(edge("service:svc-" + i, "service:svc-" + target, random));
      }
    }
    if (poll > 3) {
      edges.add(edge("service:svc-0", "service:late-service", random));
    }
    Map<String, Object> window = new LinkedHashMap<>();
    long now = System.currentTimeMillis();
    window.put("from", java.time.Instant.ofEpochMilli(now - 30_000).toString());
    window.put("to", java.time.Instant.ofEpochMilli(now).toString());
    window.put("seconds", 30);
    window.put("windows", 15);
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("window", window);
    out.put("nodes", nodes);
    out.put("edges", edges.stream().distinct().toList());
    return out;
  }

  private static Map<String, Object> service(String name, Random random) {
    Map<String, Object> node = new LinkedHashMap<>();
    node.put("id", "service:" + name);
    node.put("type", "service");
    node.put("name", name);
    node.put("requestRate", 10 + random.nextInt(100));
    node.put("errorRate", random.nextInt(20) == 0 ? 0.08 : 0.001);
    node.put("requests", 1000);
    node.put("latencyMs", latency(5 + random.nextInt(50)));
    return node;
  }

  private static Map<String, Object> edge(String source, String target, Random random) {
    Map<String, Object> edge = new LinkedHashMap<>();
    edge.put("id", source + "->" + target + ":sync");
    edge.put("source", source);
    edge.put("target", target);
    edge.put("kind", "sync");
    edge.put("callRate", 5 + random.nextInt(50));
    edge.put("calls", 1000);
    edge.put("errorRate", random.nextInt(30) == 0 ? 0.06 : 0.0);
    edge.put("latencyMs", latency(3 + random.nextInt(40)));
    edge.put("operations", List.of());
    return edge;
  }

  private static Map<String, Object> latency(double p99) {
    return Map.of(
        "p50", p99 / 3, "p90", p99 / 1.5, "p99", p99, "mean", p99 / 3, "max", p99 * 2, "count",
        1000);
  }

  private static Response json(Object document) {
    try {
      return new Response(200, "application/json", JSON.writeValueAsBytes(document), Map.of());
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  /** An incident stream with nothing to say: connected, then quiet until the client leaves. */
  private static void idle(com.sun.net.httpserver.HttpExchange exchange) {
    try (exchange) {
      exchange.getResponseHeaders().set("Content-Type", "text/event-stream");
      exchange.sendResponseHeaders(200, 0);
      OutputStream out = exchange.getResponseBody();
      for (int i = 0; i < 120; i++) {
        out.write(": idle\n\n".getBytes(StandardCharsets.UTF_8));
        out.flush();
        Thread.sleep(500);
      }
    } catch (IOException e) {
      // the browser went away
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
