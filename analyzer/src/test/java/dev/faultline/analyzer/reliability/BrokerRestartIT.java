package dev.faultline.analyzer.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import dev.faultline.analyzer.config.AnalyzerConfig;
import dev.faultline.analyzer.runtime.AnalyzerRuntime;
import dev.faultline.analyzer.topology.AnalyzerTopology;
import dev.faultline.broker.EmbeddedKafka;
import dev.faultline.broker.KafkaExtension;
import dev.faultline.ingest.config.IngestConfig;
import dev.faultline.ingest.receiver.OtlpReceiver;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.streams.KafkaStreams;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The broker goes away for ten seconds in the middle of a steady stream sent through the OTLP/HTTP
 * receiver to a running analyzer ({@code exactly_once_v2}), and comes back on the same log
 * directory and port. The receiver answers 503 while Kafka is away (the sender retries as an OTLP
 * exporter does); every span it acknowledged reaches {@code faultline.spans}; the analyzer resumes
 * by itself and counts every trace in the graph exactly once.
 */
@ExtendWith(KafkaExtension.class)
class BrokerRestartIT {
  private static final int SPANS_PER_REQUEST = 8;
  private static final Duration BEFORE = Duration.ofSeconds(8);
  private static final Duration OUTAGE = Duration.ofSeconds(10);
  private static final Duration AFTER = Duration.ofSeconds(12);

  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

  @Test
  @Timeout(value = 240, unit = TimeUnit.SECONDS)
  void receiverAnswers503WhileKafkaIsAwayAndAnalyzerResumesLosingNothing(
      EmbeddedKafka kafka, @TempDir Path state) throws Exception {
    String suffix = UUID.randomUUID().toString().substring(0, 8);
    AnalyzerConfig config = config(suffix, state);
    Map<String, Object> client =
        new HashMap<>(Map.of("bootstrap.servers", kafka.bootstrapServers()));
    try (AnalyzerRuntime analyzer =
            AnalyzerRuntime.start(
                config,
                client,
                new PrometheusMeterRegistry(PrometheusConfig.DEFAULT),
                AnalyzerTopology.Hooks.none());
        OtlpReceiver receiver =
            OtlpReceiver.start(
                config.ingest().receiver(),
                client,
                new PrometheusMeterRegistry(PrometheusConfig.DEFAULT));
        Admin admin = Admin.create(Map.of("bootstrap.servers", kafka.bootstrapServers()))) {
      assertThat(analyzer.awaitRunning(Duration.ofSeconds(60))).isTrue();
      URI endpoint = URI.create("http://127.0.0.1:" + receiver.httpPort() + "/v1/traces");
      Exporter exporter = new Exporter(http, endpoint);
      AtomicBoolean stop = new AtomicBoolean();
      CompletableFuture<Void> steady =
          CompletableFuture.runAsync(
              () -> {
                long seed = 1_000_000;
                while (!stop.get()) {
                  exporter.export(
                      Traffic.steady(System.currentTimeMillis(), SPANS_PER_REQUEST, seed++));
                  sleep(50);
                }
              });

      Thread.sleep(BEFORE.toMillis());
      long acceptedBefore = exporter.accepted();
      kafka.stop();
      long stoppedAt = System.nanoTime();
      Thread.sleep(OUTAGE.toMillis());
      long unavailableDuringOutage = exporter.unavailable();
      kafka.startup();
      long restartedAt = System.nanoTime();
      Thread.sleep(AFTER.toMillis());
      stop.set(true);
      steady.get(90, TimeUnit.SECONDS);
      // Event time moves on, so every window and trace of the steady stream closes. The drain is
      // paced in wall-clock time with spans ending now: a batch's event time is capped at its
      // record's timestamp (a host clock running ahead must not move stream time), so spans dated
      // in the future, sent at once, would not move it.
      for (int i = 0; i < 40; i++) {
        exporter.export(Traffic.drain(System.currentTimeMillis(), 1, 1_000, 8, 99 + i).get(0));
        Thread.sleep(250);
      }

      long lag = Lag.awaitZero(admin, config.applicationId(), Duration.ofSeconds(90));
      Map<String, Integer> acknowledged = exporter.acknowledgedSpans();
      Map<String, Integer> stored =
          Ledger.spansById(kafka.bootstrapServers(), config.ingest().spansTopic());
      long missing = acknowledged.keySet().stream().filter(id -> !stored.containsKey(id)).count();
      long duplicated = stored.values().stream().filter(n -> n > 1).count();
      Map<String, Long> visits =
          awaitVisits(
              kafka.bootstrapServers(),
              config.graphTopic(),
              Traffic.STEADY_SERVICE,
              stored,
              exporter,
              Duration.ofSeconds(60));
      long steadyStored = exporter.steadyStored(stored);

      System.out.printf(
          "BROKER-RESTART requests ok=%d 503s=%d (during outage %d) spans acknowledged=%d"
              + " stored=%d (distinct) missing=%d duplicated-by-retry=%d dlq=%d lag=%d"
              + " visits=%s expected %s=%d; outage %d ms, back after restart in %d ms%n",
          exporter.accepted(),
          exporter.unavailable(),
          unavailableDuringOutage,
          acknowledged.size(),
          stored.size(),
          missing,
          duplicated,
          Ledger.deadLetterSpans(kafka.bootstrapServers(), config.ingest().dlqTopic()),
          lag,
          visits,
          Traffic.STEADY_SERVICE,
          steadyStored,
          TimeUnit.NANOSECONDS.toMillis(restartedAt - stoppedAt),
          exporter.firstAcceptedAfterMs(restartedAt));

      assertThat(acceptedBefore).as("requests accepted before the outage").isPositive();
      assertThat(unavailableDuringOutage).as("503 answers while Kafka was away").isPositive();
      assertThat(exporter.failures()).as("requests given up by the exporter").isEmpty();
      assertThat(exporter.firstAcceptedAfterMs(restartedAt))
          .as("receiver accepts again after the restart")
          .isBetween(0L, 30_000L);
      assertThat(missing).as("acknowledged spans missing from faultline.spans").isZero();
      assertThat(lag).as("analyzer consumer lag at the end").isLessThanOrEqualTo(8);
      assertThat(analyzer.streams().state()).isEqualTo(KafkaStreams.State.RUNNING);
      assertThat(visits.get(Traffic.STEADY_SERVICE))
          .as("each steady trace stored counts once in the graph")
          .isEqualTo(steadyStored);
      assertThat(steadyStored).isPositive();
    }
  }

