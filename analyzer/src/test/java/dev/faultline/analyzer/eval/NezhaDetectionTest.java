package dev.faultline.analyzer.eval;

import static org.assertj.core.api.Assertions.assertThat;

import dev.faultline.analyzer.config.AnalyzerConfig;
import dev.faultline.analyzer.detect.Detectors;
import dev.faultline.analyzer.replay.Replay;
import dev.faultline.analyzer.testing.NezhaData;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Two real recordings end to end (the whole data set runs with {@code faultline eval --dataset}): a
 * structural fault with no error status (the frontend returns early) and a network delay.
 */
class NezhaDetectionTest {
  private static final Path LABELS = NezhaData.cases().getParent().resolve("labels.json");

  private static CaseOutcome evaluate(String name) throws IOException {
    LabelledCase labelled =
        LabelledCase.read(LABELS).stream().filter(c -> c.name().equals(name)).findFirst().get();
    AnalyzerConfig config = Replay.defaultConfig(Map.of());
    return new DatasetEvaluation(config, () -> Detectors.engine(config))
        .run(List.of(labelled), line -> {})
        .get(0);
  }

  @Test
  void changedCallPatternWithoutErrorsIsAStructuralIncidentAtItsService() throws IOException {
    CaseOutcome outcome = evaluate("20220823T121021-frontend-return");

    assertThat(outcome.detected()).isTrue();
    assertThat(outcome.type()).isEqualTo("TOPOLOGY_DRIFT");
    assertThat(outcome.rootCause()).isEqualTo("frontend");
    assertThat(outcome.falseAlarms()).isZero();
  }

  @Test
  void networkDelayIsBlamedOnTheDelayedService() throws IOException {
    CaseOutcome outcome = evaluate("20220823T143010-productcatalogservice-network_delay");

    assertThat(outcome.detected()).isTrue();
    assertThat(outcome.rootCause()).isEqualTo("productcatalogservice");
    assertThat(outcome.latencySeconds()).isBetween(0.0, 30.0);
  }
}
