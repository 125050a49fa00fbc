package dev.faultline.analyzer.topology;

import static org.assertj.core.api.Assertions.assertThat;

import dev.faultline.analyzer.graph.CardinalityLimit;
import dev.faultline.analyzer.graph.GraphKeys;
import dev.faultline.analyzer.trace.Observation;
import dev.faultline.analyzer.trace.Observations;
import dev.faultline.analyzer.trace.Visit;
import dev.faultline.analyzer.trace.Watermark;
import dev.faultline.schemas.proto.WindowPartial;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.util.List;
import java.util.Properties;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.processor.api.MockProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The window stage's open windows survive the loss of the processor that held them: what a commit
 * saved is restored by the task's next owner; what came after the last commit is not (it is redone
 * from the input, whose offsets were not committed either).
 */
class WindowStatsDurabilityTest {
  private static final long WINDOW_MS = 2_000;

  @TempDir Path state;

  @Test
  void openWindowsSavedAtACommitAreRestoredByTheNextProcessor() {
    MockProcessorContext<byte[], WindowPartial> first = context();
    CommitHookStore store = store(first);
    WindowStatsProcessor before = processor();
    before.init(first);
    for (int i = 0; i < 5; i++) {
      process(before, first, visit("checkout", 10_100 + i));
    }
    process(before, first, visit("cart", 10_200));
    store.flushCache(); // the task prepares a commit
    process(before, first, visit("cart", 10_300)); // after the commit: redone on failure
    // The instance dies: the processor and its memory are gone, the store (changelog) is not.

    MockProcessorContext<byte[], WindowPartial> second = context();
    second.addStateStore(store);
    WindowStatsProcessor after = processor();
    after.init(second);
    process(after, second, visit("checkout", 10_900));
    process(after, second, new Watermark(20_000));

    List<WindowPartial> parts =
        second.forwarded().stream().map(f -> (WindowPartial) f.record().value()).toList();
    assertThat(visits(parts, "checkout")).as("5 saved + 1 after the restart").isEqualTo(6);
    assertThat(visits(parts, "cart")).as("the one saved; the unsaved one is redone").isEqualTo(1);
    assertThat(parts)
        .filteredOn(p -> p.getPartCase() == WindowPartial.PartCase.CLOSED)
        .extracting(WindowPartial::getWindowStartMs)
        .startsWith(10_000L);
  }

  @Test
  void aClosedWindowLeavesNothingInTheStore() {
    MockProcessorContext<byte[], WindowPartial> context = context();
    CommitHookStore store = store(context);
    WindowStatsProcessor processor = processor();
    processor.init(context);
    process(processor, context, visit("checkout", 10_100));
    store.flushCache();
    process(processor, context, visit("drain", 20_000));
    process(processor, context, new Watermark(20_000));
    store.flushCache();

    List<Long> windows = new java.util.ArrayList<>();
    try (var it = store.all()) {
      while (it.hasNext()) {
        windows.add(GraphKeys.windowOf(it.next().key));
      }
    }
    assertThat(windows)
        .as("the open window's entry and how far windows were closed")
        .containsExactly(20_000L, Long.MAX_VALUE);
  }

  @Test
  void aBatchOfObservationsCountsAsItsItemsInTheirWindows() {
    MockProcessorContext<byte[], WindowPartial> context = context();
    store(context);
    WindowStatsProcessor processor = processor();
    processor.init(context);
    process(
        processor,
        context,
        new Observations(
            List.of(visit("checkout", 10_100), visit("checkout", 12_100), visit("cart", 10_200)),
            12_100));
    process(processor, context, new Watermark(13_000)); // closes the window at 10,000
    // Into the window at 12,000, found last before the close, and one at 14,000.
    process(
        processor,
        context,
        new Observations(List.of(visit("checkout", 12_500), visit("checkout", 14_100)), 14_100));
    process(processor, context, new Watermark(20_000));

    List<WindowPartial> parts =
        context.forwarded().stream().map(f -> (WindowPartial) f.record().value()).toList();
    assertThat(visitsByWindow(parts, "checkout"))
        .containsExactly(
            java.util.Map.entry(10_000L, 1L),
            java.util.Map.entry(12_000L, 2L),
            java.util.Map.entry(14_000L, 1L));
    assertThat(visits(parts, "cart")).isEqualTo(1);
  }

  private static java.util.Map<Long, Long> visitsByWindow(
      List<WindowPartial> parts, String service) {
    java.util.Map<Long, Long> out = new java.util.TreeMap<>();
    parts.stream()
        .filter(p -> p.getPartCase() == WindowPartial.PartCase.NODE)
        .filter(p -> p.getNode().getService().equals(service))
        .forEach(p -> out.merge(p.getWindowStartMs(), p.getNode().getVisits(), Long::sum));
    return out;
  }

  private MockProcessorContext<byte[], WindowPartial> context() {
    Properties props = new Properties();
    props.put(StreamsConfig.APPLICATION_ID_CONFIG, "durability");
    props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
    props.put(StreamsConfig.STATE_DIR_CONFIG, state.toString());
    return new MockProcessorContext<>(
        props, new org.apache.kafka.streams.processor.TaskId(1, 0), state.toFile());
  }

  private static CommitHookStore store(MockProcessorContext<byte[], WindowPartial> context) {
    CommitHookStore store =
        CommitHookStore.builder(WindowStatsProcessor.STORE).withLoggingDisabled().build();
    store.init(context.getStateStoreContext(), store);
    context.addStateStore(store);
    return store;
  }

  private static WindowStatsProcessor processor() {
    return new WindowStatsProcessor(
        WINDOW_MS, 1_000, CardinalityLimit.none(), new AnalyzerMetrics(new SimpleMeterRegistry()));
  }

  private static void process(
      WindowStatsProcessor processor,
      MockProcessorContext<byte[], WindowPartial> context,
      Observation observation) {
    processor.process(new Record<>(null, observation, observation.timeMs()));
  }

  private static Visit visit(String service, long timeMs) {
    return new Visit(
        service,
        "op",
        "",
        "",
        timeMs,
        1_000,
        1_000,
        false,
        true,
        com.google.protobuf.ByteString.copyFrom(new byte[16]));
  }

  private static long visits(List<WindowPartial> parts, String service) {
    return parts.stream()
        .filter(p -> p.getPartCase() == WindowPartial.PartCase.NODE)
        .filter(p -> p.getNode().getService().equals(service))
        .mapToLong(p -> p.getNode().getVisits())
        .sum();
  }
}
