package dev.faultline.analyzer.runtime;

import static java.util.Objects.requireNonNull;

import dev.faultline.analyzer.config.AnalyzerConfig;
import dev.faultline.analyzer.topology.AnalyzerMetrics;
import dev.faultline.analyzer.topology.AnalyzerTopology;
import dev.faultline.ingest.config.IngestConfig;
import dev.faultline.ingest.kafka.TopicAdmin;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** One analyzer instance: creates its topics, runs the topology, and shuts it down in order. */
public final class AnalyzerRuntime implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(AnalyzerRuntime.class);

  private final KafkaStreams streams;
  private final Topology topology;

  private AnalyzerRuntime(KafkaStreams streams, Topology topology) {
    this.streams = streams;
    this.topology = topology;
  }

  /**
   * Ensures the topics, builds the topology and starts it.
   *
   * @param config Faultline's settings
   * @param client Kafka client settings
   * @param applicationServer {@code host:port} of this instance's API
   * @param registry meters
   */
  public static AnalyzerRuntime start(
      AnalyzerConfig config,
      Map<String, Object> client,
      String applicationServer,
      MeterRegistry registry)
      throws InterruptedException, TimeoutException {
    requireNonNull(config, "config");
    ensureTopics(config, client);
    StreamsBuilder builder = new StreamsBuilder();
    AnalyzerTopology.build(
        builder, config, new AnalyzerMetrics(registry), AnalyzerTopology.Hooks.none());
    var props = StreamsSettings.of(config, client, applicationServer);
    Topology topology = builder.build(props);
    KafkaStreams streams = new KafkaStreams(topology, props);
    streams.setUncaughtExceptionHandler(
        error -> {
          LOG.error("stream thread failed; replacing it", error);
          return StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse.REPLACE_THREAD;
        });
    streams.start();
    LOG.info(
        "analyzer {} started ({} thread(s), {})",
        config.applicationId(),
        config.streamThreads(),
        config.processingGuarantee());
    return new AnalyzerRuntime(streams, topology);
  }

  /** Creates the topics Faultline owns, if missing, and waits until they take writes. */
  public static void ensureTopics(AnalyzerConfig config, Map<String, Object> client)
      throws InterruptedException, TimeoutException {
    IngestConfig ingest = config.ingest();
    List<TopicAdmin.Spec> specs = new ArrayList<>();
    specs.add(
        new TopicAdmin.Spec(
            ingest.inputTopic(), ingest.topicPartitions(), ingest.topicReplication()));
    specs.add(
        new TopicAdmin.Spec(
            ingest.spansTopic(), ingest.topicPartitions(), ingest.topicReplication()));
    specs.add(
        new TopicAdmin.Spec(
            ingest.dlqTopic(), ingest.topicPartitions(), ingest.topicReplication()));
    // One partition: the graph stage is one task, and every instance reads all of it.
    specs.add(
        new TopicAdmin.Spec(
            config.graphTopic(),
            1,
            ingest.topicReplication(),
            java.util.Map.of("retention.ms", Long.toString(config.graphHistoryMs() * 2))));
    try (Admin admin = Admin.create(client)) {
      new TopicAdmin(admin).ensure(specs, Duration.ofSeconds(60));
    }
  }

  public KafkaStreams streams() {
    return streams;
  }

  /** A description of the running topology. */
  public String describe() {
    return topology.describe().toString();
  }

  @Override
  public void close() {
    streams.close(Duration.ofSeconds(30));
  }
}
