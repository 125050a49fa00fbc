package dev.faultline.analyzer.runtime;

import static java.util.Objects.requireNonNull;

import dev.faultline.analyzer.config.AnalyzerConfig;
import dev.faultline.analyzer.query.ApiGuard;
import dev.faultline.analyzer.query.ApiServer;
import dev.faultline.analyzer.query.Endpoints;
import dev.faultline.analyzer.query.GraphQueries;
import dev.faultline.analyzer.query.IncidentFeed;
import dev.faultline.analyzer.query.IncidentQueries;
import dev.faultline.analyzer.query.QueryApi;
import dev.faultline.analyzer.query.TlsContext;
import dev.faultline.analyzer.query.TraceQueries;
import dev.faultline.analyzer.topology.AnalyzerMetrics;
import dev.faultline.analyzer.topology.AnalyzerTopology;
import dev.faultline.analyzer.topology.InputRecords;
import dev.faultline.analyzer.web.WebPage;
import dev.faultline.ingest.config.IngestConfig;
import dev.faultline.ingest.kafka.TopicAdmin;
import io.micrometer.core.instrument.binder.kafka.KafkaStreamsMetrics;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;
import javax.net.ssl.SSLContext;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StoreQueryParameters;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler;
import org.apache.kafka.streams.state.HostInfo;
import org.apache.kafka.streams.state.QueryableStoreTypes;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One analyzer instance: creates its topics, serves the API, runs the topology, and shuts them down
 * in order. The API starts first so that its real port (which may be picked freely) is what the
 * instance advertises to the others for interactive queries.
 */
