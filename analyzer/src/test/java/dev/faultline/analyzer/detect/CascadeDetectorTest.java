package dev.faultline.analyzer.detect;

import static dev.faultline.analyzer.testing.WindowModel.op;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.offset;

import dev.faultline.analyzer.graph.GraphSnapshot;
import dev.faultline.analyzer.testing.WindowModel;
import dev.faultline.analyzer.trace.NodeKey;
import dev.faultline.schemas.incident.Evidence;
import dev.faultline.schemas.incident.IncidentType;
import dev.faultline.schemas.incident.Severity;
import dev.faultline.schemas.proto.NodeType;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class CascadeDetectorTest {
  private static final NodeKey A = NodeKey.service("a");
  private static final NodeKey B = NodeKey.service("b");

  private static Diagnosis diagnose(Chain chain) {
    Optional<Diagnosis> diagnosis = new CascadeDetector(chain.settings).diagnose(chain.now());
    assertThat(diagnosis).isPresent();
    return diagnosis.get();
  }

  private static List<String> evidenceNames(List<Evidence> evidence) {
    return evidence.stream().map(Evidence::signal).toList();
  }

  @Test
  void steadyTrafficHasNoFinding() {
    Chain chain = new Chain();
    Findings findings = chain.now();

    assertThat(new CascadeDetector(chain.settings).contributions(findings).ranked()).isEmpty();
    assertThat(new CascadeDetector(chain.settings).diagnose(findings)).isEmpty();
  }

  private static Findings now(Chain chain, GraphSnapshot baseline) {
    return Findings.of(
        baseline,
        GraphSnapshot.merge(chain.model.windows(chain.settings.currentWindows())),
        chain.settings);
  }

  @Test
  void unrelatedTrafficHundredTimesLargerDoesNotDiluteTheFailureAway() {
    Chain chain = new Chain();
    // Another system behind its own entry point, 100 times the chain's requests, unchanged.
    WindowModel.Op batch = WindowModel.op("batch", "Run", 5);
    batch.queries("batch-db", "INSERT", 2);
    chain.model.alsoEntering(batch, 5_000);
    GraphSnapshot baseline = GraphSnapshot.merge(chain.model.windows(Chain.BASELINE_WINDOWS));
    CascadeDetector detector = new CascadeDetector(chain.settings);
    assertThat(detector.diagnose(now(chain, baseline))).isEmpty();
    chain.b.selfMs(50);

    Diagnosis diagnosis = detector.diagnose(now(chain, baseline)).orElseThrow();

    // 40 ms more per chain request: 0.4 ms per request entering the system, under the minimum
    // impact (1 ms), but 40 ms per request of the entry point the failure reaches.
    assertThat(diagnosis.impactMs()).isLessThan(chain.settings.minImpactMs());
    assertThat(diagnosis.root()).isEqualTo(B);
    assertThat(diagnosis.entryPoints()).containsExactly("frontend/GET /checkout");
  }

  @Test
  void twiceTheLoadAtTheSameLatenciesHasNoFinding() {
    Chain chain = new Chain();
    chain.model.requestsPerWindow(100);

    Findings findings = chain.now();

    assertThat(findings.entryVisits()).isEqualTo(500);
    assertThat(new CascadeDetector(chain.settings).contributions(findings).ranked()).isEmpty();
    assertThat(new CascadeDetector(chain.settings).diagnose(findings)).isEmpty();
  }

  @Test
  void selfTimeRiseAtBIsTheRootCauseAndItsCallersOnlyInheritIt() {
    Chain chain = new Chain();
    chain.b.selfMs(50);

    Diagnosis diagnosis = diagnose(chain);

    assertThat(diagnosis.type()).isEqualTo(IncidentType.CASCADING_LATENCY);
    assertThat(diagnosis.root()).isEqualTo(B);
    assertThat(diagnosis.rootOperation()).isEqualTo("Get");
    // 40 ms more per visit of b, one visit per entry request.
    assertThat(diagnosis.impactMs()).isBetween(35.0, 45.0);
    assertThat(evidenceNames(diagnosis.evidence())).containsExactly("selfTimeP90 Get");
    // The callers got slower, but not by their own work: no candidates besides b.
    assertThat(diagnosis.candidates()).extracting(Diagnosis.Scored::node).containsExactly(B);
    assertThat(diagnosis.path())
        .extracting(p -> p.node().name() + "/" + p.operation() + ":" + p.role())
        .containsExactly("b/Get:root", "a/Get:propagating", "frontend/GET /checkout:entry");
    assertThat(diagnosis.entryPoints()).containsExactly("frontend/GET /checkout");
    assertThat(diagnosis.atRisk()).isEmpty();
    assertThat(diagnosis.explainedShare()).isGreaterThan(0.9);
  }

  @Test
  void networkGapRiseOnTheOnlyLinkIntoBIsAttributedToB() {
    Chain chain = new Chain();
    chain.a.to("b").gapMs(30);

    Diagnosis diagnosis = diagnose(chain);

    // The callee whose incoming links rose takes the network share; a has one outgoing link of
    // one risen, and a caller is blamed only when more than one of its links rose.
    assertThat(diagnosis.type()).isEqualTo(IncidentType.CASCADING_LATENCY);
    assertThat(diagnosis.root()).isEqualTo(B);
    assertThat(diagnosis.rootOperation()).isNull();
    assertThat(diagnosis.impactMs()).isBetween(25.0, 35.0);
    assertThat(evidenceNames(diagnosis.evidence())).containsExactly("networkGapP90 a->b");
    assertThat(diagnosis.candidates()).extracting(Diagnosis.Scored::node).containsExactly(B);
    assertThat(diagnosis.path())
        .extracting(p -> p.node().name() + ":" + p.role())
        .containsExactly("b:root", "a:propagating", "frontend:entry");
  }

  @Test
  void networkGapRiseOnEveryOutgoingLinkOfACallerBlamesTheCaller() {
    WindowModel.Op frontend = op("frontend", "GET /", 5);
    WindowModel.Op a = op("a", "Get", 4);
    WindowModel.Op b = op("b", "Get", 10);
    WindowModel.Op c = op("c", "Get", 10);
    frontend.calls(a, 1);
    a.calls(b, 1).calls(c, 1);
    WindowModel model = WindowModel.of(frontend, 50);
    DetectionSettings settings = DetectionSettings.defaults();
    GraphSnapshot baseline = GraphSnapshot.merge(model.windows(60));
    a.to("b").gapMs(20);
    a.to("c").gapMs(20);

    Findings findings = Findings.of(baseline, GraphSnapshot.merge(model.windows(5)), settings);
    Diagnosis diagnosis = new CascadeDetector(settings).diagnose(findings).orElseThrow();

    // a's two links slowed, each callee has one slow link: a (the sum of both) ranks first.
    assertThat(diagnosis.root()).isEqualTo(A);
    assertThat(diagnosis.candidates())
        .extracting(Diagnosis.Scored::node)
        .containsExactlyInAnyOrder(A, B, NodeKey.service("c"));
    assertThat(diagnosis.candidates().get(0).impactMs())
        .isCloseTo(
            diagnosis.candidates().get(1).impactMs() + diagnosis.candidates().get(2).impactMs(),
            offset(0.01));
    assertThat(evidenceNames(diagnosis.evidence()))
        .containsExactlyInAnyOrder("networkGapP90 a->b", "networkGapP90 a->c");
  }

  @Test
  void everyRisenLinkIntoANodeIsInItsEvidence() {
    WindowModel.Op frontend = op("frontend", "GET /", 5);
    WindowModel.Op a = op("a", "Get", 4);
    WindowModel.Op c = op("c", "Get", 4);
    WindowModel.Op b = op("b", "Get", 10);
    frontend.calls(a, 1).calls(c, 1);
    a.calls(b, 1);
    c.calls(b, 1);
    WindowModel model = WindowModel.of(frontend, 50);
    DetectionSettings settings = DetectionSettings.defaults();
    GraphSnapshot baseline = GraphSnapshot.merge(model.windows(60));
    a.to("b").gapMs(20);
    c.to("b").gapMs(20);

    Findings findings = Findings.of(baseline, GraphSnapshot.merge(model.windows(5)), settings);
    Diagnosis diagnosis = new CascadeDetector(settings).diagnose(findings).orElseThrow();

    assertThat(diagnosis.root()).isEqualTo(B);
    assertThat(evidenceNames(diagnosis.evidence()))
        .containsExactlyInAnyOrder("networkGapP90 a->b", "networkGapP90 c->b");
  }

  @Test
  void slowerDatabaseIsTheRootCauseNotTheServiceThatQueriesIt() {
    Chain chain = new Chain();
    chain.b.to("db").latencyMs(30);

    Diagnosis diagnosis = diagnose(chain);

    assertThat(diagnosis.root()).isEqualTo(new NodeKey(NodeType.NODE_TYPE_DATABASE, "db"));
    assertThat(diagnosis.rootOperation()).isNull();
    assertThat(evidenceNames(diagnosis.evidence())).containsExactly("latencyP90 b->db");
    assertThat(diagnosis.candidates())
        .extracting(Diagnosis.Scored::node)
        .containsExactly(new NodeKey(NodeType.NODE_TYPE_DATABASE, "db"));
    assertThat(diagnosis.path())
        .extracting(p -> p.node().name() + ":" + p.role())
        .containsExactly("db:root", "b:propagating", "a:propagating", "frontend:entry");
  }

  @Test
  void errorsOriginatedAtBAreItsOwnAndOnlyInheritedByItsCallers() {
    Chain chain = new Chain();
    chain.b.errorRate(0.3);

    Diagnosis diagnosis = diagnose(chain);

    assertThat(diagnosis.type()).isEqualTo(IncidentType.ERROR_CASCADE);
    assertThat(diagnosis.root()).isEqualTo(B);
    assertThat(diagnosis.rootOperation()).isEqualTo("Get");
    assertThat(diagnosis.candidates()).extracting(Diagnosis.Scored::node).containsExactly(B);
    assertThat(diagnosis.evidence())
        .singleElement()
        .satisfies(
            e -> {
              assertThat(e.signal()).isEqualTo("errorRate Get");
              assertThat(e.before()).isZero();
              assertThat(e.now()).isBetween(0.2, 0.45); // 0.3, give or take sampling noise
              // Every entry request visits b once: its new error share, at 1 s per error.
              assertThat(diagnosis.impactMs()).isCloseTo(e.now() * 1_000, offset(1.0));
            });
    assertThat(diagnosis.path())
        .extracting(p -> p.node().name() + ":" + p.role())
        .containsExactly("b:root", "a:propagating", "frontend:entry");
    assertThat(diagnosis.severity()).isEqualTo(Severity.CRITICAL);
  }

  @Test
  void databaseErrorsAreTheDatabasesOwn() {
    Chain chain = new Chain();
    chain.b.to("db").errorRate(0.3);

    Diagnosis diagnosis = diagnose(chain);

    assertThat(diagnosis.type()).isEqualTo(IncidentType.ERROR_CASCADE);
    assertThat(diagnosis.root()).isEqualTo(new NodeKey(NodeType.NODE_TYPE_DATABASE, "db"));
    assertThat(diagnosis.candidates()).hasSize(1);
  }
}
