package dev.faultline.analyzer.topology;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import dev.faultline.analyzer.trace.Pairing;
import dev.faultline.analyzer.trace.TraceModel;
import dev.faultline.ingest.config.NormalizerSettings;
import dev.faultline.schemas.proto.TraceMeta;
import dev.faultline.schemas.span.SpanRecord;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;

/**
 * The layout of the trace-buffer store: per trace, its bookkeeping under {@code id + 0x00} and each
 * batch that brought spans under {@code id + 0x01 + n}, so adding a batch writes the batch once and
 * never rewrites the trace.
 */
public final class TraceStore {
  private static final byte META = 0;
  private static final byte BATCH = 1;

  private TraceStore() {}

  public static Bytes metaKey(byte[] traceId) {
    return Bytes.wrap(ByteBuffer.allocate(traceId.length + 1).put(traceId).put(META).array());
  }

  public static Bytes batchKey(byte[] traceId, int index) {
    return Bytes.wrap(
        ByteBuffer.allocate(traceId.length + 1 + Integer.BYTES)
            .put(traceId)
            .put(BATCH)
            .putInt(index)
            .array());
  }

  /** The stored trace, if any. */
  public static Optional<Loaded> load(
      ReadOnlyKeyValueStore<Bytes, byte[]> store,
      ByteString traceId,
      int maxSpans,
      NormalizerSettings settings) {
    return load(store, traceId, maxSpans, new StoredBatches(settings));
  }

  static Optional<Loaded> load(
      ReadOnlyKeyValueStore<Bytes, byte[]> store,
      ByteString traceId,
      int maxSpans,
      StoredBatches stored) {
    byte[] id = traceId.toByteArray();
    byte[] metaBytes = store.get(metaKey(id));
    if (metaBytes == null) {
      return Optional.empty();
    }
    TraceMeta meta = parseMeta(metaBytes);
    List<List<SpanRecord>> batches = new ArrayList<>(meta.getBatches());
    try (KeyValueIterator<Bytes, byte[]> it =
        store.range(batchKey(id, 0), batchKey(id, Integer.MAX_VALUE))) {
      while (it.hasNext()) {
        KeyValue<Bytes, byte[]> entry = it.next();
        batches.add(stored.spans(traceId, entry.value));
      }
    }
    return Optional.of(new Loaded(TraceModel.restore(traceId, batches, meta, maxSpans), meta));
  }

  /** The keys of every entry of a trace, to delete it. */
  public static List<Bytes> keys(TraceMeta meta, byte[] traceId) {
    List<Bytes> keys = new ArrayList<>(meta.getBatches() + 1);
    keys.add(metaKey(traceId));
    for (int i = 0; i < meta.getBatches(); i++) {
      keys.add(batchKey(traceId, i));
    }
    return keys;
  }

  /** Whether every span's inbound call, visit and outbound call were emitted. */
  public static boolean everythingEmitted(TraceMeta meta) {
    int all = Pairing.INBOUND_DONE | Pairing.VISIT_DONE | Pairing.OUTBOUND_DONE;
    for (int i = 0; i < meta.getFlagsCount(); i++) {
      if ((meta.getFlags(i) & all) != all) {
        return false;
      }
    }
    return true;
  }

  public static TraceMeta parseMeta(byte[] bytes) {
    try {
      return TraceMeta.parseFrom(bytes);
    } catch (InvalidProtocolBufferException e) {
      throw new IllegalStateException("corrupt trace bookkeeping", e);
    }
  }

  /** A trace from the store and its bookkeeping. */
  public record Loaded(TraceModel model, TraceMeta meta) {}
}
