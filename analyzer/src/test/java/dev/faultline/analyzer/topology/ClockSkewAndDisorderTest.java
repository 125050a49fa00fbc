package dev.faultline.analyzer.topology;

import static dev.faultline.analyzer.testing.SpanFixtures.T0;
import static org.assertj.core.api.Assertions.assertThat;

import dev.faultline.analyzer.config.AnalyzerConfig;
import dev.faultline.analyzer.graph.GraphWindow;
import dev.faultline.analyzer.sketch.LatencySketch;
import dev.faultline.analyzer.testing.SpanFixtures;
import dev.faultline.analyzer.testing.TopologyHarness;
import dev.faultline.schemas.proto.EdgeStats;
import dev.faultline.schemas.proto.NodeStats;
import dev.faultline.schemas.proto.Span;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Spans that arrive out of order, late within and beyond the grace period, and from hosts whose
 * clocks disagree by seconds, through the production topology: the published windows hold exactly
 * the expected edges, nodes and figures.
 */
class ClockSkewAndDisorderTest {
  private static final long T0_MS = T0 / 1_000_000L;
  private static final int TRACES = 5;

  private final AnalyzerConfig config =
      new AnalyzerConfig(
          Map.of(
              AnalyzerConfig.WINDOW_SIZE_MS, 1_000L,
              AnalyzerConfig.WINDOW_GRACE_MS, 1_000L,
              AnalyzerConfig.PAIRING_TIMEOUT_MS, 2_000L,
              // The driver's wall clock stands still: nothing is waited for at the start.
              AnalyzerConfig.GRAPH_FINALIZE_TIMEOUT_MS, 0L,
              AnalyzerConfig.WATERMARK_IDLE_MS, 0L));
  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  private final List<GraphWindow> published = new ArrayList<>();
  private TopologyHarness topology;

  @BeforeEach
  void start() {
    topology =
        new TopologyHarness(
            config,
            "clock-skew-test",
            registry,
            AnalyzerTopology.Hooks.none().withWindowListener(published::add));
  }

  @AfterEach
  void stop() {
    topology.close();
  }

  private void send(long atMs, List<Span> spans) {
    topology.send(atMs, spans);
  }

  /**
   * frontend GET /cart (100 ms, 40 ms of it self) calls cart Get (client 60 ms, server 50 ms, all
   * of it self: its internal span is its own work).
   */
  private static List<Span> frontendSpans(long trace, double startMs) {
    return List.of(
        SpanFixtures.server(1, 0, "frontend", "GET /cart", startMs, startMs + 100)
            .setTraceId(SpanFixtures.traceId(trace))
            .build(),
        SpanFixtures.client(2, 1, "frontend", "cart.Get", startMs + 10, startMs + 70)
            .setTraceId(SpanFixtures.traceId(trace))
            .build());
  }

  private static List<Span> cartSpans(long trace, double startMs, double skewMs) {
    return List.of(
        SpanFixtures.shifted(
                SpanFixtures.server(3, 2, "cart", "Get", startMs + 15, startMs + 65), skewMs)
            .setTraceId(SpanFixtures.traceId(trace))
            .build(),
        SpanFixtures.shifted(
                SpanFixtures.internal(4, 3, "cart", "load", startMs + 20, startMs + 30), skewMs)
            .setTraceId(SpanFixtures.traceId(trace))
            .build());
  }

  /** Moves stream time far on, so every window closes and is published. */
  private void flush() {
    for (long at : new long[] {30_000, 40_000}) {
      send(T0_MS + at, frontendSpans(at, at - 1_000));
      send(T0_MS + at, cartSpans(at, at - 1_000, 0));
    }
  }

  /** Edges into {@code callee} in the windows before the flush. */
  private List<EdgeStats> edges(String callee) {
    return published.stream()
        .filter(w -> w.startMs() < T0_MS + 20_000)
        .flatMap(w -> w.edges().stream())
        .filter(e -> e.getCallee().getName().equals(callee))
        .toList();
  }

  /** Operations of {@code service} in the windows before the flush. */
  private List<NodeStats> nodes(String service) {
    return published.stream()
        .filter(w -> w.startMs() < T0_MS + 20_000)
        .flatMap(w -> w.nodes().stream())
        .filter(n -> n.getService().equals(service))
        .toList();
  }

  private GraphWindow window(long startMs) {
    return published.stream().filter(w -> w.startMs() == startMs).findFirst().orElseThrow();
  }

  private double lateRecords() {
    return registry.get("faultline.window.late.records").counter().count();
  }

