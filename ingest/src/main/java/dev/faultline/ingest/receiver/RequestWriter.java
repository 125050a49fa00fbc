package dev.faultline.ingest.receiver;

import static java.util.Objects.requireNonNull;

import dev.faultline.ingest.otlp.OtlpEncoding;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * Writes received requests to the input topic, as the collector's kafkaexporter would, with a
 * {@code content-type} header naming the encoding. The producer is idempotent with {@code
 * acks=all}: a request is only acknowledged to its sender once every in-sync replica has it.
 */
final class RequestWriter implements AutoCloseable {
  private final Producer<byte[], byte[]> producer;
  private final String topic;

  RequestWriter(Producer<byte[], byte[]> producer, String topic) {
    this.producer = requireNonNull(producer, "producer");
    this.topic = requireNonNull(topic, "topic");
  }

  /**
   * The producer settings of the receiver over the user's client settings: durability settings are
   * forced, the rest keep the user's values where given.
   */
  static Map<String, Object> producerConfig(Map<String, Object> client, long ackTimeoutMs) {
    Map<String, Object> config = new HashMap<>(client);
    config.put(ProducerConfig.ACKS_CONFIG, "all");
    config.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
    config.putIfAbsent(ProducerConfig.LINGER_MS_CONFIG, 5);
    config.putIfAbsent(ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4");
    config.putIfAbsent(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, 32 * 1024 * 1024);
    // A full buffer or an unknown leader must turn into a quick 503, not a hung request.
    config.putIfAbsent(ProducerConfig.MAX_BLOCK_MS_CONFIG, 1_000);
    long requestTimeout = Math.max(1_000, Math.min(30_000, ackTimeoutMs - 100));
    config.putIfAbsent(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, (int) requestTimeout);
    config.putIfAbsent(
        ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG,
        (int) Math.max(ackTimeoutMs, requestTimeout + 5));
    config.putIfAbsent(ProducerConfig.CLIENT_ID_CONFIG, "faultline-receiver");
    return config;
  }

  static RequestWriter create(Map<String, Object> clientConfig, String topic, long ackTimeoutMs) {
    return new RequestWriter(
        new KafkaProducer<>(
            producerConfig(clientConfig, ackTimeoutMs),
            new ByteArraySerializer(),
            new ByteArraySerializer()),
        topic);
  }

  /** Sends one request body; the future completes when Kafka acknowledged it, or fails. */
  CompletableFuture<Void> write(byte[] body, OtlpEncoding encoding) {
    CompletableFuture<Void> done = new CompletableFuture<>();
    RecordHeaders headers = new RecordHeaders();
    headers.add(
        OtlpEncoding.CONTENT_TYPE_HEADER, encoding.mediaType().getBytes(StandardCharsets.UTF_8));
    try {
      producer.send(
          new ProducerRecord<>(topic, null, null, null, body, headers),
          (metadata, error) -> {
            if (error == null) {
              done.complete(null);
            } else {
              done.completeExceptionally(error);
            }
          });
    } catch (RuntimeException e) {
      done.completeExceptionally(e);
    }
    return done;
  }

  @Override
  public void close() {
    producer.close();
  }
}
