package dev.faultline.analyzer.detect.retry;

import static dev.faultline.analyzer.testing.WindowModel.op;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.faultline.analyzer.detect.DetectionSettings;
import dev.faultline.analyzer.detect.Diagnosis;
import dev.faultline.analyzer.detect.Findings;
import dev.faultline.analyzer.graph.GraphSnapshot;
import dev.faultline.analyzer.testing.WindowModel;
import dev.faultline.analyzer.trace.NodeKey;
import dev.faultline.schemas.incident.Amplification;
import dev.faultline.schemas.incident.IncidentType;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class RetryStormDetectorTest {
  private final DetectionSettings settings = DetectionSettings.defaults();
  private final WindowModel.Op frontend = op("frontend", "GET /", 2);
  private final WindowModel.Op a = op("a", "Get", 4);
  private final WindowModel.Op b = op("b", "Get", 10);
  private final WindowModel model;
  private final GraphSnapshot baseline;
  private final RetryStormDetector detector = new RetryStormDetector(settings);

  RetryStormDetectorTest() {
    frontend.calls(a, 1);
    a.calls(b, 1);
    a.instances(2);
    model = WindowModel.of(frontend, 50);
    baseline = GraphSnapshot.merge(model.windows(60));
  }

  private Optional<Diagnosis> now() {
    Findings findings = Findings.of(baseline, GraphSnapshot.merge(model.windows(5)), settings);
    return detector.diagnose(findings);
  }

  /** b slows down; a tries it three times, the frontend tries a twice. */
  private void storm() {
    b.selfMs(60);
    a.to("b").count(3).retryShare(0.66);
    frontend.to("a").count(2).retryShare(0.5);
  }

  @Test
  void steadyTrafficHasNoStorm() {
    assertThat(now()).isEmpty();
  }

  @Test
  void retriesThatDoNotMultiplyTheLoadAreNoStorm() {
    // A fifth of the calls are repeated attempts, but a still calls b once per request.
    a.to("b").retryShare(0.2);

    assertThat(now()).isEmpty();
  }

  @Test
  void retriesMultiplyingAlongThePathNameTheSlowCalleeAndTheFactorPerHop() {
    storm();

    Diagnosis d = now().orElseThrow();

    assertThat(d.type()).isEqualTo(IncidentType.RETRY_STORM);
    assertThat(d.root()).isEqualTo(NodeKey.service("b"));
    assertThat(d.rootOperation()).isEqualTo("Get");
    // Requests at b per request entering the frontend: 2 x 3, against 1 x 1.
    assertThat((Double) d.details().get("pathAmplification")).isCloseTo(6.0, within(0.01));
    assertThat((Double) d.details().get("pathAmplificationBaseline")).isCloseTo(1.0, within(0.01));
    assertThat(d.amplification())
        .extracting(Amplification::from, Amplification::to)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple("service:frontend", "service:a"),
            org.assertj.core.groups.Tuple.tuple("service:a", "service:b"));
    Amplification ab = d.amplification().get(1);
    assertThat(ab.factor()).isCloseTo(3.0, within(0.01));
    assertThat(ab.baseline()).isCloseTo(1.0, within(0.01));
    assertThat(ab.retryShare()).isBetween(0.6, 0.72);
    assertThat(d.details()).containsEntry("metastable", false).containsEntry("trigger", "active");
    assertThat(d.path())
        .extracting(p -> p.node().name() + ":" + p.role())
        .containsExactly("b:root", "a:propagating", "frontend:entry");
    assertThat(d.entryPoints()).containsExactly("frontend/GET /");
  }

  @Test
  void aStormThatOutlivesTheRecoveryOfItsRootIsMetastable() {
    storm();
    assertThat(now())
        .get()
        .satisfies(d -> assertThat(d.details()).containsEntry("metastable", false));
    b.selfMs(10); // b is well again, but the retries go on

    Diagnosis d = now().orElseThrow();

    assertThat(d.root()).isEqualTo(NodeKey.service("b"));
    assertThat(d.details()).containsEntry("metastable", true).containsEntry("trigger", "recovered");
    assertThat((Double) d.details().get("pathAmplification")).isCloseTo(6.0, within(0.01));
  }

  @Test
  void retriesMadeByOneInstanceOfTheCallerNameTheCaller() {
    // a-2 was deployed with a retry setting of its own: it tries b four times, a-1 once.
    a.to("b").count(4).retryShare(0.75).onlyInstance("a-2");

    Diagnosis d = now().orElseThrow();

    assertThat(d.root()).isEqualTo(NodeKey.service("a"));
    assertThat(d.rootOperation()).isEqualTo("Get");
    assertThat(d.details()).containsEntry("cause", "retries of instance a-2");
    // Half the requests go to a-2: (1 + 4) / 2 calls per request.
    assertThat((Double) d.details().get("pathAmplification")).isCloseTo(2.5, within(0.15));
  }
}