  private void assertCartFigures(long windowStartMs) {
    GraphWindow window = window(windowStartMs);
    EdgeStats edge =
        window.edges().stream()
            .filter(e -> e.getCallee().getName().equals("cart"))
            .findFirst()
            .orElseThrow();
    assertThat(edge.getCalls()).isEqualTo(TRACES);
    assertThat(edge.getCallerOperation()).isEqualTo("GET /cart");
    assertThat(edge.getCalleeOperation()).isEqualTo("Get");
    assertThat(LatencySketch.of(edge.getClientLatencyUs()).quantile(0.5)).isCloseTo(60_000, pct());
    assertThat(LatencySketch.of(edge.getServerLatencyUs()).quantile(0.5)).isCloseTo(50_000, pct());
    assertThat(LatencySketch.of(edge.getNetworkGapUs()).quantile(0.5)).isCloseTo(10_000, pct());
    NodeStats cart =
        window.nodes().stream()
            .filter(n -> n.getService().equals("cart"))
            .findFirst()
            .orElseThrow();
    assertThat(cart.getVisits()).isEqualTo(TRACES);
    assertThat(LatencySketch.of(cart.getSelfTimeUs()).quantile(0.5)).isCloseTo(50_000, pct());
    NodeStats frontend =
        window.nodes().stream()
            .filter(n -> n.getService().equals("frontend"))
            .findFirst()
            .orElseThrow();
    assertThat(frontend.getVisits()).isEqualTo(TRACES);
    assertThat(LatencySketch.of(frontend.getSelfTimeUs()).quantile(0.5)).isCloseTo(40_000, pct());
  }

  private static org.assertj.core.data.Percentage pct() {
    return org.assertj.core.data.Percentage.withPercentage(3);
  }

  @Test
  void aCalleesSpansArrivingBeforeItsCallersGiveTheSameWindow() {
    for (int i = 0; i < TRACES; i++) {
      double start = 100 + i * 100;
      // The callee's batch first, the caller's a moment later (another exporter, another path).
      send(T0_MS + (long) start + 70, cartSpans(i + 1, start, 0));
      send(T0_MS + (long) start + 110, frontendSpans(i + 1, start));
    }
    flush();

    assertCartFigures(T0_MS);
    assertThat(edges("cart")).hasSize(1);
    assertThat(nodes("cart")).hasSize(1);
    assertThat(lateRecords()).isZero();
  }

  @Test
  void recordsOutOfOrderWithinTheGraceCountInTheirOwnWindow() {
    // Stream time reaches T0+1.9 s first; the traces of T0 arrive afterwards, within the grace.
    send(T0_MS + 1_900, frontendSpans(50, 1_800));
    send(T0_MS + 1_900, cartSpans(50, 1_800, 0));
    for (int i = TRACES - 1; i >= 0; i--) {
      double start = 100 + i * 100;
      send(T0_MS + (long) start + 110, frontendSpans(i + 1, start));
      send(T0_MS + (long) start + 110, cartSpans(i + 1, start, 0));
    }
    flush();

    assertCartFigures(T0_MS);
    assertThat(lateRecords()).isZero();
  }

  @Test
  void recordsLaterThanTheGraceCountInTheOldestOpenWindowAndAsLate() {
    for (int i = 0; i < TRACES; i++) {
      double start = 100 + i * 100;
      send(T0_MS + (long) start + 110, frontendSpans(i + 1, start));
      send(T0_MS + (long) start + 110, cartSpans(i + 1, start, 0));
    }
    // Stream time passes T0's window end plus the grace (and the pairing timeout)...
    send(T0_MS + 5_000, frontendSpans(60, 4_900));
    send(T0_MS + 5_000, cartSpans(60, 4_900, 0));
    // ... then one more trace of T0 arrives, 4.5 s late.
    send(T0_MS + 600, frontendSpans(61, 500));
    send(T0_MS + 600, cartSpans(61, 500, 0));
    flush();

    assertCartFigures(T0_MS); // the window published on time, with the five punctual traces
    // Nothing dropped: six calls to cart for the five on time, the late one and the one at 4.9 s.
    assertThat(edges("cart").stream().mapToLong(EdgeStats::getCalls).sum()).isEqualTo(TRACES + 2);
    // The late trace's observations: entry call, frontend -> cart call, two visits.
    assertThat(lateRecords()).isEqualTo(4);
  }

  @Test
  void aCalleeHostClockSecondsAheadOrBehindChangesNoFigureAndNoWindow() {
    for (int i = 0; i < TRACES; i++) {
      double start = 100 + i * 100;
      // cart's clock: 3 s ahead for odd traces, 2.5 s behind for even ones.
      double skew = i % 2 == 1 ? 3_000 : -2_500;
      send(T0_MS + (long) start + 110, frontendSpans(i + 1, start));
      send(T0_MS + (long) start + 110, cartSpans(i + 1, start, skew));
    }
    flush();

    // Durations, the network gap and self times never mix clocks; and cart's visits count in the
    // window of the calls that caused them, on the caller's clock.
    assertCartFigures(T0_MS);
    assertThat(nodes("cart")).hasSize(1);
    assertThat(lateRecords()).isZero();
  }
}
