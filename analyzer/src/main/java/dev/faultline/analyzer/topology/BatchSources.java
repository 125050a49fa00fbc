package dev.faultline.analyzer.topology;

import dev.faultline.schemas.proto.TraceMeta;
import java.util.Arrays;

/**
 * Which of a trace's batches are stored by reference, and to which records: the fields {@code
 * source_*} of its bookkeeping ({@link TraceMeta}), kept with the trace in memory. A trace's
 * records all come from one partition of one topic (the input is partitioned by trace); a batch
 * from elsewhere is stored by value.
 */
final class BatchSources {
  private String topic = "";
  private int partition;
  private long[] offsets = new long[0];
  private int size;

  static BatchSources of(TraceMeta meta) {
    BatchSources sources = new BatchSources();
    sources.topic = meta.getSourceTopic();
    sources.partition = meta.getSourcePartition();
    sources.size = meta.getSourceOffsetsCount();
    sources.offsets = new long[sources.size];
    for (int i = 0; i < sources.size; i++) {
      sources.offsets[i] = meta.getSourceOffsets(i);
    }
    return sources;
  }

  /**
   * Records batch {@code index} as a reference to {@code ref}, if the trace's references can name
   * it.
   *
   * @return whether it was recorded; if not, the batch must be stored by value
   */
  boolean refer(int index, BatchRef ref) {
    if (topic.isEmpty()) {
      topic = ref.topic();
      partition = ref.partition();
    } else if (!topic.equals(ref.topic()) || partition != ref.partition()) {
      return false;
    }
    if (index >= offsets.length) {
      offsets = Arrays.copyOf(offsets, Math.max(index + 1, offsets.length * 2));
    }
    offsets[index] = ref.offset() + 1;
    size = Math.max(size, index + 1);
    return true;
  }

  /** The reference of batch {@code index}, or {@code null} when it is stored by value. */
  static BatchRef refOf(TraceMeta meta, int index) {
    if (index >= meta.getSourceOffsetsCount() || meta.getSourceOffsets(index) == 0) {
      return null;
    }
    return new BatchRef(
        meta.getSourceTopic(), meta.getSourcePartition(), meta.getSourceOffsets(index) - 1);
  }

  /** Adds the references to the bookkeeping being built. */
  TraceMeta.Builder writeTo(TraceMeta.Builder meta) {
    if (size > 0) {
      meta.setSourceTopic(topic).setSourcePartition(partition);
      for (int i = 0; i < size; i++) {
        meta.addSourceOffsets(offsets[i]);
      }
    }
    return meta;
  }
}
