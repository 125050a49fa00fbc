package dev.faultline.deploy;

import static dev.faultline.deploy.ComposeFileTest.names;
import static dev.faultline.deploy.ComposeFileTest.strings;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * The collector configurations use only settings the kafkaexporter documents, write what Faultline
 * reads, and wire their pipelines to components they define.
 */
class CollectorConfigTest {
  private static final List<String> FILES =
      List.of("collector/otel-collector.yaml", "collector/kafkaexporter-example.yaml");

  @Test
  void everyKafkaExporterSettingIsADocumentedOne() throws IOException {
    List<String> documented = documentedKeys();
    for (String file : FILES) {
      for (Map.Entry<String, JsonNode> exporter : kafkaExporters(DeployFiles.yaml(file))) {
        for (String path : leafPaths(exporter.getValue(), "")) {
          assertThat(documented.stream().anyMatch(key -> allows(key, path)))
              .as(
                  "%s: %s.%s is not a documented kafkaexporter setting",
                  file, exporter.getKey(), path)
              .isTrue();
        }
      }
    }
  }

  @Test
  void theExportersWriteWhatFaultlineReads() {
    String inputTopic = Code.defaults().ingest().inputTopic();
    for (String file : FILES) {
      List<Map.Entry<String, JsonNode>> exporters = kafkaExporters(DeployFiles.yaml(file));
      assertThat(exporters).as(file).hasSize(1);
      JsonNode exporter = exporters.get(0).getValue();
      assertThat(exporter.at("/traces/topic").asText()).as(file).isEqualTo(inputTopic);
      assertThat(exporter.at("/traces/encoding").asText()).as(file).isIn("otlp_proto", "otlp_json");
      assertThat(exporter.get("partition_traces_by_id").asBoolean()).as(file).isTrue();
    }
  }

  @Test
  void aCheckOfAnUndocumentedSettingWouldFail() throws IOException {
    List<String> documented = documentedKeys();

    assertThat(documented.stream().anyMatch(key -> allows(key, "topic"))).isFalse();
    assertThat(documented.stream().anyMatch(key -> allows(key, "traces.partition"))).isFalse();
    assertThat(documented.stream().anyMatch(key -> allows(key, "record_headers.x-team"))).isTrue();
  }

  @Test
  void theComposeCollectorsPipelineUsesComponentsItDefines() {
    JsonNode collector = DeployFiles.yaml("collector/otel-collector.yaml");
    JsonNode traces = collector.at("/service/pipelines/traces");

    for (String kind : List.of("receivers", "processors", "exporters")) {
      assertThat(names(collector.get(kind))).as(kind).containsAll(strings(traces.get(kind)));
    }
    assertThat(strings(traces.get("exporters"))).containsExactly("kafka");
  }

  private static boolean allows(String key, String path) {
    if (key.endsWith(".*")) {
      return path.startsWith(key.substring(0, key.length() - 1));
    }
    return key.equals(path);
  }

  private static List<Map.Entry<String, JsonNode>> kafkaExporters(JsonNode config) {
    List<Map.Entry<String, JsonNode>> out = new ArrayList<>();
    config
        .get("exporters")
        .fields()
        .forEachRemaining(
            e -> {
              if (e.getKey().equals("kafka") || e.getKey().startsWith("kafka/")) {
                out.add(e);
              }
            });
    return out;
  }

  /** Dotted paths to every scalar or list value below {@code node}. */
  private static Set<String> leafPaths(JsonNode node, String prefix) {
    Set<String> paths = new TreeSet<>();
    if (!node.isObject()) {
      paths.add(prefix);
      return paths;
    }
    node.fields()
        .forEachRemaining(
            e ->
                paths.addAll(
                    leafPaths(
                        e.getValue(), prefix.isEmpty() ? e.getKey() : prefix + "." + e.getKey())));
    return paths;
  }

  private static List<String> documentedKeys() throws IOException {
    try (InputStream in =
        CollectorConfigTest.class.getResourceAsStream("/kafkaexporter-keys.txt")) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8)
          .lines()
          .map(String::strip)
          .filter(line -> !line.isEmpty() && !line.startsWith("#"))
          .toList();
    }
  }
}
