package dev.faultline.analyzer.eval;

import static org.assertj.core.api.Assertions.assertThat;

import dev.faultline.analyzer.detect.Detectors;
import dev.faultline.analyzer.replay.Replay;
import dev.faultline.analyzer.testing.SchemaAssert;
import dev.faultline.ingest.simulate.Scenario;
import dev.faultline.ingest.simulate.ScenarioReader;
import dev.faultline.ingest.simulate.Simulator;
import dev.faultline.schemas.incident.Incident;
import dev.faultline.schemas.incident.IncidentJson;
import dev.faultline.schemas.incident.IncidentType;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The scenario suite in {@code scenarios/}: every file valid, the coverage the suite promises, and
 * two scenarios end to end (simulated, replayed, scored) as a check that the chain holds; the whole
 * suite runs with {@code faultline eval --scenarios scenarios}.
 */
class ScenarioSuiteTest {
  private static final Path SUITE = Path.of("..", "scenarios");

  @Test
  void everyScenarioFileValidatesAgainstTheSchemaAndReads() throws IOException {
    List<Path> files;
    try (Stream<Path> list = Files.list(SUITE)) {
      files = list.filter(p -> p.toString().endsWith(".json")).sorted().toList();
    }
    assertThat(files).hasSizeGreaterThanOrEqualTo(12);
    for (Path file : files) {
      SchemaAssert.assertValid("scenario.schema.json", ScenarioReader.merged(file).toString());
      assertThat(ScenarioReader.read(file).name())
          .isEqualTo(file.getFileName().toString().replace(".json", ""));
    }
  }

  @Test
  void suiteCoversThreeTopologiesOneOfThirtyServicesAndFaultFreeRuns() throws IOException {
    List<Scenario> suite = ScenarioReader.readAll(SUITE);
    Map<String, Integer> servicesByTopology = new HashMap<>();
    suite.forEach(s -> servicesByTopology.merge(s.topology(), s.services().size(), Math::max));

    assertThat(servicesByTopology).hasSizeGreaterThanOrEqualTo(3);
    assertThat(servicesByTopology.values()).anyMatch(n -> n >= 30);
    assertThat(suite.stream().filter(s -> !s.truth().incident())).hasSizeGreaterThanOrEqualTo(3);
    for (Scenario scenario : suite) {
      if (scenario.truth().incident()) {
        assertThat(scenario.truth().path()).as(scenario.name()).isNotEmpty();
        assertThat(scenario.truth().path().get(0))
            .as("%s: the path starts at the root cause", scenario.name())
            .isEqualTo(scenario.truth().service());
      }
    }
  }

  @Test
  void deepLatencyIsDetectedAtItsRootWithItsPath() throws IOException {
    Scenario scenario = ScenarioReader.read(SUITE.resolve("storefront-deep-latency.json"));

    ScenarioOutcome outcome = evaluate(scenario);

    assertThat(outcome.detected()).isTrue();
    assertThat(outcome.type()).isEqualTo("CASCADING_LATENCY");
    assertThat(outcome.typeRight()).isTrue();
    assertThat(outcome.rootCause()).isEqualTo("inventory");
    assertThat(outcome.top1()).isTrue();
    assertThat(outcome.top3()).isTrue();
    assertThat(outcome.pathRecall()).isEqualTo(1.0);
    assertThat(outcome.latencySeconds()).isBetween(0.0, 30.0);
    assertThat(outcome.falseIncidents()).isZero();
  }

  @Test
  void slowConsumerIsQueueGrowthRootedAtTheConsumer() throws IOException {
    Scenario scenario = ScenarioReader.read(SUITE.resolve("storefront-slow-consumer.json"));

    ScenarioOutcome outcome = evaluate(scenario);

    // The consumer's own slowdown may open the incident a few windows before its backlog shows;
    // the incident is then a queue growth within the minute the report allows for refinement.
    assertThat(outcome.typeRight()).isTrue();
    assertThat(outcome.rootCause()).isEqualTo("fulfillment");
    assertThat(outcome.latencySeconds()).isBetween(0.0, 30.0);
    assertThat(outcome.falseIncidents()).isZero();
  }

  @Test
  void retryStormOutlivesItsTriggerAndIsMarkedMetastable() throws IOException {
    Scenario scenario = ScenarioReader.read(SUITE.resolve("banking-metastable-retry-storm.json"));
    var config = Replay.defaultConfig(Map.of());

    List<Incident> incidents =
        new Replay(config, () -> Detectors.engine(config))
            .run(Simulator.collect(scenario, ScenarioEvaluation.START.toEpochMilli()), line -> {})
            .incidents();

    assertThat(incidents).isNotEmpty();
    assertThat(incidents).allMatch(i -> i.id().equals(incidents.get(0).id()));
    assertThat(incidents.get(0).rootCause().service()).isEqualTo("risk");
    long triggerEnd =
        ScenarioEvaluation.START.toEpochMilli() + (long) (scenario.truth().endSeconds() * 1000);
    // After the trigger (risk's CPU) is back, the incident is still a retry storm, and says so.
    List<Incident> after =
        incidents.stream()
            .filter(i -> java.time.Instant.parse(i.eventTime()).toEpochMilli() > triggerEnd)
            .filter(i -> i.type() == IncidentType.RETRY_STORM)
            .toList();
    assertThat(after).isNotEmpty();
    assertThat(IncidentJson.writeString(after.get(after.size() - 1)))
        .contains("\"metastable\":true");
    assertThat(after.get(after.size() - 1).amplification()).isNotEmpty();
  }

  @Test
  void driftedInstanceIsNamedWithItsVersion() throws IOException {
    Scenario scenario = ScenarioReader.read(SUITE.resolve("banking-drifted-instance.json"));

    ScenarioOutcome outcome = evaluate(scenario);

    assertThat(outcome.type()).isEqualTo("TOPOLOGY_DRIFT");
    assertThat(outcome.rootCause()).isEqualTo("accounts");
    assertThat(outcome.latencySeconds()).isBetween(0.0, 30.0);
  }

  @Test
  void slowDatabaseIsTheSharedRootNotTheLoudestCaller() throws IOException {
    Scenario scenario = ScenarioReader.read(SUITE.resolve("storefront-shared-db.json"));

    ScenarioOutcome outcome = evaluate(scenario);

    assertThat(outcome.type()).isEqualTo("SHARED_DEPENDENCY");
    assertThat(outcome.top1()).as("root %s", outcome.rootCause()).isTrue();
    assertThat(outcome.falseIncidents()).isZero();
  }

  @Test
  void deployWithoutChangeRaisesNoIncident() throws IOException {
    Scenario scenario = ScenarioReader.read(SUITE.resolve("storefront-deploy.json"));

    ScenarioOutcome outcome = evaluate(scenario);

    assertThat(outcome.faulted()).isFalse();
    assertThat(outcome.falseIncidents()).isZero();
  }

  private static ScenarioOutcome evaluate(Scenario scenario) {
    var config = Replay.defaultConfig(Map.of());
    return new ScenarioEvaluation(config, () -> Detectors.engine(config))
        .run(List.of(scenario), line -> {})
        .get(0);
  }
}
