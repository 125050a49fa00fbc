package dev.faultline.analyzer.trace;

import static dev.faultline.analyzer.testing.SpanFixtures.client;
import static dev.faultline.analyzer.testing.SpanFixtures.server;
import static org.assertj.core.api.Assertions.assertThat;

import dev.faultline.analyzer.testing.Recorder;
import dev.faultline.analyzer.testing.SpanFixtures;
import dev.faultline.schemas.proto.Span;
import dev.faultline.schemas.proto.SpanKind;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Traces no honest instrumentation sends, but a buggy or hostile one can: pairing, the call tree,
 * self time and the critical path must cope with each, without a crash and in bounded time.
 */
class HostileTracesTest {
  /** The default of faultline.trace.max.spans: the deepest chain a trace can hold. */
  private static final int MAX_SPANS = 10_000;

  private static final SpanKind[] KINDS = {
    SpanKind.SPAN_KIND_UNSPECIFIED,
    SpanKind.SPAN_KIND_INTERNAL,
    SpanKind.SPAN_KIND_SERVER,
    SpanKind.SPAN_KIND_CLIENT,
    SpanKind.SPAN_KIND_PRODUCER,
    SpanKind.SPAN_KIND_CONSUMER
  };

  /** A recursive walk of a 10,000-deep chain would overflow a thread's stack. */
  @Test
  void aChainAsDeepAsTheSpanLimitPairsAndBuildsItsTreeOnASmallStack() throws Throwable {
    List<Span> chain = new ArrayList<>();
    for (int i = 1; i <= MAX_SPANS; i++) {
      // Alternating services, so every level is a call; each child nested in its parent.
      chain.add(server(i, i - 1, "svc-" + (i % 2), "op", i * 0.001, 20_000 - i * 0.001).build());
    }
    Throwable[] failure = new Throwable[1];
    TraceTree[] tree = new TraceTree[1];
    Recorder recorder = new Recorder();
    // A 256 KiB stack: smaller than any default, so the test fails if the walk is recursive.
    Thread thread =
        new Thread(
            null,
            () -> {
              try {
                recorder.batch(chain).close();
                tree[0] = TraceTree.of(recorder.trace);
              } catch (Throwable t) {
                failure[0] = t;
              }
            },
            "deep-chain",
            256 * 1024);
    thread.start();
    thread.join(60_000);
    if (failure[0] != null) {
      throw failure[0];
    }
    assertThat(recorder.calls).hasSize(MAX_SPANS); // the entry call plus one per level
    assertThat(recorder.visits).hasSize(MAX_SPANS);
    assertThat(tree[0].roots()).hasSize(1);
    int depth = 0;
    for (TraceTree.Node node = tree[0].roots().get(0); ; node = node.children().get(0)) {
      depth++;
      if (node.children().isEmpty()) {
        break;
      }
    }
    assertThat(depth).isEqualTo(MAX_SPANS);
    assertThat(tree[0].criticalPath()).isNotEmpty();
  }

  /**
   * A parent loop (a -> b -> c -> a) has no root; every span still counts once, and the tree shows
   * them all from the first of the loop.
   */
  @Test
  void aParentLoopEndsWithEverySpanCountedOnce() {
    Recorder recorder =
        new Recorder()
            .batch(
                server(1, 3, "a", "A", 0, 30),
                server(2, 1, "b", "B", 1, 29),
                server(3, 2, "c", "C", 2, 28))
            .close();
    assertThat(recorder.visits).hasSize(3);
    TraceTree tree = TraceTree.of(recorder.trace);
    assertThat(tree.roots()).singleElement();
    assertThat(tree.roots().get(0).span().getService()).isEqualTo("a");
    assertThat(tree.roots().get(0).children().get(0).children().get(0).span().getService())
        .isEqualTo("c");
  }

  /** A span that names itself as its parent: its parent never arrives. */
  @Test
  void aSpanThatIsItsOwnParentIsARootWhoseParentIsMissing() {
    Recorder recorder = new Recorder().batch(server(1, 1, "a", "A", 0, 10)).close();
    assertThat(recorder.visits).singleElement();
    assertThat(TraceTree.of(recorder.trace).roots()).hasSize(1);
  }

  /** Exporter retries and broken id generators: the same span id many times, with other data. */
  @Test
  void duplicateSpanIdsCountOnceOrAsDistinctSpansButNeverCrash() {
    Recorder recorder = new Recorder();
    for (int i = 0; i < 50; i++) {
      recorder.batch(
          server(1, 0, "front", "GET /", 0, 100),
          client(2, 1, "front", "call", 10, 90),
          server(3, 2, "back", "Get", 20 + i, 80));
    }
    recorder.close();
    assertThat(recorder.visits.stream().filter(v -> v.service().equals("front"))).hasSize(1);
    assertThat(TraceTree.of(recorder.trace).roots()).isNotEmpty();
  }

  /** Spans in the far past and far future, negative durations, the extremes of a long. */
  @Test
  void absurdTimesDoNotBreakSelfTimeOrTheCriticalPath() {
    Span.Builder huge =
        server(1, 0, "a", "A", 0, 0).setStartUnixNano(0).setEndUnixNano(Long.MAX_VALUE);
    Span.Builder backwards = server(2, 1, "b", "B", 500, 100);
    Span.Builder future =
        server(3, 1, "c", "C", 0, 0)
            .setStartUnixNano(Long.MAX_VALUE - 10)
            .setEndUnixNano(Long.MAX_VALUE);
    Recorder recorder = new Recorder().batch(huge, backwards, future).close();
    for (Visit visit : recorder.visits) {
      assertThat(visit.selfTimeUs()).isGreaterThanOrEqualTo(0);
    }
    TraceTree tree = TraceTree.of(recorder.trace);
    for (TraceTree.Segment segment : tree.criticalPath()) {
      assertThat(segment.endNanos()).isGreaterThanOrEqualTo(segment.startNanos());
    }
  }

  /** Random parent pointers (forests, loops, dangling parents) over a few hundred spans. */
  @Test
  void randomParentGraphsNeverCrash() {
    Random random = new Random(8_2026L);
    for (int round = 0; round < 200; round++) {
      int size = 1 + random.nextInt(300);
      List<Span> spans = new ArrayList<>();
      for (int i = 1; i <= size; i++) {
        long parent = random.nextInt(size + 3); // 0 = root, > size = dangling
        double start = random.nextDouble() * 1_000 - 200;
        double end = start + random.nextDouble() * 500 - 50;
        Span.Builder span =
            SpanFixtures.span(
                i,
                parent,
                "s" + random.nextInt(4),
                "op" + random.nextInt(3),
                KINDS[random.nextInt(KINDS.length)],
                start,
                end);
        spans.add(span.build());
      }
      Recorder recorder = new Recorder();
      int cut = random.nextInt(size + 1);
      recorder.batch(spans.subList(0, cut)).batch(spans.subList(cut, size)).close();
      assertThat(recorder.trace.size()).as("round " + round).isEqualTo(size);
      TraceTree.of(recorder.trace);
    }
  }
}