  private static Map<String, Long> awaitVisits(
      String bootstrap,
      String topic,
      String service,
      Map<String, Integer> stored,
      Exporter exporter,
      Duration timeout)
      throws InterruptedException {
    long expected = exporter.steadyStored(stored);
    long deadline = System.nanoTime() + timeout.toNanos();
    Map<String, Long> visits = Map.of();
    while (System.nanoTime() < deadline) {
      visits = Ledger.visitsByService(bootstrap, topic);
      if (visits.getOrDefault(service, 0L) >= expected) {
        Thread.sleep(2_000);
        return Ledger.visitsByService(bootstrap, topic);
      }
      Thread.sleep(1_000);
    }
    return visits;
  }

  private static AnalyzerConfig config(String suffix, Path stateDir) {
    Map<String, Object> values = new LinkedHashMap<>();
    values.put(AnalyzerConfig.APPLICATION_ID, "faultline-restart-" + suffix);
    values.put(AnalyzerConfig.STATE_DIR, stateDir.toString());
    values.put(AnalyzerConfig.PROCESSING_GUARANTEE, "exactly_once_v2");
    values.put(AnalyzerConfig.API_HOST, "127.0.0.1");
    values.put(AnalyzerConfig.API_PORT, 0);
    values.put(AnalyzerConfig.API_ADVERTISED_HOST, "127.0.0.1");
    values.put(AnalyzerConfig.GRAPH_TOPIC, "faultline.graph-" + suffix);
    values.put(AnalyzerConfig.ALERTS_TOPIC, "faultline.alerts-" + suffix);
    values.put(AnalyzerConfig.PAIRING_TIMEOUT_MS, 2_000L);
    values.put(IngestConfig.INPUT_TOPIC, "otlp_spans-" + suffix);
    values.put(IngestConfig.SPANS_TOPIC, "faultline.spans-" + suffix);
    values.put(IngestConfig.DLQ_TOPIC, "faultline.dlq-" + suffix);
    values.put(IngestConfig.TOPIC_PARTITIONS, 2);
    values.put(IngestConfig.RECEIVER_HOST, "127.0.0.1");
    values.put(IngestConfig.RECEIVER_HTTP_PORT, 0);
    values.put(IngestConfig.RECEIVER_GRPC_PORT, 0);
    values.put(IngestConfig.RECEIVER_ACK_TIMEOUT_MS, 2_000L);
    return new AnalyzerConfig(values);
  }

