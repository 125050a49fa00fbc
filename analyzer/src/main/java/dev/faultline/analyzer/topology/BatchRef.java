package dev.faultline.analyzer.topology;

import static java.util.Objects.requireNonNull;

/**
 * The input record (topic, partition, offset) whose value a stored batch is. Trace assembly logs
 * this reference in the trace's bookkeeping instead of the batch's bytes, which it keeps in a local
 * store without a changelog ({@link TraceAssemblyProcessor#BATCHES}): the input topic is the
 * batch's changelog, as a source topic is a source table's in Kafka Streams.
 */
public record BatchRef(String topic, int partition, long offset) {
  public BatchRef {
    requireNonNull(topic, "topic");
    if (partition < 0 || offset < 0) {
      throw new IllegalArgumentException("no such record: " + partition + "@" + offset);
    }
  }

  @Override
  public String toString() {
    return topic + "-" + partition + "@" + offset;
  }
}
