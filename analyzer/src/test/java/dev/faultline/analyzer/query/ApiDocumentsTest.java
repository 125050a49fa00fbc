package dev.faultline.analyzer.query;

import static dev.faultline.analyzer.testing.SchemaAssert.assertValid;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.faultline.analyzer.graph.GraphKeys;
import dev.faultline.analyzer.graph.GraphSnapshot;
import dev.faultline.analyzer.graph.WindowAggregator;
import dev.faultline.analyzer.testing.MapStore;
import dev.faultline.analyzer.testing.Recorder;
import dev.faultline.analyzer.testing.SchemaAssert;
import dev.faultline.analyzer.testing.SmallSystem;
import dev.faultline.analyzer.testing.SpanFixtures;
import dev.faultline.analyzer.trace.Call;
import dev.faultline.analyzer.trace.NodeKey;
import dev.faultline.analyzer.trace.TraceTree;
import dev.faultline.analyzer.trace.Visit;
import dev.faultline.schemas.proto.GraphRecord;
import dev.faultline.schemas.proto.Span;
import dev.faultline.schemas.span.SpanRecord;
import java.net.URI;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Every API document validates against its published JSON Schema. */
class ApiDocumentsTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final long T0_MS = SpanFixtures.T0 / 1_000_000L;

  /** Twenty requests of the small system, published as windows in a history store. */
  static MapStore history() {
    WindowAggregator windows = new WindowAggregator(1_000, 0);
    for (int i = 0; i < 20; i++) {
      Recorder recorder = new Recorder();
      for (Span span : SmallSystem.request(i + 1, i * 100)) {
        recorder.trace.add(List.of(SpanRecord.of(span)), 0, 100);
      }
      recorder.batch(List.of()).close();
      for (Call call : recorder.calls) {
        windows.add(call, T0_MS + i * 100);
      }
      for (Visit visit : recorder.visits) {
        windows.add(visit, T0_MS + i * 100);
      }
    }
    MapStore store = new MapStore();
    for (WindowAggregator.Closed closed : windows.advance(T0_MS + 10_000)) {
      GraphRecord.Builder base =
          GraphRecord.newBuilder()
              .setWindowStartMs(closed.startMs())
              .setWindowEndMs(closed.endMs());
      for (var edge : closed.edges()) {
        var stats = edge.toStats();
        store.put(
            GraphKeys.edge(closed.startMs(), stats),
            base.clone().setEdge(stats).build().toByteArray());
      }
      for (var node : closed.nodes()) {
        var stats = node.toStats();
        store.put(
            GraphKeys.node(closed.startMs(), stats),
            base.clone().setNode(stats).build().toByteArray());
      }
    }
    return store;
  }

  private static GraphSnapshot snapshot() {
    MapStore store = history();
    return new GraphQueries(() -> store).snapshot(null, 60_000);
  }

  @Test
  void theGraphDocumentMatchesItsSchema() throws Exception {
    Map<String, Object> graph = GraphJson.graph(snapshot());

    assertValid("graph.schema.json", JSON.writeValueAsString(graph));
    assertThat(((List<?>) graph.get("edges"))).hasSize(SmallSystem.serviceEdges().size());
  }

  @Test
  void theServiceAndPathDocumentsMatchTheirSchemas() {
    MapStore store = history();
    QueryApi api = new QueryApi(new GraphQueries(() -> store), () -> null, () -> null, 900_000);

    Response service = api.service("checkout", new Params(URI.create("/x")));
    Response paths = api.paths(new Params(URI.create("/x?from=frontend&to=email")));

    assertValid("service.schema.json", new String(service.body()));
    assertValid("paths.schema.json", new String(paths.body()));
    assertThat(new String(paths.body())).contains("queue:kafka/orders");
  }

  @Test
  void theTraceDocumentMatchesItsSchema() throws Exception {
    Recorder recorder = new Recorder().batch(SmallSystem.request(1, 0));

    Map<String, Object> trace = TraceJson.of(TraceTree.of(recorder.trace), false);

    assertValid("trace.schema.json", JSON.writeValueAsString(trace));
    assertThat(trace.get("spanCount")).isEqualTo(10);
  }

  @Test
  void errorsMatchTheirSchemaAndABrokenDocumentDoesNot() {
    assertValid("error.schema.json", new String(Response.error(404, "no such thing").body()));
    assertThat(SchemaAssert.violations("graph.schema.json", "{\"nodes\":[{\"id\":\"nope\"}]}"))
        .isNotEmpty();
  }

  @Test
  void nodeReferencesResolveByTypeAndName() {
    GraphSnapshot snapshot = snapshot();

    assertThat(QueryApi.resolve("cart", snapshot)).isEqualTo(NodeKey.service("cart"));
    assertThat(QueryApi.resolve("carts", snapshot).typeName()).isEqualTo("database");
    assertThat(QueryApi.resolve("queue:kafka/orders", snapshot).name()).isEqualTo("kafka/orders");
  }

  @Test
  void dotAndMermaidNameEveryNode() {
    GraphSnapshot snapshot = snapshot();

    assertThat(GraphText.dot(snapshot)).contains("\"service:cart\"", "\"database:carts\"", "->");
    assertThat(GraphText.mermaid(snapshot)).startsWith("flowchart LR").contains("kafka/orders");
  }
}
