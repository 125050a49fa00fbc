package dev.faultline.analyzer.replay;

import static org.assertj.core.api.Assertions.assertThat;

import dev.faultline.analyzer.config.AnalyzerConfig;
import dev.faultline.analyzer.detect.Detectors;
import dev.faultline.ingest.simulate.Scenario;
import dev.faultline.ingest.simulate.ScenarioReader;
import dev.faultline.ingest.simulate.Simulator;
import dev.faultline.ingest.simulate.SpanSink;
import dev.faultline.schemas.incident.Incident;
import dev.faultline.schemas.incident.IncidentJson;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Replaying the same input gives the same incidents, byte for byte, from files or memory. */
class ReplayDeterminismTest {
  private static final String CHAIN =
      ("{'name': 'chain', 'seed': 4, 'durationSeconds': 150,"
              + " 'services': ["
              + "  {'name': 'edge', 'workers': 200, 'operations': [{'name': 'GET /a', 'work': {'meanMs': 1},"
              + "    'steps': [{'call': 'middle', 'operation': 'Get'}]}]},"
              + "  {'name': 'middle', 'protocol': 'grpc', 'workers': 100, 'operations': [{'name': 'Get', 'work': {'meanMs': 2},"
              + "    'steps': [{'call': 'bottom', 'operation': 'Read'}]}]},"
              + "  {'name': 'bottom', 'protocol': 'grpc', 'workers': 100, 'operations': [{'name': 'Read', 'work': {'meanMs': 3}}]}],"
              + " 'load': [{'service': 'edge', 'operation': 'GET /a', 'rate': 60}],"
              + " 'faults': [{'type': 'latency', 'service': 'bottom', 'startSeconds': 90, 'addMs': 60}]}")
          .replace('\'', '"');

  @Test
  void sameInputGivesTheSameIncidentsFromMemoryAndFromFiles(@TempDir Path dir) throws IOException {
    Scenario scenario =
        ScenarioReader.read(
            new ByteArrayInputStream(CHAIN.getBytes(StandardCharsets.UTF_8)), "chain");
    List<ExportTraceServiceRequest> requests = Simulator.collect(scenario, 1_767_225_600_000L);
    Path file = dir.resolve("chain.jsonl.gz");
    try (SpanSink sink = SpanSink.jsonLines(file)) {
      requests.forEach(sink);
    }

    List<String> fromMemory = json(replay().run(requests, line -> {}).incidents());
    List<String> again = json(replay().run(requests, line -> {}).incidents());
    List<String> fromFile = json(replay().run(List.of(file), line -> {}).incidents());

    assertThat(fromMemory).isNotEmpty();
    assertThat(fromMemory.get(0)).contains("\"service\":\"bottom\"");
    assertThat(again).isEqualTo(fromMemory);
    assertThat(fromFile).isEqualTo(fromMemory);
  }

  @Test
  void incidentsRoundTripAsCloudEventsInStructuredMode() throws IOException {
    Scenario scenario =
        ScenarioReader.read(
            new ByteArrayInputStream(CHAIN.getBytes(StandardCharsets.UTF_8)), "chain");
    AnalyzerConfig config =
        Replay.defaultConfig(Map.of(AnalyzerConfig.ALERTS_FORMAT, "cloudevents"));
    List<Incident> incidents =
        new Replay(config, () -> Detectors.engine(config))
            .run(Simulator.collect(scenario, 1_767_225_600_000L), line -> {})
            .incidents();
    assertThat(incidents).isNotEmpty();
    Incident opened = incidents.get(0);

    var serializer =
        dev.faultline.analyzer.topology.AnalyzerTopology.alertsTopic(config)
            .valueSerde()
            .serializer();
    var headers = new org.apache.kafka.common.header.internals.RecordHeaders();
    byte[] value = serializer.serialize("faultline.alerts", headers, opened);
    var envelope = new com.fasterxml.jackson.databind.ObjectMapper().readTree(value);

    assertThat(new String(headers.lastHeader("content-type").value(), StandardCharsets.UTF_8))
        .startsWith("application/cloudevents+json");
    assertThat(envelope.get("specversion").asText()).isEqualTo("1.0");
    assertThat(envelope.get("type").asText()).isEqualTo("dev.faultline.incident.open");
    assertThat(envelope.get("subject").asText()).isEqualTo(opened.id());
    assertThat(envelope.get("id").asText()).isEqualTo(opened.id() + "/1");
    assertThat(envelope.get("source").asText()).isEqualTo("faultline/faultline");
    assertThat(IncidentJson.read(value)).isEqualTo(opened);
  }

  private static Replay replay() {
    AnalyzerConfig config = Replay.defaultConfig(Map.of());
    return new Replay(config, () -> Detectors.engine(config));
  }

  private static List<String> json(List<Incident> incidents) {
    List<String> out = new ArrayList<>();
    for (Incident incident : incidents) {
      out.add(IncidentJson.writeString(incident));
    }
    return out;
  }
}
