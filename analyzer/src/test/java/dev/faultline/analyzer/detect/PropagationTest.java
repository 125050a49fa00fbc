package dev.faultline.analyzer.detect;

import static dev.faultline.analyzer.testing.WindowModel.op;
import static org.assertj.core.api.Assertions.assertThat;

import dev.faultline.analyzer.graph.GraphSnapshot;
import dev.faultline.analyzer.testing.WindowModel;
import dev.faultline.analyzer.trace.NodeKey;
import org.junit.jupiter.api.Test;

class PropagationTest {
  private final DetectionSettings settings = DetectionSettings.defaults();

  private Findings slowerB(WindowModel model, WindowModel.Op b) {
    GraphSnapshot baseline = GraphSnapshot.merge(model.windows(60));
    b.selfMs(50);
    return Findings.of(baseline, GraphSnapshot.merge(model.windows(5)), settings);
  }

  @Test
  void pathRunsFromTheRootThroughDegradedCallersToTheEntryPoint() {
    Chain chain = new Chain();
    chain.b.selfMs(50);

    Propagation.Result result = Propagation.trace(chain.now(), NodeKey.service("b"), "Get");

    assertThat(result.path())
        .extracting(p -> p.node().name() + "/" + p.operation() + ":" + p.role())
        .containsExactly("b/Get:root", "a/Get:propagating", "frontend/GET /checkout:entry");
    // Each hop carries its before/now latency; b's p90 went up about five times.
    assertThat(result.path().get(0).evidence())
        .anySatisfy(
            e -> {
              assertThat(e.signal()).isEqualTo("latencyP90");
              assertThat(e.now() / e.before()).isGreaterThan(2.5);
            });
    assertThat(result.entryPoints()).containsExactly("frontend/GET /checkout");
    assertThat(result.atRisk()).isEmpty();
  }

  @Test
  void aCallerThatDidNotDegradeIsAtRisk() {
    // batch Run spends 500 ms of its own and calls b: 40 ms more in b is not a rise for it.
    WindowModel.Op frontend = op("frontend", "GET /", 5);
    WindowModel.Op a = op("a", "Get", 4);
    WindowModel.Op b = op("b", "Get", 10);
    WindowModel.Op batch = op("batch", "Run", 500);
    frontend.calls(a, 1);
    a.calls(b, 1);
    batch.calls(b, 1);
    WindowModel model = WindowModel.of(frontend, 50).alsoEntering(batch, 20);

    Propagation.Result result = Propagation.trace(slowerB(model, b), NodeKey.service("b"), "Get");

    assertThat(result.path())
        .extracting(p -> p.node().name() + ":" + p.role())
        .containsExactly("b:root", "a:propagating", "frontend:entry");
    assertThat(result.atRisk()).containsExactly(NodeKey.service("batch"));
    assertThat(result.entryPoints()).containsExactly("frontend/GET /");
  }

  @Test
  void theMainPathEndsAtTheMostDegradedEntryPointAndAllAreListed() {
    // Two entry operations reach b through a; web has more traffic, so more degradation.
    WindowModel.Op web = op("web", "GET /", 5);
    WindowModel.Op mobile = op("mobile", "GET /m", 5);
    WindowModel.Op a = op("a", "Get", 4);
    WindowModel.Op b = op("b", "Get", 10);
    web.calls(a, 1);
    mobile.calls(a, 1);
    a.calls(b, 1);
    WindowModel model = WindowModel.of(web, 50).alsoEntering(mobile, 20);

    Propagation.Result result = Propagation.trace(slowerB(model, b), NodeKey.service("b"), "Get");

    assertThat(result.path())
        .extracting(p -> p.node().name() + ":" + p.role())
        .containsExactly("b:root", "a:propagating", "web:entry");
    assertThat(result.entryPoints()).containsExactlyInAnyOrder("web/GET /", "mobile/GET /m");
    assertThat(result.atRisk()).isEmpty();
  }
}
