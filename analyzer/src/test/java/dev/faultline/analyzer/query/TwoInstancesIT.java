package dev.faultline.analyzer.query;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.faultline.analyzer.config.AnalyzerConfig;
import dev.faultline.analyzer.runtime.AnalyzerRuntime;
import dev.faultline.analyzer.testing.Otlp;
import dev.faultline.analyzer.testing.SchemaAssert;
import dev.faultline.analyzer.testing.SmallSystem;
import dev.faultline.analyzer.testing.SpanFixtures;
import dev.faultline.analyzer.topology.AnalyzerTopology;
import dev.faultline.broker.KafkaCluster;
import dev.faultline.broker.KafkaExtension;
import dev.faultline.ingest.config.IngestConfig;
import dev.faultline.schemas.Ids;
import dev.faultline.schemas.proto.Span;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.UUID;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Two analyzer instances of one application on the real broker: each owns part of the traces, yet a
 * query to either returns the same graph and any trace (forwarded to its owner, with the API's
 * bearer token).
 */
@ExtendWith(KafkaExtension.class)
class TwoInstancesIT {
  private static final ObjectMapper JSON = new ObjectMapper();

  /** Both instances require it, so a forwarded trace query must carry it too. */
  private static final String TOKEN = "two-instances-token";

  private final HttpClient http = HttpClient.newHttpClient();

  @Test
  void eitherInstanceAnswersWithTheSameGraphAndAnyTrace(KafkaCluster kafka) throws Exception {
    String suffix = UUID.randomUUID().toString().substring(0, 8);
    Map<String, Object> client = Map.of("bootstrap.servers", kafka.bootstrapServers());
    List<AnalyzerRuntime> instances = new ArrayList<>();
    try {
      for (int i = 0; i < 2; i++) {
        instances.add(
            AnalyzerRuntime.start(
                config(suffix, Files.createTempDirectory("faultline-it-" + i)),
                new HashMap<>(client),
                new PrometheusMeterRegistry(PrometheusConfig.DEFAULT),
                AnalyzerTopology.Hooks.none()));
      }
      for (AnalyzerRuntime instance : instances) {
        assertThat(instance.awaitRunning(Duration.ofSeconds(60))).isTrue();
      }
      List<String> traceIds = produce(kafka, "otlp_spans-" + suffix, 40);

      JsonNode first = awaitGraph(instances.get(0), SmallSystem.serviceEdges().size());
      JsonNode second = awaitGraph(instances.get(1), SmallSystem.serviceEdges().size());
      assertThat(edges(first)).containsExactlyInAnyOrderElementsOf(SmallSystem.serviceEdges());
      assertThat(edges(second)).isEqualTo(edges(first));
      SchemaAssert.assertValid("graph.schema.json", first.toString());

      for (String traceId : traceIds.subList(0, 10)) {
        JsonNode a = awaitTrace(instances.get(0), traceId);
        JsonNode b = awaitTrace(instances.get(1), traceId);
        assertThat(a.get("spanCount").asInt()).isEqualTo(10);
        assertThat(b).isEqualTo(a);
        SchemaAssert.assertValid("trace.schema.json", a.toString());
      }
      assertThat(get(instances.get(0), "/api/v1/traces/" + "0".repeat(31) + "1").statusCode())
          .isEqualTo(404);
      assertThat(get(instances.get(1), "/api/v1/traces/xyz").statusCode()).isEqualTo(400);
      assertThat(get(instances.get(0), "/health").statusCode()).isEqualTo(200);
    } finally {
      instances.forEach(AnalyzerRuntime::close);
    }
  }

