package dev.faultline.analyzer.topology;

import dev.faultline.analyzer.graph.GraphKeys;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * Keeps every instance's copy of the recent graph (global store {@link #STORE}, fed from {@code
 * faultline.graph}): stores each published edge and node, and forgets windows older than the
 * history length. Records go in unchanged, so a restart restores the store straight from the topic.
 */
final class GraphHistoryProcessor implements Processor<Bytes, byte[], Void, Void> {
  static final String STORE = "graph-history";

  private final long historyMs;
  private KeyValueStore<Bytes, byte[]> store;
  private long latestWindow = Long.MIN_VALUE;

  GraphHistoryProcessor(long historyMs) {
    this.historyMs = historyMs;
  }

  @Override
  public void init(ProcessorContext<Void, Void> context) {
    this.store = context.getStateStore(STORE);
  }

  @Override
  public void process(Record<Bytes, byte[]> record) {
    if (record.key() == null || record.key().get().length < Long.BYTES) {
      return;
    }
    store.put(record.key(), record.value());
    long window = GraphKeys.windowOf(record.key());
    if (window > latestWindow) {
      latestWindow = window;
      forgetBefore(window - historyMs);
    }
  }

  private void forgetBefore(long cutoff) {
    List<Bytes> old = new ArrayList<>();
    Bytes lowest = Bytes.wrap(ByteBuffer.allocate(Long.BYTES).putLong(0).array());
    try (KeyValueIterator<Bytes, byte[]> it = store.range(lowest, GraphKeys.prefix(cutoff))) {
      while (it.hasNext()) {
        old.add(it.next().key);
      }
    }
    old.forEach(store::delete);
  }
}
