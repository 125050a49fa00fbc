package dev.faultline.analyzer.topology;

/**
 * The input records that stored batches refer to ({@link BatchRef}), read back from Kafka when the
 * local copy is missing: after the trace store was restored from its changelog on another instance,
 * or after a crash under exactly_once_v2 wiped the task's state.
 */
public interface InputRecords extends AutoCloseable {
  /**
   * The value of the referenced record, or {@code null} when the topic no longer holds it (deleted
   * by retention, or never committed).
   *
   * @throws org.apache.kafka.common.errors.TimeoutException when the record could not be read in
   *     time (the broker is unreachable): nothing is known to be lost, so the caller should not go
   *     on as if it were
   */
  byte[] value(BatchRef ref);

  @Override
  void close();

  /** Makes the reader of a task; it must not connect before its first read. */
  @FunctionalInterface
  interface Factory {
    /**
     * @param streamsConfig the application's Kafka Streams settings
     * @param clientId the client id of the reader's consumer
     */
    InputRecords create(java.util.Map<String, Object> streamsConfig, String clientId);

    /** Readers of the Kafka cluster the application runs on. */
    Factory KAFKA = KafkaInputRecords::new;
  }

  /** None: every reference reads as lost (tests that check the loss path). */
  static InputRecords none() {
    return new InputRecords() {
      @Override
      public byte[] value(BatchRef ref) {
        return null;
      }

      @Override
      public void close() {}
    };
  }
}
