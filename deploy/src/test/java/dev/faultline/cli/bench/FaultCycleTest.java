package dev.faultline.cli.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.faultline.ingest.simulate.FaultSpec;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

class FaultCycleTest {
  private static final Path SCENARIOS = Path.of("..", "scenarios");

  @Test
  void faultsOfEachScenarioAreMovedToTheirSlotsWithTheirTruths() throws Exception {
    FaultCycle cycle =
        FaultCycle.of(
            List.of(
                SCENARIOS.resolve("storefront-deep-latency.json"),
                SCENARIOS.resolve("storefront-shared-db.json")),
            3);

    assertThat(cycle.faults())
        .extracting(FaultCycle.Fault::truth)
        .containsExactly("inventory", "store-db", "inventory");
    double period = FaultCycle.FAULT_SECONDS + FaultCycle.QUIET_SECONDS;
    assertThat(cycle.faults())
        .extracting(FaultCycle.Fault::startSeconds)
        .containsExactly(
            FaultCycle.WARM_UP_SECONDS,
            FaultCycle.WARM_UP_SECONDS + period,
            FaultCycle.WARM_UP_SECONDS + 2 * period);
    assertThat(cycle.scenario().faults())
        .extracting(FaultSpec::startSeconds)
        .containsExactly(
            FaultCycle.WARM_UP_SECONDS,
            FaultCycle.WARM_UP_SECONDS + period,
            FaultCycle.WARM_UP_SECONDS + 2 * period);
    assertThat(cycle.scenario().durationSeconds())
        .isEqualTo(FaultCycle.WARM_UP_SECONDS + 3 * period);
  }

  @Test
  void aScenarioWithoutTruthIsRefused() {
    assertThatThrownBy(
            () -> FaultCycle.of(List.of(SCENARIOS.resolve("storefront-load-change.json")), 1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("no truth");
  }
}