public final class AnalyzerRuntime implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(AnalyzerRuntime.class);

  private final KafkaStreams streams;
  private final Topology topology;
  private final ApiServer api;
  private final KafkaStreamsMetrics streamsMetrics;
  private final HostInfo advertised;
  private final InputRecords queryInput;

  private AnalyzerRuntime(
      KafkaStreams streams,
      Topology topology,
      ApiServer api,
      KafkaStreamsMetrics streamsMetrics,
      HostInfo advertised,
      InputRecords queryInput) {
    this.streams = streams;
    this.topology = topology;
    this.api = api;
    this.streamsMetrics = streamsMetrics;
    this.advertised = advertised;
    this.queryInput = queryInput;
  }

  /**
   * Ensures the topics, starts the API and the topology.
   *
   * @param config Faultline's settings
   * @param client Kafka client settings
   * @param registry meters, scraped at /metrics
   * @param hooks what else listens to the topology (detectors)
   */
  public static AnalyzerRuntime start(
      AnalyzerConfig requested,
      Map<String, Object> client,
      PrometheusMeterRegistry registry,
      AnalyzerTopology.Hooks hooks)
      throws InterruptedException, TimeoutException, IOException {
    requireNonNull(requested, "config");
    AnalyzerConfig config = ensureTopics(requested, client);
    AnalyzerMetrics metrics = new AnalyzerMetrics(registry);
    AtomicReference<InputRecords> queryInput = new AtomicReference<>();
    AtomicReference<KafkaStreams> running = new AtomicReference<>();
    String host = config.apiAdvertisedHost();
    if (host.isBlank()) {
      host = InetAddress.getLocalHost().getHostName();
    }
    GraphQueries graph =
        new GraphQueries(() -> globalStore(running.get(), AnalyzerTopology.GRAPH_STORE));
    IncidentQueries incidents =
        new IncidentQueries(() -> globalStore(running.get(), AnalyzerTopology.INCIDENT_STORE));
    IncidentFeed feed = new IncidentFeed();
    boolean keyedByCollector = config.ingest().inputKeyedByTrace();
    AtomicReference<HostInfo> self = new AtomicReference<>();
    ApiGuard.Options guard = apiOptions(config);
    ApiServer api;
    try {
      List<ApiServer.Route> routes = new ArrayList<>();
      QueryApi queries =
          new QueryApi(
              graph,
              () ->
                  running.get() == null
                      ? null
                      : new TraceQueries(
                          running.get(),
                          keyedByCollector,
                          config.ingest().normalizer(),
                          queryInput.get(),
                          metrics),
              () -> self.get(),
              config.graphHistoryMs(),
              guard);
      routes.addAll(Endpoints.of(queries, incidents, running::get, registry));
      routes.addAll(WebPage.routes());
      api =
          ApiServer.start(
              config.apiHost(),
              config.apiPort(),
              routes,
              Endpoints.streams(incidents, feed),
              guard);
    } catch (IOException e) {
      throw new IOException(
          "cannot serve the API on "
              + config.apiHost()
              + ":"
              + config.apiPort()
              + " ("
              + AnalyzerConfig.API_PORT
              + "): "
              + e.getMessage(),
          e);
    }
    HostInfo advertised = new HostInfo(host, api.port());
    self.set(advertised);
    StreamsBuilder builder = new StreamsBuilder();
    AnalyzerTopology.build(builder, config, metrics, hooks.withIncidentListener(feed));
    var props = StreamsSettings.of(config, client, advertised.host() + ":" + advertised.port());
    InputRecords input =
        hooks.inputRecords().create(asMap(props), config.applicationId() + "-query-input-records");
    queryInput.set(input);
    Topology topology = builder.build(props);
    KafkaStreams streams = new KafkaStreams(topology, props);
    streams.setUncaughtExceptionHandler(
        error -> {
          LOG.error("stream thread failed; replacing it", error);
          return StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse.REPLACE_THREAD;
        });
    KafkaStreamsMetrics streamsMetrics = new KafkaStreamsMetrics(streams);
    streamsMetrics.bindTo(registry);
    running.set(streams);
    streams.start();
    LOG.info(
        "analyzer {} started ({} thread(s), {}), API on port {}",
        config.applicationId(),
        config.streamThreads(),
        config.processingGuarantee(),
        api.port());
    return new AnalyzerRuntime(streams, topology, api, streamsMetrics, advertised, input);
  }

  private static Map<String, Object> asMap(java.util.Properties props) {
    Map<String, Object> map = new java.util.HashMap<>();
    props.forEach((key, value) -> map.put(key.toString(), value));
    return map;
  }

  /** The API's protections from the settings (TLS context loaded from the keystore). */
  static ApiGuard.Options apiOptions(AnalyzerConfig config) throws IOException {
    SSLContext tls =
        config.apiTlsKeystorePath().isBlank()
            ? null
            : TlsContext.fromKeystore(
                Path.of(config.apiTlsKeystorePath()),
                config.apiTlsKeystorePassword(),
                config.apiTlsKeystoreType());
    return new ApiGuard.Options(
        config.apiAuthToken(),
        tls,
        config.apiCorsOrigins(),
        config.apiRateLimit(),
        config.apiMaxRequestBytes());
  }

  private static <K> ReadOnlyKeyValueStore<K, byte[]> globalStore(
      KafkaStreams streams, String name) {
    if (streams == null) {
      throw new org.apache.kafka.streams.errors.InvalidStateStoreException("not started");
    }
    return streams.store(
        StoreQueryParameters.fromNameAndType(name, QueryableStoreTypes.<K, byte[]>keyValueStore()));
  }

  /**
   * Creates the topics Faultline owns, if missing, and waits until they take writes.
   *
   * @return {@code config}, with batches stored by value if the topic trace assembly reads does not
   *     keep records long enough to refer to them ({@link InputRetention})
   */
  public static AnalyzerConfig ensureTopics(AnalyzerConfig config, Map<String, Object> client)
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
            Map.of("retention.ms", Long.toString(config.graphHistoryMs() * 2))));
    // Compacted: the latest state of every incident stays; deleted after a week.
    specs.add(
        new TopicAdmin.Spec(
            config.alertsTopic(),
            1,
            ingest.topicReplication(),
            Map.of(
                "cleanup.policy",
                "compact,delete",
                "retention.ms",
                Long.toString(7L * 24 * 3600 * 1000))));
    try (Admin admin = Admin.create(client)) {
      new TopicAdmin(admin).ensure(specs, Duration.ofSeconds(60));
      return InputRetention.checked(config, admin);
    }
  }

  public KafkaStreams streams() {
    return streams;
  }

  /** Port of the API and web page. */
  public int apiPort() {
    return api.port();
  }

  /** The address this instance advertises to the others. */
  public HostInfo advertised() {
    return advertised;
  }

  /** Waits until the topology runs (or the timeout passes). */
  public boolean awaitRunning(Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      if (streams.state() == KafkaStreams.State.RUNNING) {
        return true;
      }
      Thread.sleep(50);
    }
    return false;
  }

  /** A description of the running topology. */
  public String describe() {
    return topology.describe().toString();
  }

  @Override
  public void close() {
    api.close();
    streams.close(Duration.ofSeconds(30));
    streamsMetrics.close();
    queryInput.close();
  }
}
