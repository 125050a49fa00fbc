package dev.faultline.analyzer.reliability;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListOffsetsResult;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.TopicPartition;

/** Consumer lag of a group: committed offsets against the last stable offsets. */
final class Lag {
  private Lag() {}

  /** Records the group has yet to commit, over every partition it committed on. */
  static long of(Admin admin, String group) throws Exception {
    Map<TopicPartition, OffsetAndMetadata> committed =
        admin
            .listConsumerGroupOffsets(group)
            .partitionsToOffsetAndMetadata()
            .get(10, TimeUnit.SECONDS);
    Map<TopicPartition, OffsetSpec> latest = new java.util.HashMap<>();
    committed.keySet().forEach(tp -> latest.put(tp, OffsetSpec.latest()));
    Map<TopicPartition, ListOffsetsResult.ListOffsetsResultInfo> ends =
        admin
            .listOffsets(
                latest,
                new org.apache.kafka.clients.admin.ListOffsetsOptions(
                    IsolationLevel.READ_COMMITTED))
            .all()
            .get(10, TimeUnit.SECONDS);
    long lag = 0;
    for (var entry : committed.entrySet()) {
      if (entry.getValue() != null) {
        lag += Math.max(0, ends.get(entry.getKey()).offset() - entry.getValue().offset());
      }
    }
    return lag;
  }

  /**
   * Waits until the group's lag stays at most a handful of records (a transaction marker counts as
   * an offset) for two looks in a row; returns the last lag seen.
   */
  static long awaitZero(Admin admin, String group, Duration timeout) throws Exception {
    long deadline = System.nanoTime() + timeout.toNanos();
    long lag = Long.MAX_VALUE;
    int quiet = 0;
    while (System.nanoTime() < deadline) {
      lag = of(admin, group);
      quiet = lag <= 8 ? quiet + 1 : 0;
      if (quiet == 2) {
        return lag;
      }
      Thread.sleep(1_000);
    }
    return lag;
  }
}
