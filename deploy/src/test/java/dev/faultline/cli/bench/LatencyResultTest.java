package dev.faultline.cli.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class LatencyResultTest {
  @Test
  void percentilesAreNearestRankOverTheDetectedFaults() {
    List<LatencyResult.Fault> faults =
        List.of(fault(4.0), fault(Double.NaN), fault(2.0), fault(9.0), fault(3.0), fault(6.0));

    LatencyResult result = LatencyResult.of(faults, 1_000, 990);

    assertThat(result.detected()).isEqualTo(5);
    assertThat(result.p50Seconds()).isEqualTo(4.0);
    assertThat(result.p95Seconds()).isEqualTo(9.0);
    assertThat(result.maxSeconds()).isEqualTo(9.0);
  }

  private static LatencyResult.Fault fault(double seconds) {
    return new LatencyResult.Fault("s", "t", seconds, seconds, null, null, 0);
  }
}
