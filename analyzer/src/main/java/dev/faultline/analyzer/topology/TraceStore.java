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
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;

/**
 * The layout of the trace-buffer store: per trace, its bookkeeping under {@code id + 0x00} and each
 * batch that brought spans under {@code id + 0x01 + n}, so adding a batch writes the batch once and
 * never rewrites the trace. A batch stored by reference to its input record ({@link BatchRef},
 * named in the bookkeeping: {@link BatchSources}) has its bytes under the same key in the local
 * store {@link TraceAssemblyProcessor#BATCHES} instead ({@link BatchBytes}).
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
      BatchBytes bytes,
      ByteString traceId,
      int maxSpans,
      NormalizerSettings settings) {
    return load(store, bytes, traceId, maxSpans, new StoredBatches(settings));
  }

  /**
   * The stored trace, if any. A batch whose bytes are lost ({@link BatchBytes#of}) ends it: the
   * bookkeeping's flags are by span position, so the batches after a lost one are left out too.
   */
  static Optional<Loaded> load(
      ReadOnlyKeyValueStore<Bytes, byte[]> store,
      BatchBytes bytes,
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
    for (int i = 0; i < meta.getBatches(); i++) {
      Bytes key = batchKey(id, i);
      BatchRef ref = BatchSources.refOf(meta, i);
      byte[] batch = ref != null ? bytes.of(key, ref) : store.get(key);
      if (batch == null) {
        break;
      }
      batches.add(stored.spans(traceId, batch));
    }
    return Optional.of(new Loaded(TraceModel.restore(traceId, batches, meta, maxSpans), meta));
  }

  /**
   * The keys of a trace's entries, to delete it: in the trace store (its bookkeeping and the
   * batches stored by value), and in the local store (the batches stored by reference).
   */
  static Keys keys(TraceMeta meta, byte[] traceId) {
    List<Bytes> logged = new ArrayList<>(meta.getBatches() + 1);
    List<Bytes> local = new ArrayList<>(meta.getSourceOffsetsCount());
    logged.add(metaKey(traceId));
    for (int i = 0; i < meta.getBatches(); i++) {
      (BatchSources.refOf(meta, i) != null ? local : logged).add(batchKey(traceId, i));
    }
    return new Keys(logged, local);
  }

  /** A trace's keys in the trace store and in the local store of batches. */
  record Keys(List<Bytes> logged, List<Bytes> local) {}

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