  private static void sleep(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /**
   * Posts requests as an OTLP exporter does: retries 503 after a pause until accepted (for at most
   * a minute), and remembers what was acknowledged.
   */
  private static final class Exporter {
    private final HttpClient http;
    private final URI endpoint;
    private final Map<String, Integer> acknowledged = new HashMap<>();
    private final Map<String, String> serviceOfSpan = new HashMap<>();
    private final List<String> failures = new java.util.ArrayList<>();
    private final TreeMap<Long, Boolean> acceptedAt = new TreeMap<>();
    private long accepted;
    private long unavailable;

    Exporter(HttpClient http, URI endpoint) {
      this.http = http;
      this.endpoint = endpoint;
    }

    void export(ExportTraceServiceRequest request) {
      long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
      while (true) {
        int status;
        try {
          status =
              http.send(
                      HttpRequest.newBuilder(endpoint)
                          .timeout(Duration.ofSeconds(10))
                          .header("Content-Type", "application/x-protobuf")
                          .POST(HttpRequest.BodyPublishers.ofByteArray(request.toByteArray()))
                          .build(),
                      HttpResponse.BodyHandlers.discarding())
                  .statusCode();
        } catch (java.io.IOException e) {
          status = -1;
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new IllegalStateException(e);
        }
        synchronized (this) {
          if (status == 200) {
            accepted++;
            acceptedAt.put(System.nanoTime(), true);
            request
                .getResourceSpansList()
                .forEach(
                    rs -> {
                      String service =
                          rs.getResource().getAttributes(0).getValue().getStringValue();
                      rs.getScopeSpansList()
                          .forEach(
                              ss ->
                                  ss.getSpansList()
                                      .forEach(
                                          s -> {
                                            String id = Ledger.hex(s.getSpanId().toByteArray());
                                            acknowledged.merge(id, 1, Integer::sum);
                                            serviceOfSpan.put(id, service);
                                          }));
                    });
            return;
          }
          if (status == 503) {
            unavailable++;
          }
          if (System.nanoTime() > deadline || (status != 503 && status != -1)) {
            failures.add("status " + status);
            return;
          }
        }
        sleep(200);
      }
    }

    synchronized long accepted() {
      return accepted;
    }

    synchronized long unavailable() {
      return unavailable;
    }

    synchronized List<String> failures() {
      return List.copyOf(failures);
    }

    synchronized Map<String, Integer> acknowledgedSpans() {
      return Map.copyOf(acknowledged);
    }

    /** Stored spans of the steady service: known ones, by what was sent. */
    synchronized long steadyStored(Map<String, Integer> stored) {
      return stored.keySet().stream()
          .filter(id -> !Traffic.DRAIN_SERVICE.equals(serviceOfSpan.get(id)))
          .count();
    }

    /** Milliseconds from {@code since} to the first accepted request after it, or -1. */
    synchronized long firstAcceptedAfterMs(long since) {
      Long first = acceptedAt.ceilingKey(since);
      return first == null ? -1 : TimeUnit.NANOSECONDS.toMillis(first - since);
    }
  }
}
