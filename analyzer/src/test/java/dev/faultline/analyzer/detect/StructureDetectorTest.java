package dev.faultline.analyzer.detect;

import static dev.faultline.analyzer.testing.WindowModel.op;
import static org.assertj.core.api.Assertions.assertThat;

import dev.faultline.analyzer.graph.GraphSnapshot;
import dev.faultline.analyzer.testing.WindowModel;
import dev.faultline.analyzer.trace.NodeKey;
import dev.faultline.schemas.incident.Evidence;
import dev.faultline.schemas.incident.IncidentType;
import dev.faultline.schemas.incident.Severity;
import java.util.List;
import org.junit.jupiter.api.Test;

class StructureDetectorTest {

  @Test
  void steadyTrafficHasNoStructuralChange() {
    Chain chain = new Chain();

    assertThat(new StructureDetector(chain.settings).diagnose(chain.now())).isEmpty();
  }

  @Test
  void twiceTheLoadIsNoStructuralChange() {
    Chain chain = new Chain();
    chain.model.requestsPerWindow(100);

    assertThat(new StructureDetector(chain.settings).diagnose(chain.now())).isEmpty();
  }

  @Test
  void callsThatVanishMakeTheCallingOperationTheCandidate() {
    Chain chain = new Chain();
    chain.a.to("b").count(0); // a returns early: it no longer calls b

    Findings findings = chain.now();
    Diagnosis diagnosis = new StructureDetector(chain.settings).diagnose(findings).orElseThrow();

    // Nothing got slower or failed: the latency detector has nothing to say.
    assertThat(new CascadeDetector(chain.settings).diagnose(findings)).isEmpty();
    assertThat(diagnosis.type()).isEqualTo(IncidentType.TOPOLOGY_DRIFT);
    assertThat(diagnosis.root()).isEqualTo(NodeKey.service("a"));
    assertThat(diagnosis.rootOperation()).isEqualTo("Get");
    assertThat(diagnosis.evidence())
        .containsExactly(new Evidence("callsPerRequest Get->b Get", 1.0, 0.0, "count"));
    assertThat(diagnosis.details()).containsEntry("changedCallers", List.of("a"));
    // frontend got faster, not worse: at risk, and no degraded entry point.
    assertThat(diagnosis.entryPoints()).isEmpty();
    assertThat(diagnosis.atRisk()).containsExactly(NodeKey.service("frontend"));
    assertThat(diagnosis.severity()).isEqualTo(Severity.MINOR);
  }

  @Test
  void aFanOutChangeMakesTheCallingOperationTheCandidate() {
    Chain chain = new Chain();
    chain.a.to("b").count(3); // a now calls b three times per request

    Findings findings = chain.now();
    Diagnosis diagnosis = new StructureDetector(chain.settings).diagnose(findings).orElseThrow();

    assertThat(diagnosis.root()).isEqualTo(NodeKey.service("a"));
    assertThat(diagnosis.rootOperation()).isEqualTo("Get");
    assertThat(diagnosis.evidence())
        .containsExactly(new Evidence("callsPerRequest Get->b Get", 1.0, 3.0, "count"));
    assertThat(diagnosis.impactMs()).isEqualTo(2.0); // two more calls per entry request
    // The extra calls made frontend slower: it is the degraded entry point.
    assertThat(diagnosis.path())
        .extracting(p -> p.node().name() + ":" + p.role())
        .containsExactly("a:root", "frontend:entry");
    assertThat(diagnosis.entryPoints()).containsExactly("frontend/GET /checkout");
    assertThat(diagnosis.severity()).isEqualTo(Severity.MAJOR);
  }

  @Test
  void aCalleeStillCalledByTwoChangedCallersIsTheBetterCandidate() {
    // frontend -> a -> (d, then e); frontend -> c -> (d, then f). d starts answering so that
    // both a and c skip their next call.
    WindowModel.Op frontend = op("frontend", "GET /", 5);
    WindowModel.Op a = op("a", "Get", 4);
    WindowModel.Op c = op("c", "Get", 4);
    WindowModel.Op d = op("d", "Lookup", 5);
    WindowModel.Op e = op("e", "Put", 5);
    WindowModel.Op f = op("f", "Put", 5);
    frontend.calls(a, 1).calls(c, 1);
    a.calls(d, 1).calls(e, 1);
    c.calls(d, 1).calls(f, 1);
    WindowModel model = WindowModel.of(frontend, 50);
    DetectionSettings settings = DetectionSettings.defaults();
    GraphSnapshot baseline = GraphSnapshot.merge(model.windows(60));
    a.to("e").count(0);
    c.to("f").count(0);

    Findings findings = Findings.of(baseline, GraphSnapshot.merge(model.windows(5)), settings);
    Diagnosis diagnosis = new StructureDetector(settings).diagnose(findings).orElseThrow();

    assertThat(diagnosis.root()).isEqualTo(NodeKey.service("d"));
    assertThat(diagnosis.rootOperation()).isNull();
    // 1.5 x the two callers' changes (1 call per request each).
    assertThat(diagnosis.impactMs()).isEqualTo(3.0);
    assertThat(diagnosis.candidates())
        .extracting(Diagnosis.Scored::node)
        .containsExactly(NodeKey.service("d"), NodeKey.service("a"), NodeKey.service("c"));
    assertThat(diagnosis.evidence())
        .extracting(Evidence::signal)
        .containsExactly("callsPerRequest Get->e Put", "callsPerRequest Get->f Put");
  }
}
