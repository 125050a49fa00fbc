package dev.faultline.analyzer.trace;

import static dev.faultline.analyzer.testing.SpanFixtures.T0;
import static dev.faultline.analyzer.testing.SpanFixtures.client;
import static dev.faultline.analyzer.testing.SpanFixtures.internal;
import static dev.faultline.analyzer.testing.SpanFixtures.server;
import static dev.faultline.analyzer.testing.SpanFixtures.shifted;
import static org.assertj.core.api.Assertions.assertThat;

import dev.faultline.analyzer.testing.SpanFixtures;
import dev.faultline.schemas.proto.Span;
import dev.faultline.schemas.span.SpanRecord;
import java.util.List;
import org.junit.jupiter.api.Test;

class TraceTreeTest {

  private static TraceModel trace(Span.Builder... spans) {
    TraceModel trace = new TraceModel(SpanFixtures.TRACE);
    trace.add(
        SpanRecord.of(java.util.Arrays.stream(spans).map(Span.Builder::build).toList()), 0, 100);
    return trace;
  }

  private static List<String> path(TraceTree tree) {
    return tree.criticalPath().stream()
        .map(
            s ->
                s.span().getName()
                    + "["
                    + (s.startNanos() - T0) / 1_000_000
                    + "-"
                    + (s.endNanos() - T0) / 1_000_000
                    + "]")
        .toList();
  }

  @Test
  void theCriticalPathFollowsTheChildThatFinishedLast() {
    // GET / calls a (10-40) and b (20-80) in parallel, then renders (85-95).
    TraceTree tree =
        TraceTree.of(
            trace(
                server(1, 0, "frontend", "GET /", 0, 100),
                client(2, 1, "frontend", "a", 10, 40),
                client(3, 1, "frontend", "b", 20, 80),
                internal(4, 1, "frontend", "render", 85, 95)));

    assertThat(path(tree))
        .containsExactly(
            "GET /[0-20]", "b[20-80]", "GET /[80-85]", "render[85-95]", "GET /[95-100]");
  }

  @Test
  void selfTimeIsTheDurationMinusTheChildrensUnion() {
    TraceTree tree =
        TraceTree.of(
            trace(
                server(1, 0, "frontend", "GET /", 0, 100),
                client(2, 1, "frontend", "a", 10, 40),
                client(3, 1, "frontend", "b", 30, 60)));

    assertThat(tree.roots().get(0).selfTimeNanos()).isEqualTo(50_000_000L);
  }

  @Test
  void aServerOnASkewedClockIsShiftedIntoItsClient() {
    TraceTree tree =
        TraceTree.of(
            trace(
                server(1, 0, "frontend", "GET /", 0, 100),
                client(2, 1, "frontend", "cart.Get", 10, 70),
                shifted(server(3, 2, "cart", "Get", 15, 65), 3_000),
                shifted(client(4, 3, "cart", "redis", 20, 30), 3_000)));

    TraceTree.Node cart = tree.roots().get(0).children().get(0).children().get(0);
    assertThat(cart.startNanos()).isBetween(T0 + 10_000_000L, T0 + 20_000_000L);
    assertThat(cart.endNanos() - cart.startNanos()).isEqualTo(50_000_000L);
    TraceTree.Node redis = cart.children().get(0);
    assertThat(redis.startNanos() - cart.startNanos()).isEqualTo(5_000_000L);
    assertThat(path(tree)).contains("Get[15-20]", "redis[20-30]");
  }

  @Test
  void aHeadlessTraceHasARootPerOrphan() {
    TraceTree tree =
        TraceTree.of(
            trace(server(3, 99, "cart", "Get", 15, 65), server(5, 98, "ads", "Get", 0, 10)));

    assertThat(tree.roots()).hasSize(2);
    assertThat(path(tree)).containsExactly("Get[15-65]");
  }
}
