package dev.faultline.analyzer.eval;

import static org.assertj.core.api.Assertions.assertThat;

import dev.faultline.analyzer.detect.Detectors;
import dev.faultline.analyzer.replay.Replay;
import dev.faultline.analyzer.testing.SchemaAssert;
import dev.faultline.ingest.simulate.Scenario;
import dev.faultline.ingest.simulate.ScenarioReader;
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
    assertThat(outcome.rootCause()).isEqualTo("inventory");
    assertThat(outcome.pathRecall()).isEqualTo(1.0);
    assertThat(outcome.latencySeconds()).isBetween(0.0, 30.0);
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
