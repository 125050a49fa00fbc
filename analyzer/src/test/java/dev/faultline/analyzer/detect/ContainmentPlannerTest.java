package dev.faultline.analyzer.detect;

import static dev.faultline.analyzer.testing.WindowModel.op;
import static org.assertj.core.api.Assertions.assertThat;

import dev.faultline.analyzer.graph.GraphSnapshot;
import dev.faultline.analyzer.testing.WindowModel;
import dev.faultline.analyzer.trace.NodeKey;
import dev.faultline.schemas.incident.Containment;
import dev.faultline.schemas.incident.IncidentType;
import dev.faultline.schemas.incident.Severity;
import java.util.List;
import org.junit.jupiter.api.Test;

class ContainmentPlannerTest {
  private static List<Containment> plan(Findings findings, DetectionSettings settings) {
    Diagnosis diagnosis = new CascadeDetector(settings).diagnose(findings).orElseThrow();
    return ContainmentPlanner.plan(findings, diagnosis);
  }

  @Test
  void theCutIsTheNarrowestPointBetweenRootAndUsers() {
    // b is called by a1 and a2, both behind one gateway g: one edge (frontend -> g) separates
    // b from the users, against two at b itself.
    WindowModel.Op frontend = op("frontend", "GET /", 5);
    WindowModel.Op g = op("g", "Route", 2);
    WindowModel.Op a1 = op("a1", "Get", 4);
    WindowModel.Op a2 = op("a2", "Get", 4);
    WindowModel.Op b = op("b", "Get", 10);
    frontend.calls(g, 1);
    g.calls(a1, 1).calls(a2, 1);
    a1.calls(b, 1);
    a2.calls(b, 1);
    WindowModel model = WindowModel.of(frontend, 50);
    DetectionSettings settings = DetectionSettings.defaults();
    GraphSnapshot baseline = GraphSnapshot.merge(model.windows(60));
    b.selfMs(50);

    List<Containment> plan =
        plan(Findings.of(baseline, GraphSnapshot.merge(model.windows(5)), settings), settings);

    assertThat(plan)
        .extracting(c -> c.from() + " -> " + c.to() + " " + c.mechanism())
        .containsExactly("service:frontend -> service:g circuit-breaker");
  }

  @Test
  void aChainIsCutRightAtTheRoot() {
    Chain chain = new Chain();
    chain.b.selfMs(50);

    assertThat(plan(chain.now(), chain.settings))
        .extracting(c -> c.from() + " -> " + c.to() + " " + c.mechanism())
        .containsExactly("service:a -> service:b circuit-breaker");
  }

  @Test
  void aSlowDatabaseGetsABulkhead() {
    Chain chain = new Chain();
    chain.b.to("db").latencyMs(30);

    assertThat(plan(chain.now(), chain.settings))
        .extracting(c -> c.from() + " -> " + c.to() + " " + c.mechanism())
        .containsExactly("service:b -> database:db bulkhead");
  }

  @Test
  void aCutEdgeWithRetriesGetsARetryBudget() {
    Chain chain = new Chain();
    chain.a.to("b").retryShare(0.3);
    chain.b.selfMs(50);

    assertThat(plan(chain.now(), chain.settings))
        .extracting(c -> c.from() + " -> " + c.to() + " " + c.mechanism())
        .containsExactly("service:a -> service:b retry-budget");
  }

  @Test
  void nothingToCutWithoutADegradedEntryPoint() {
    Chain chain = new Chain();
    Findings findings = chain.now();
    Diagnosis diagnosis =
        new Diagnosis(
            IncidentType.CASCADING_LATENCY,
            NodeKey.service("b"),
            "Get",
            10,
            List.of(),
            List.of(),
            List.of(),
            List.of(),
            List.of(),
            null,
            Severity.MINOR,
            List.of(),
            null,
            List.of());

    assertThat(ContainmentPlanner.plan(findings, diagnosis)).isEmpty();
  }
}
