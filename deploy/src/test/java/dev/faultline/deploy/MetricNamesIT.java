package dev.faultline.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.faultline.analyzer.config.AnalyzerConfig;
import dev.faultline.analyzer.runtime.AnalyzerRuntime;
import dev.faultline.analyzer.topology.AnalyzerTopology;
import dev.faultline.broker.KafkaCluster;
import dev.faultline.broker.KafkaExtension;
import dev.faultline.forward.Forwarder;
import dev.faultline.forward.ForwarderSettings;
import dev.faultline.forward.TargetKind;
import dev.faultline.ingest.receiver.OtlpReceiver;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Every metric the Prometheus rules, the Grafana dashboard and docs/operations.md name is one that
 * a running Faultline serves at /metrics: an analyzer instance with its receiver on the real broker
 * (after one OTLP request, since the receiver's counters appear with the first one), and a
 * forwarder's registry.
 */
@ExtendWith(KafkaExtension.class)
class MetricNamesIT {
  private final HttpClient http = HttpClient.newHttpClient();

  @Test
  void everyMetricTheDeployFilesNameIsServed(KafkaCluster kafka) throws Exception {
    String suffix = UUID.randomUUID().toString().substring(0, 8);
    Map<String, Object> config = new HashMap<>();
    config.put(AnalyzerConfig.APPLICATION_ID, "metrics-it-" + suffix);
    config.put("faultline.input.topic", "otlp_spans-" + suffix);
    config.put("faultline.spans.topic", "faultline.spans-" + suffix);
    config.put("faultline.dlq.topic", "faultline.dlq-" + suffix);
    config.put("faultline.graph.topic", "faultline.graph-" + suffix);
    config.put("faultline.alerts.topic", "faultline.alerts-" + suffix);
    config.put("faultline.topics.partitions", 1);
    config.put("faultline.processing.guarantee", "at_least_once");
    config.put(AnalyzerConfig.API_PORT, 0);
    config.put("faultline.receiver.http.port", 0);
    config.put("faultline.receiver.grpc.port", 0);
    config.put("faultline.api.advertised.host", "localhost");
    config.put("faultline.state.dir", Files.createTempDirectory("faultline-metrics-it").toString());
    AnalyzerConfig analyzerConfig = new AnalyzerConfig(config);
    Map<String, Object> client =
        new HashMap<>(Map.of("bootstrap.servers", kafka.bootstrapServers()));
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);

    Set<String> served = new TreeSet<>();
    try (AnalyzerRuntime analyzer =
            AnalyzerRuntime.start(analyzerConfig, client, registry, AnalyzerTopology.Hooks.none());
        OtlpReceiver receiver =
            OtlpReceiver.start(analyzerConfig.ingest().receiver(), client, registry)) {
      assertThat(analyzer.awaitRunning(Duration.ofSeconds(60))).isTrue();
      HttpResponse<String> export =
          http.send(
              HttpRequest.newBuilder(
                      URI.create("http://localhost:" + receiver.httpPort() + "/v1/traces"))
                  .header("Content-Type", "application/json")
                  .POST(HttpRequest.BodyPublishers.ofString(DeployFiles.oneSpanRequest()))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      assertThat(export.statusCode()).as(export.body()).isEqualTo(200);
      HttpResponse<String> metrics =
          http.send(
              HttpRequest.newBuilder(
                      URI.create("http://localhost:" + analyzer.apiPort() + "/metrics"))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      assertThat(metrics.statusCode()).isEqualTo(200);
      served.addAll(DeployFiles.sampleNames(metrics.body()));
      assertLagSeriesMatchTheRulesSelector(metrics.body());
    }
    PrometheusMeterRegistry forwarderRegistry =
        new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    new Forwarder(
        new ForwarderSettings(
            TargetKind.ALERTMANAGER,
            URI.create("http://localhost:9093/api/v2/alerts"),
            Map.of(),
            "faultline.alerts",
            "g",
            Duration.ofSeconds(1),
            Duration.ofSeconds(1),
            Duration.ofSeconds(1),
            Duration.ofSeconds(60),
            null),
        client,
        forwarderRegistry,
        Clock.systemUTC());
    served.addAll(DeployFiles.sampleNames(forwarderRegistry.scrape()));
    Files.write(DeployFiles.MODULE.resolve("target/served-metric-names.txt"), served);

    Map<String, Set<String>> named = DeployFiles.metricNamesInDeployFiles();
    assertThat(named.values().stream().flatMap(Set::stream))
        .as("the check is not vacuous")
        .contains("faultline_ingest_dlq_records_total", "faultline_forward_failures_total");
    assertThat(named).as("files that name metrics").isNotEmpty();
    named.forEach(
        (file, names) ->
            assertThat(served)
                .as("metrics named in %s that /metrics does not serve", file)
                .containsAll(names));
  }

  /**
   * The lag rule selects the stream threads' consumers by {@code client_id}: some lag series of a
   * running instance must carry a client id that its regex matches.
   */
  private static void assertLagSeriesMatchTheRulesSelector(String exposition) {
    String rules = DeployFiles.text(DeployFiles.MODULE.resolve("prometheus/faultline-rules.yaml"));
    Matcher selector =
        Pattern.compile(
                "kafka_consumer_fetch_manager_records_lag_max\\{[^}]*client_id=~\"([^\"]+)\"")
            .matcher(rules);
    assertThat(selector.find()).as("the lag rule's client_id selector").isTrue();
    Pattern clientIds = Pattern.compile(selector.group(1));
    Matcher series =
        Pattern.compile(
                "(?m)^kafka_consumer_fetch_manager_records_lag_max\\{[^}]*client_id=\"([^\"]+)\"")
            .matcher(exposition);
    List<String> seen = new ArrayList<>();
    while (series.find()) {
      seen.add(series.group(1));
    }
    assertThat(seen).as("lag series served").isNotEmpty();
    assertThat(seen).anyMatch(id -> clientIds.matcher(id).matches());
  }
}
