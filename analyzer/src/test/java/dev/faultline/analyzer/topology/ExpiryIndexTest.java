package dev.faultline.analyzer.topology;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.processor.TaskId;
import org.apache.kafka.streams.processor.api.MockProcessorContext;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The expiry index in buckets: entries come back when their bucket is due, once per commit is all
 * it writes, and what a commit saved is what the task's next owner finds (a new index over the same
 * store stands for the next owner).
 */
class ExpiryIndexTest {
  @TempDir Path state;

  private CommitHookStore store;

  @BeforeEach
  void open() {
    Properties props = new Properties();
    props.put(StreamsConfig.APPLICATION_ID_CONFIG, "expiry-index");
    props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
    props.put(StreamsConfig.STATE_DIR_CONFIG, state.toString());
    MockProcessorContext<Object, Object> context =
        new MockProcessorContext<>(props, new TaskId(0, 0), state.toFile());
    store = CommitHookStore.builder("trace-expiry").withLoggingDisabled().build();
    store.init(context.getStateStoreContext(), store);
  }

  private static byte[] id(String name) {
    return name.getBytes(StandardCharsets.US_ASCII);
  }

  private static List<String> names(List<ExpiryIndex.Entry> entries) {
    return entries.stream()
        .map(e -> new String(e.traceId(), StandardCharsets.US_ASCII) + "@" + e.bucketStartMs())
        .toList();
  }

  private List<Bytes> storedKeys() {
    List<Bytes> keys = new ArrayList<>();
    try (var it = store.all()) {
      while (it.hasNext()) {
        keys.add(it.next().key);
      }
    }
    return keys;
  }

  @Test
  void anEntryComesBackOnceEveryDeadlineOfItsBucketHasPassed() {
    ExpiryIndex index = new ExpiryIndex(store);
    index.add(1_050, id("a"));
    index.add(1_120, id("b"));
    index.add(1_199, id("c"));

    assertThat(names(index.takeDue(1_098, 100))).isEmpty();
    assertThat(names(index.takeDue(1_099, 100))).containsExactly("a@1000");
    assertThat(names(index.takeDue(1_198, 100))).isEmpty();
    assertThat(names(index.takeDue(1_199, 100))).containsExactly("b@1100", "c@1100");
    assertThat(names(index.takeDue(5_000, 100))).isEmpty();
  }

  @Test
  void aCommitWritesOneRecordPerBucketAndTheNextOwnerFindsThem() {
    ExpiryIndex index = new ExpiryIndex(store);
    for (int i = 0; i < 300; i++) {
      index.add(10_000 + i, id("t" + i));
    }
    assertThat(storedKeys()).as("nothing before the commit").isEmpty();
    index.flush();
    assertThat(storedKeys())
        .containsExactly(ExpiryIndex.key(10_000), ExpiryIndex.key(10_100), ExpiryIndex.key(10_200));

    ExpiryIndex next = new ExpiryIndex(store);
    List<ExpiryIndex.Entry> due = next.takeDue(10_199, 1_000);
    assertThat(due).hasSize(200);
    assertThat(names(due)).startsWith("t0@10000").endsWith("t199@10100");
    assertThat(storedKeys())
        .as("taken buckets are deleted")
        .containsExactly(ExpiryIndex.key(10_200));
  }

  @Test
  void entriesAddedAfterACommitJoinTheStoredBucket() {
    ExpiryIndex index = new ExpiryIndex(store);
    index.add(2_010, id("a"));
    index.flush();
    index.add(2_020, id("b"));
    index.flush();
    assertThat(storedKeys()).hasSize(1);
    assertThat(names(new ExpiryIndex(store).takeDue(2_100, 10)))
        .containsExactly("a@2000", "b@2000");
  }

  @Test
  void dueEntriesComeFromTheStoreAndFromMemoryAlike() {
    ExpiryIndex index = new ExpiryIndex(store);
    index.add(3_010, id("saved"));
    index.flush();
    index.add(3_020, id("new"));
    index.add(3_150, id("later"));
    assertThat(names(index.takeDue(3_200, 10)))
        .containsExactly("saved@3000", "new@3000", "later@3100");
    index.flush();
    assertThat(storedKeys()).isEmpty();
  }

  @Test
  void takingDueStopsAfterWholeBucketsOfAtLeastTheMost() {
    ExpiryIndex index = new ExpiryIndex(store);
    for (int i = 0; i < 5; i++) {
      index.add(4_000 + i, id("x" + i));
      index.add(4_100 + i, id("y" + i));
    }
    index.flush();
    ExpiryIndex next = new ExpiryIndex(store);
    assertThat(next.takeDue(9_000, 3)).hasSize(5);
    assertThat(next.takeDue(9_000, 3)).hasSize(5);
    assertThat(next.takeDue(9_000, 3)).isEmpty();
  }

  @Test
  void theOldestAreTakenOneAtATimeAndTheRestIsKept() {
    ExpiryIndex index = new ExpiryIndex(store);
    index.add(6_500, id("later"));
    index.add(5_010, id("first"));
    index.add(5_020, id("second"));
    index.flush();

    ExpiryIndex next = new ExpiryIndex(store);
    assertThat(names(List.of(next.takeOldest()))).containsExactly("first@5000");
    next.add(5_030, id("third"));
    next.flush();

    ExpiryIndex after = new ExpiryIndex(store);
    assertThat(names(List.of(after.takeOldest(), after.takeOldest(), after.takeOldest())))
        .containsExactly("second@5000", "third@5000", "later@6500");
    assertThat(after.takeOldest()).isNull();
    after.flush();
    assertThat(storedKeys()).isEmpty();
  }

  @Test
  void entriesOfTheEarlierOnePerTraceLayoutAreRead() {
    // Earlier versions wrote the deadline and the trace id as the key, with an empty value.
    byte[] legacy =
        ByteBuffer.allocate(Long.BYTES + 1).putLong(7_050 ^ Long.MIN_VALUE).put((byte) 'o').array();
    store.put(Bytes.wrap(legacy), new byte[0]);
    ExpiryIndex index = new ExpiryIndex(store);
    index.add(7_060, id("n"));
    assertThat(names(index.takeDue(7_099, 10))).containsExactlyInAnyOrder("o@7000", "n@7000");
    index.flush();
    assertThat(storedKeys()).isEmpty();

    store.put(Bytes.wrap(legacy), new byte[0]);
    assertThat(names(List.of(new ExpiryIndex(store).takeOldest()))).containsExactly("o@7000");
  }

  @Test
  void bucketValuesRoundTrip() {
    List<byte[]> ids = List.of(id("a"), new byte[0], new byte[300]);
    assertThat(ExpiryIndex.ids(ExpiryIndex.encode(ids))).containsExactlyElementsOf(ids);
  }
}
