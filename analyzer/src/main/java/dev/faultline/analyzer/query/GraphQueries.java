package dev.faultline.analyzer.query;

import static java.util.Objects.requireNonNull;

import com.google.protobuf.InvalidProtocolBufferException;
import dev.faultline.analyzer.graph.GraphKeys;
import dev.faultline.analyzer.graph.GraphSnapshot;
import dev.faultline.analyzer.graph.GraphWindow;
import dev.faultline.schemas.proto.EdgeStats;
import dev.faultline.schemas.proto.GraphRecord;
import dev.faultline.schemas.proto.NodeStats;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.Supplier;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;

/** Reads the recent graph from this instance's copy of {@code faultline.graph}. */
public final class GraphQueries {
  private final Supplier<ReadOnlyKeyValueStore<Bytes, byte[]>> store;

  public GraphQueries(Supplier<ReadOnlyKeyValueStore<Bytes, byte[]>> store) {
    this.store = requireNonNull(store, "store");
  }

  /** Start of the latest published window, if any. */
  public Optional<Long> latestWindowStart() {
    try (KeyValueIterator<Bytes, byte[]> it = store.get().reverseAll()) {
      return it.hasNext() ? Optional.of(windowOf(it.next().key)) : Optional.empty();
    }
  }

  /** Windows whose start is in [fromMs, toMs), oldest first. */
  public List<GraphWindow> windows(long fromMs, long toMs) {
    Map<Long, List<GraphRecord>> byWindow = new TreeMap<>();
    try (KeyValueIterator<Bytes, byte[]> it = store.get().range(prefix(fromMs), prefix(toMs))) {
      while (it.hasNext()) {
        KeyValue<Bytes, byte[]> entry = it.next();
        long window = windowOf(entry.key);
        if (window < fromMs || window >= toMs) {
          continue;
        }
        byWindow.computeIfAbsent(window, w -> new ArrayList<>()).add(parse(entry.value));
      }
    }
    List<GraphWindow> out = new ArrayList<>();
    byWindow.forEach(
        (start, records) -> {
          List<EdgeStats> edges = new ArrayList<>();
          List<NodeStats> nodes = new ArrayList<>();
          long end = start;
          for (GraphRecord record : records) {
            end = Math.max(end, record.getWindowEndMs());
            if (record.hasEdge()) {
              edges.add(record.getEdge());
            } else if (record.hasNode()) {
              nodes.add(record.getNode());
            }
          }
          out.add(new GraphWindow(start, end, edges, nodes, true));
        });
    return out;
  }

  /**
   * The graph merged over the windows that start within {@code spanMs} before {@code endMs}; with
   * no end given, the latest window's end.
   */
  public GraphSnapshot snapshot(Long endMs, long spanMs) {
    long end;
    if (endMs != null) {
      end = endMs;
    } else {
      Optional<Long> latest = latestWindowStart();
      if (latest.isEmpty()) {
        return GraphSnapshot.merge(List.of());
      }
      end = latest.get() + 1;
    }
    return GraphSnapshot.merge(windows(end - spanMs, end));
  }

  private static Bytes prefix(long window) {
    return GraphKeys.prefix(window);
  }

  private static long windowOf(Bytes key) {
    return GraphKeys.windowOf(key);
  }

  private static GraphRecord parse(byte[] bytes) {
    try {
      return GraphRecord.parseFrom(bytes);
    } catch (InvalidProtocolBufferException e) {
      throw new IllegalStateException("corrupt record in the graph history", e);
    }
  }
}
