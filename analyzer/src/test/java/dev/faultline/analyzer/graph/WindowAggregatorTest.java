package dev.faultline.analyzer.graph;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import dev.faultline.analyzer.trace.Call;
import dev.faultline.analyzer.trace.NodeKey;
import dev.faultline.analyzer.trace.Visit;
import dev.faultline.schemas.proto.CallKind;
import java.util.List;
import org.junit.jupiter.api.Test;

class WindowAggregatorTest {
  private static final ByteString TRACE = ByteString.copyFrom(new byte[16]);

  static Call call(long timeMs, long latencyUs, boolean error) {
    return new Call(
        NodeKey.service("a"),
        "GET /",
        NodeKey.service("b"),
        "Get",
        CallKind.CALL_KIND_SYNC,
        timeMs,
        latencyUs,
        latencyUs - 100,
        100,
        Call.UNKNOWN,
        error,
        error,
        1,
        "a-1",
        "1",
        "b-1",
        "1",
        TRACE);
  }

  @Test
  void windowsCloseWhenStreamTimePassesTheirEndPlusGrace() {
    WindowAggregator windows = new WindowAggregator(2_000, 1_000);
    windows.add(call(100, 5_000, false), 100);
    windows.add(call(1_900, 7_000, true), 1_900);

    assertThat(windows.advance(2_999)).isEmpty();
    List<WindowAggregator.Closed> closed = windows.advance(3_000);

    assertThat(closed)
        .singleElement()
        .satisfies(
            w -> {
              assertThat(w.startMs()).isZero();
              assertThat(w.endMs()).isEqualTo(2_000);
              var stats = w.edges().get(0).toStats();
              assertThat(stats.getCalls()).isEqualTo(2);
              assertThat(stats.getErrors()).isEqualTo(1);
              assertThat(stats.getClientLatencyUs().getCount()).isEqualTo(2);
              assertThat(stats.getCalleeInstancesList())
                  .singleElement()
                  .satisfies(i -> assertThat(i.getCount()).isEqualTo(2));
            });
  }

  @Test
  void aLateCallCountsInTheOldestOpenWindowAndIsNotLost() {
    WindowAggregator windows = new WindowAggregator(2_000, 0);
    windows.add(call(100, 5_000, false), 100);
    windows.advance(2_000);
    windows.add(call(2_500, 5_000, false), 2_500);

    windows.add(call(500, 5_000, false), 2_600); // its window closed already

    List<WindowAggregator.Closed> closed = windows.advance(4_000);
    assertThat(closed)
        .singleElement()
        .satisfies(
            w -> {
              assertThat(w.startMs()).isEqualTo(2_000);
              assertThat(w.lateRecords()).isEqualTo(1);
              assertThat(w.edges().get(0).toStats().getCalls()).isEqualTo(2);
            });
  }

  @Test
  void windowsWithoutDataAfterTheFirstAreReportedEmpty() {
    WindowAggregator windows = new WindowAggregator(1_000, 0);
    windows.add(call(100, 5_000, false), 100);

    List<WindowAggregator.Closed> closed = windows.advance(4_000);

    assertThat(closed)
        .extracting(WindowAggregator.Closed::startMs)
        .containsExactly(0L, 1_000L, 2_000L, 3_000L);
    assertThat(closed.get(1).edges()).isEmpty();
  }

  @Test
  void aJumpOfStreamTimeReportsABoundedNumberOfEmptyWindows() {
    WindowAggregator windows = new WindowAggregator(1_000, 0);
    windows.add(call(100, 5_000, false), 100);

    List<WindowAggregator.Closed> closed = windows.advance(1_000_000_000L);

    assertThat(closed).hasSize(1 + WindowAggregator.MAX_EMPTY_WINDOWS);
    windows.add(call(1_000_000_100L, 5_000, false), 1_000_000_100L);
    assertThat(windows.advance(1_000_002_000L))
        .extracting(WindowAggregator.Closed::startMs)
        .contains(1_000_000_000L);
  }

  @Test
  void visitsAccumulatePerOperation() {
    WindowAggregator windows = new WindowAggregator(1_000, 0);
    windows.add(new Visit("b", "Get", "b-1", "1", 10, 9_000, 4_000, false, false, TRACE), 10);
    windows.add(new Visit("b", "Get", "b-2", "2", 20, 11_000, 6_000, true, true, TRACE), 20);

    var node = windows.advance(1_000).get(0).nodes().get(0).toStats();

    assertThat(node.getVisits()).isEqualTo(2);
    assertThat(node.getErrors()).isEqualTo(1);
    assertThat(node.getEntryVisits()).isEqualTo(1);
    assertThat(node.getInstancesCount()).isEqualTo(2);
    assertThat(node.getSelfTimeUs().getSum()).isEqualTo(10_000);
  }
}
