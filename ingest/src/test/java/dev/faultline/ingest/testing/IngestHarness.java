package dev.faultline.ingest.testing;

import dev.faultline.broker.KafkaCluster;
import dev.faultline.ingest.config.IngestConfig;
import dev.faultline.ingest.kafka.TopicAdmin;
import dev.faultline.ingest.topology.IngestMetrics;
import dev.faultline.ingest.topology.IngestTopology;
import dev.faultline.schemas.proto.Span;
import dev.faultline.schemas.proto.SpanBatch;
import dev.faultline.schemas.serde.Serdes;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.function.Predicate;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;

/**
 * Runs the ingest stage on a real broker, on topics of its own, and reads what it wrote. Each
 * harness uses fresh topic names so that tests sharing one broker do not see each other's data.
 */
public final class IngestHarness implements AutoCloseable {
  public final KafkaCluster kafka;
  public final IngestConfig config;
  public final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  private final Path stateDir;
  private KafkaStreams streams;

  public IngestHarness(KafkaCluster kafka, String name) throws Exception {
    this.kafka = kafka;
    String suffix = name + "-" + UUID.randomUUID().toString().substring(0, 8);
    this.config =
        new IngestConfig(
            Map.of(
                IngestConfig.INPUT_TOPIC, "otlp_spans-" + suffix,
                IngestConfig.SPANS_TOPIC, "faultline.spans-" + suffix,
                IngestConfig.DLQ_TOPIC, "faultline.dlq-" + suffix,
                IngestConfig.TOPIC_PARTITIONS, 3));
    this.stateDir = Files.createTempDirectory("faultline-it-");
    try (Admin admin = Admin.create(clientConfig())) {
      new TopicAdmin(admin)
          .ensure(
              List.of(
                  new TopicAdmin.Spec(config.inputTopic(), 3, (short) 1),
                  new TopicAdmin.Spec(config.spansTopic(), 3, (short) 1),
                  new TopicAdmin.Spec(config.dlqTopic(), 1, (short) 1)),
              Duration.ofSeconds(30));
    }
  }

  public Map<String, Object> clientConfig() {
    Map<String, Object> client = new HashMap<>();
    client.put("bootstrap.servers", kafka.bootstrapServers());
    return client;
  }

  /** Starts the ingest stage as a Kafka Streams application. */
  public void startIngest() {
    StreamsBuilder builder = new StreamsBuilder();
    IngestTopology.build(builder, config, new IngestMetrics(registry));
    Properties props = new Properties();
    props.putAll(clientConfig());
    props.put(StreamsConfig.APPLICATION_ID_CONFIG, "faultline-it-" + UUID.randomUUID());
    props.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
    props.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, 100);
    props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    streams = new KafkaStreams(builder.build(), props);
    streams.start();
  }

  /** Reads spans from the spans topic until {@code done} holds for them, or the timeout. */
  public List<Span> readSpans(Predicate<List<Span>> done, Duration timeout) {
    List<Span> spans = new ArrayList<>();
    try (KafkaConsumer<byte[], SpanBatch> consumer = consumer(Serdes.spanBatch().deserializer())) {
      consumer.subscribe(List.of(config.spansTopic()));
      long deadline = System.nanoTime() + timeout.toNanos();
      while (!done.test(spans) && System.nanoTime() < deadline) {
        for (ConsumerRecord<byte[], SpanBatch> record : consumer.poll(Duration.ofMillis(200))) {
          for (Span span : record.value().getSpansList()) {
            if (!java.util.Arrays.equals(record.key(), span.getTraceId().toByteArray())) {
              throw new AssertionError("span batch keyed by another trace id");
            }
            spans.add(span);
          }
        }
      }
    }
    return spans;
  }

  /** Reads dead letters until there are {@code count}, or the timeout. */
  public List<ConsumerRecord<byte[], byte[]>> readDeadLetters(int count, Duration timeout) {
    List<ConsumerRecord<byte[], byte[]>> out = new ArrayList<>();
    try (KafkaConsumer<byte[], byte[]> consumer = consumer(new ByteArrayDeserializer())) {
      consumer.subscribe(List.of(config.dlqTopic()));
      long deadline = System.nanoTime() + timeout.toNanos();
      while (out.size() < count && System.nanoTime() < deadline) {
        consumer.poll(Duration.ofMillis(200)).forEach(out::add);
      }
    }
    return out;
  }

  private <V> KafkaConsumer<byte[], V> consumer(
      org.apache.kafka.common.serialization.Deserializer<V> values) {
    Map<String, Object> props = clientConfig();
    props.put(ConsumerConfig.GROUP_ID_CONFIG, "reader-" + UUID.randomUUID());
    props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    return new KafkaConsumer<>(props, new ByteArrayDeserializer(), values);
  }

  @Override
  public void close() throws Exception {
    if (streams != null) {
      streams.close(Duration.ofSeconds(10));
      streams.cleanUp();
    }
    try (var paths = Files.walk(stateDir)) {
      paths.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    }
  }
}