  private static AnalyzerConfig config(String suffix, Path stateDir) {
    Map<String, Object> values = new HashMap<>();
    values.put(AnalyzerConfig.APPLICATION_ID, "faultline-it-" + suffix);
    values.put(AnalyzerConfig.STATE_DIR, stateDir.toString());
    values.put(AnalyzerConfig.PROCESSING_GUARANTEE, "at_least_once");
    values.put(AnalyzerConfig.API_HOST, "127.0.0.1");
    values.put(AnalyzerConfig.API_PORT, 0);
    values.put(AnalyzerConfig.API_ADVERTISED_HOST, "127.0.0.1");
    values.put(AnalyzerConfig.API_AUTH_TOKEN, TOKEN);
    values.put(AnalyzerConfig.WINDOW_SIZE_MS, 1_000L);
    values.put(AnalyzerConfig.WINDOW_GRACE_MS, 0L);
    values.put(AnalyzerConfig.PAIRING_TIMEOUT_MS, 2_000L);
    values.put(AnalyzerConfig.GRAPH_TOPIC, "faultline.graph-" + suffix);
    values.put(IngestConfig.INPUT_TOPIC, "otlp_spans-" + suffix);
    values.put(IngestConfig.SPANS_TOPIC, "faultline.spans-" + suffix);
    values.put(IngestConfig.DLQ_TOPIC, "faultline.dlq-" + suffix);
    values.put(IngestConfig.TOPIC_PARTITIONS, 4);
    return new AnalyzerConfig(values);
  }

  /** Sends {@code traces} requests spread over a few seconds of event time; returns their ids. */
  private static List<String> produce(KafkaCluster kafka, String topic, int traces)
      throws Exception {
    long base = System.currentTimeMillis() - 5_000;
    double offsetMs = (base * 1_000_000L - SpanFixtures.T0) / 1_000_000.0;
    List<String> ids = new ArrayList<>();
    try (KafkaProducer<byte[], byte[]> producer =
        new KafkaProducer<>(
            Map.of("bootstrap.servers", kafka.bootstrapServers(), "acks", "all"),
            new ByteArraySerializer(),
            new ByteArraySerializer())) {
      for (int i = 0; i < traces; i++) {
        List<Span> spans = SmallSystem.request(1_000 + i, offsetMs + i * 150);
        ids.add(Ids.toHex(spans.get(0).getTraceId()));
        producer.send(new ProducerRecord<>(topic, Otlp.request(spans).toByteArray())).get();
      }
      // Later traffic moves event time on, so the windows above close.
      for (int i = 0; i < 10; i++) {
        List<Span> spans =
            SmallSystem.request(5_000 + i, offsetMs + traces * 150 + 3_000 + i * 500);
        producer.send(new ProducerRecord<>(topic, Otlp.request(spans).toByteArray())).get();
      }
    }
    return ids;
  }

  private JsonNode awaitGraph(AnalyzerRuntime instance, int edges) throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    JsonNode graph = null;
    while (System.nanoTime() < deadline) {
      HttpResponse<String> response = get(instance, "/api/v1/graph?window=10m");
      if (response.statusCode() == 200) {
        graph = JSON.readTree(response.body());
        if (graph.get("edges").size() >= edges) {
          return graph;
        }
      }
      Thread.sleep(200);
    }
    throw new AssertionError("graph never had " + edges + " edges: " + graph);
  }

  private JsonNode awaitTrace(AnalyzerRuntime instance, String traceId) throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    HttpResponse<String> response = null;
    while (System.nanoTime() < deadline) {
      response = get(instance, "/api/v1/traces/" + traceId);
      if (response.statusCode() == 200) {
        JsonNode trace = JSON.readTree(response.body());
        if (trace.get("spanCount").asInt() == 10 && trace.get("complete").asBoolean()) {
          return trace;
        }
      }
      Thread.sleep(200);
    }
    throw new AssertionError("trace " + traceId + " not served: " + response.body());
  }

  private static TreeSet<String> edges(JsonNode graph) {
    TreeSet<String> out = new TreeSet<>();
    graph
        .get("edges")
        .forEach(
            e ->
                out.add(
                    e.get("source").asText()
                        + " -"
                        + e.get("kind").asText()
                        + "-> "
                        + e.get("target").asText()));
    return out;
  }

  private HttpResponse<String> get(AnalyzerRuntime instance, String path) throws Exception {
    return http.send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + instance.apiPort() + path))
            .header("Authorization", "Bearer " + TOKEN)
            .GET()
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }
}
