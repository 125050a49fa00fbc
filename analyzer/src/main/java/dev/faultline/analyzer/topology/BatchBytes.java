package dev.faultline.analyzer.topology;

import static java.util.Objects.requireNonNull;

import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BiConsumer;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The bytes of a trace store's batch entry: the entry itself when the batch is stored by value; for
 * a reference ({@link BatchRef}), the local copy in {@link TraceAssemblyProcessor#BATCHES}, or else
 * the input record it names, read from Kafka and kept locally for the next read.
 */
public final class BatchBytes {
  private static final Logger LOG = LoggerFactory.getLogger(BatchBytes.class);

  /** What became of a reference whose local copy was missing. */
  public interface Listener {
    void fetched();

    void lost();

    Listener NONE =
        new Listener() {
          @Override
          public void fetched() {}

          @Override
          public void lost() {}
        };
  }

  private final ReadOnlyKeyValueStore<Bytes, byte[]> local;
  private final InputRecords input;
  private final BiConsumer<Bytes, byte[]> keep;
  private final Listener listener;
  private static final AtomicBoolean WARNED = new AtomicBoolean();

  /**
   * @param local the local copies
   * @param input where a missing copy is read from
   * @param keep stores a copy read from Kafka (a no-op where the store is read-only)
   * @param listener counts reads from Kafka and losses
   */
  public BatchBytes(
      ReadOnlyKeyValueStore<Bytes, byte[]> local,
      InputRecords input,
      BiConsumer<Bytes, byte[]> keep,
      Listener listener) {
    this.local = requireNonNull(local, "local");
    this.input = requireNonNull(input, "input");
    this.keep = requireNonNull(keep, "keep");
    this.listener = requireNonNull(listener, "listener");
  }

  /** The local copies only: a missing one reads as lost. */
  public static BatchBytes local(ReadOnlyKeyValueStore<Bytes, byte[]> local) {
    return new BatchBytes(local, InputRecords.none(), (key, value) -> {}, Listener.NONE);
  }

  /**
   * The bytes of the batch stored by reference under {@code key}, or {@code null} when they are
   * lost (its input record deleted before the trace was forgotten).
   */
  byte[] of(Bytes key, BatchRef ref) {
    byte[] copy = local.get(key);
    if (copy != null) {
      return copy;
    }
    byte[] value = input.value(ref);
    if (value == null) {
      listener.lost();
      if (WARNED.compareAndSet(false, true)) {
        LOG.warn(
            "input record {} of a stored trace is gone (the topic's retention is shorter than the"
                + " trace's pairing timeout plus retention?): its spans are lost;"
                + " faultline_trace_batches_lost_total counts them, logged once per process",
            ref);
      }
      return null;
    }
    listener.fetched();
    keep.accept(key, value);
    return value;
  }
}
