package dev.faultline.analyzer.graph;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import dev.faultline.analyzer.trace.Call;
import dev.faultline.analyzer.trace.NodeKey;
import dev.faultline.analyzer.trace.Visit;
import dev.faultline.schemas.proto.CallKind;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A million distinct service or operation names in one window (a random service.name, an id in a
 * span name) stay within the window's bounds: folded into (other), counted, nothing lost.
 */
class CardinalityLimitTest {
  private static final int NAMES = 1_000_000;
  private static final ByteString TRACE = ByteString.copyFrom(new byte[16]);

  private static Visit visit(String service, String operation) {
    return new Visit(service, operation, "", "", 500, 1_000, 1_000, false, false, TRACE);
  }

  private static Call call(String caller, String operation, String callee, String calleeOp) {
    return new Call(
        NodeKey.service(caller),
        operation,
        NodeKey.service(callee),
        calleeOp,
        CallKind.CALL_KIND_SYNC,
        500,
        1_000,
        900,
        100,
        Call.UNKNOWN,
        false,
        false,
        1,
        "",
        "",
        "",
        "",
        TRACE);
  }

  @Test
  void aMillionServiceNamesFoldIntoOtherBeyondTheNodeBound() {
    WindowAggregator windows =
        new WindowAggregator(1_000, 0, new CardinalityLimit(1_000, 10_000, 20_000));
    windows.add(visit("checkout", "POST /pay"), 500);
    for (int i = 0; i < NAMES; i++) {
      windows.add(visit("svc-" + i, "GET /"), 500);
    }
    WindowAggregator.Closed window = windows.advance(2_000).get(0);

    assertThat(window.nodes()).hasSize(1_001); // 1,000 names kept, the rest in (other)
    long visits = window.nodes().stream().mapToLong(n -> n.toStats().getVisits()).sum();
    assertThat(visits).isEqualTo(NAMES + 1L);
    NodeAccumulator other =
        window.nodes().stream()
            .filter(n -> n.key().service().equals(CardinalityLimit.OTHER))
            .findFirst()
            .orElseThrow();
    assertThat(other.toStats().getVisits()).isEqualTo(NAMES + 1L - 1_000);
    assertThat(window.nodes()).anyMatch(n -> n.key().service().equals("checkout"));
    assertThat(window.overflow().nodes()).isEqualTo(NAMES + 1L - 1_000);
  }

  @Test
  void aMillionOperationNamesOfOneServiceFoldIntoItsOtherOperation() {
    WindowAggregator windows =
        new WindowAggregator(1_000, 0, new CardinalityLimit(1_000, 10_000, 20_000));
    for (int i = 0; i < NAMES; i++) {
      windows.add(visit("api", "GET /orders/" + i), 500);
      windows.add(call("api", "GET /orders/" + i, "db-proxy", "query " + i), 500);
    }
    WindowAggregator.Closed window = windows.advance(2_000).get(0);

    assertThat(window.nodes().size()).isLessThanOrEqualTo(10_000 + 2);
    assertThat(window.edges().size()).isLessThanOrEqualTo(20_000 + 2_000);
    assertThat(window.nodes().stream().mapToLong(n -> n.toStats().getVisits()).sum())
        .isEqualTo(NAMES);
    assertThat(window.edges().stream().mapToLong(e -> e.toStats().getCalls()).sum())
        .isEqualTo(NAMES);
    assertThat(window.nodes())
        .anyMatch(n -> n.key().equals(new OperationKey("api", CardinalityLimit.OTHER)));
    assertThat(window.overflow().operations()).isPositive();
    assertThat(window.overflow().droppedEdges()).isZero();
    // The service-level graph is intact: every edge still goes from api to db-proxy.
    assertThat(window.edges())
        .allSatisfy(
            e -> {
              assertThat(e.key().caller()).isEqualTo(NodeKey.service("api"));
              assertThat(e.key().callee()).isEqualTo(NodeKey.service("db-proxy"));
            });
  }

  @Test
  void edgesPastTheBoundAndItsReserveAreDroppedAndCounted() {
    CardinalityLimit limit = new CardinalityLimit(1_000, 100_000, 10);
    WindowAggregator windows = new WindowAggregator(1_000, 0, limit);
    for (int i = 0; i < 100; i++) {
      windows.add(call("a" + i, "op", "b" + i, "op"), 500);
    }
    WindowAggregator.Closed window = windows.advance(2_000).get(0);
    assertThat(window.edges()).hasSize(11); // 10, plus a reserve of one folded edge
    assertThat(window.overflow().edges()).isEqualTo(1);
    assertThat(window.overflow().droppedEdges()).isEqualTo(89);
  }

  @Test
  void theBoundsAreForEachWindow() {
    WindowAggregator windows = new WindowAggregator(1_000, 0, new CardinalityLimit(10, 100, 100));
    for (int i = 0; i < 20; i++) {
      windows.add(visit("s" + i, "op"), 500);
    }
    for (int i = 0; i < 5; i++) {
      Visit next = new Visit("t" + i, "op", "", "", 1_500, 1_000, 1_000, false, false, TRACE);
      windows.add(next, 1_500);
    }
    List<WindowAggregator.Closed> closed = windows.advance(3_000);
    assertThat(closed.get(0).nodes()).hasSize(11);
    assertThat(closed.get(1).nodes()).hasSize(5);
    assertThat(closed.get(1).overflow().total()).isZero();
  }
}
