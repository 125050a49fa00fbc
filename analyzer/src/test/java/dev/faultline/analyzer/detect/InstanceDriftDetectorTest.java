package dev.faultline.analyzer.detect;

import static org.assertj.core.api.Assertions.assertThat;

import dev.faultline.analyzer.config.AnalyzerConfig;
import dev.faultline.analyzer.graph.GraphSnapshot;
import dev.faultline.analyzer.graph.GraphWindow;
import dev.faultline.schemas.incident.IncidentType;
import dev.faultline.schemas.proto.CallKind;
import dev.faultline.schemas.proto.EdgeStats;
import dev.faultline.schemas.proto.InstanceStats;
import dev.faultline.schemas.proto.NodeRef;
import dev.faultline.schemas.proto.NodeStats;
import dev.faultline.schemas.proto.NodeType;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Drift of one instance against its siblings, on windows built by hand. */
class InstanceDriftDetectorTest {
  private static final DetectionSettings SETTINGS =
      DetectionSettings.of(new AnalyzerConfig(Map.of()));
  private final InstanceDriftDetector detector =
      new InstanceDriftDetector(InstanceDriftDetector.Settings.of(SETTINGS));

  /** Caller instance figures per window: calls and failures of each of two instances. */
  private record Split(long calls0, long errors0, String version1, long calls1, long errors1) {}

  private static GraphWindow window(long index, Split split) {
    long start = 1_700_000_000_000L + index * 2_000;
    NodeRef api = NodeRef.newBuilder().setType(NodeType.NODE_TYPE_SERVICE).setName("api").build();
    NodeRef accounts =
        NodeRef.newBuilder().setType(NodeType.NODE_TYPE_SERVICE).setName("accounts").build();
    NodeRef risk = NodeRef.newBuilder().setType(NodeType.NODE_TYPE_SERVICE).setName("risk").build();
    long calls = split.calls0() + split.calls1();
    long errors = split.errors0() + split.errors1();
    EdgeStats apiToAccounts =
        EdgeStats.newBuilder()
            .setCaller(api)
            .setCallerOperation("POST /transfer")
            .setCallee(accounts)
            .setCalleeOperation("Transfer")
            .setKind(CallKind.CALL_KIND_SYNC)
            .setCalls(calls)
            .setErrors(errors)
            .build();
    EdgeStats accountsToRisk =
        EdgeStats.newBuilder()
            .setCaller(accounts)
            .setCallerOperation("Transfer")
            .setCallee(risk)
            .setCalleeOperation("Score")
            .setKind(CallKind.CALL_KIND_SYNC)
            .setCalls(calls)
            .setErrors(errors)
            .addCallerInstances(instance("accounts-0", "2.9.0", split.calls0(), split.errors0()))
            .addCallerInstances(
                instance("accounts-1", split.version1(), split.calls1(), split.errors1()))
            .build();
    List<NodeStats> nodes = new ArrayList<>();
    nodes.add(node("api", "POST /transfer", calls, errors, calls));
    nodes.add(node("accounts", "Transfer", calls, errors, 0));
    nodes.add(node("risk", "Score", calls, 0, 0));
    return new GraphWindow(
        start, start + 2_000, List.of(apiToAccounts, accountsToRisk), nodes, true);
  }

  private static InstanceStats instance(String name, String version, long calls, long errors) {
    return InstanceStats.newBuilder()
        .setInstance(name)
        .setVersion(version)
        .setCount(calls)
        .setErrors(errors)
        .build();
  }

  private static NodeStats node(
      String service, String operation, long visits, long errors, long entries) {
    return NodeStats.newBuilder()
        .setService(service)
        .setOperation(operation)
        .setVisits(visits)
        .setErrors(errors)
        .setEntryVisits(entries)
        .build();
  }

  private Optional<Diagnosis> diagnose(Split before, Split now) {
    List<GraphWindow> baseline = new ArrayList<>();
    for (int i = 0; i < 40; i++) {
      baseline.add(window(i, before));
    }
    List<GraphWindow> current = new ArrayList<>();
    for (int i = 40; i < 43; i++) {
      current.add(window(i, now));
    }
    GraphSnapshot recent = GraphSnapshot.merge(current);
    return detector.diagnose(Findings.of(GraphSnapshot.merge(baseline), recent, recent, SETTINGS));
  }

  @Test
  void instanceFailingWhereItsSiblingSucceedsIsTheRootCause() {
    Optional<Diagnosis> diagnosis =
        diagnose(new Split(50, 0, "2.9.0", 50, 0), new Split(50, 0, "2.10.0-rc1", 50, 40));

    assertThat(diagnosis).isPresent();
    assertThat(diagnosis.get().type()).isEqualTo(IncidentType.TOPOLOGY_DRIFT);
    assertThat(diagnosis.get().root().name()).isEqualTo("accounts");
    assertThat(diagnosis.get().rootOperation()).isEqualTo("Transfer");
    assertThat(diagnosis.get().evidence().get(0).signal())
        .contains("accounts-1", "2.10.0-rc1", "2.9.0", "risk");
    assertThat(diagnosis.get().evidence().get(0).now()).isEqualTo(0.8);
    assertThat(diagnosis.get().details()).containsEntry("instance", "accounts-1");
  }

  @Test
  void calleeFailingEveryInstanceAlikeIsNoDrift() {
    Optional<Diagnosis> diagnosis =
        diagnose(new Split(50, 0, "2.9.0", 50, 0), new Split(50, 38, "2.9.0", 50, 40));

    assertThat(diagnosis).isEmpty();
  }

  @Test
  void longStandingDifferenceWithoutARiseIsNoDrift() {
    Optional<Diagnosis> diagnosis =
        diagnose(new Split(50, 1, "2.9.0", 50, 20), new Split(50, 1, "2.9.0", 50, 20));

    assertThat(diagnosis).isEmpty();
  }

  @Test
  void instanceWithTooFewCallsIsNotJudged() {
    // Three windows of 2 calls: fewer than the settings' minimum samples.
    assertThat(3 * 2L).isLessThan(SETTINGS.minSamples());
    Optional<Diagnosis> diagnosis =
        diagnose(new Split(98, 0, "2.9.0", 2, 0), new Split(98, 0, "2.10.0", 2, 2));

    assertThat(diagnosis).isEmpty();
  }
}
