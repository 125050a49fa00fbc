package dev.faultline.cli.bench;

import static java.util.Objects.requireNonNull;

import dev.faultline.analyzer.config.AnalyzerConfig;
import dev.faultline.analyzer.detect.Detectors;
import dev.faultline.analyzer.eval.ScenarioEvaluation;
import dev.faultline.analyzer.runtime.AnalyzerRuntime;
import dev.faultline.analyzer.runtime.StreamsSettings;
import dev.faultline.analyzer.topology.AnalyzerMetrics;
import dev.faultline.analyzer.topology.AnalyzerTopology;
import dev.faultline.ingest.config.IngestConfig;
import dev.faultline.ingest.kafka.TopicAdmin;
import dev.faultline.ingest.simulate.Simulator;
import dev.faultline.ingest.simulate.SpanSink;
import dev.faultline.schemas.incident.Incident;
import dev.faultline.schemas.incident.IncidentJson;
import dev.faultline.schemas.incident.IncidentStatus;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsBuilder;

/**
 * Detection latency, wall clock: the full analyzer (detectors included) runs on the embedded broker
 * while the simulator plays a {@link FaultCycle} into its input topic, and each fault's latency is
 * the time from its start to the first incident on the alerts topic that names its root cause as
 * {@code faultline eval} judges it.
 *
 * <p>Only the approach to each fault runs in real time. The healthy stretches between faults
 * (learning, recovery) are simulated as fast as the machine allows, event time running ahead of the
 * wall clock, which saves minutes and changes nothing for detection, which works in event time.
 * Before each fault is approached the analyzer is let to catch up (its consumer group has committed
 * the whole input), then from {@link #LEAD_SECONDS} before the fault the simulator is paced to the
 * wall clock, as {@code faultline simulate --realtime} does, and synthetic traffic of other
 * services ({@link SyntheticTraffic}, in step with the simulator's clock) brings the load up to
 * {@code --latency-rate}.
 */
final class DetectionLatencyBenchmark {
  static final long LEAD_SECONDS = 15;

  private final Map<String, Object> client;
  private final LatencyOptions options;
  private final int partitions;
  private final String guarantee;
  private final Map<String, String> settings;
  private final Map<String, String> kafka;
  private final PrintWriter log;
  private final String run = "latency-" + UUID.randomUUID().toString().substring(0, 8);
  private final String input = "bench-otlp-" + run;
  private final String spansTopic = "bench-spans-" + run;
  private final String alerts = "bench-alerts-" + run;
  private final List<Alert> received = new CopyOnWriteArrayList<>();
  private volatile boolean stopped;

  /** An incident state and when it was read from the alerts topic. */
  record Alert(long receivedMs, Incident incident) {}

  DetectionLatencyBenchmark(
      Map<String, Object> client,
      LatencyOptions options,
      int partitions,
      String guarantee,
      Map<String, String> settings,
      Map<String, String> kafka,
      PrintWriter log) {
    this.client = requireNonNull(client, "client");
    this.options = requireNonNull(options, "options");
    this.partitions = partitions;
    this.guarantee = requireNonNull(guarantee, "guarantee");
    this.settings = Map.copyOf(settings);
    this.kafka = Map.copyOf(kafka);
    this.log = requireNonNull(log, "log");
    if (options.faults < 1 || options.rate <= 0 || options.timeoutSeconds <= 0) {
      throw new IllegalArgumentException(
          "--latency-faults, --latency-rate and --latency-timeout must be positive");
    }
  }

  LatencyResult run() throws Exception {
    FaultCycle cycle = FaultCycle.of(options.scenarioFiles(), options.faults);
    Path stateDir = Files.createTempDirectory("faultline-bench-");
    Map<String, Object> values = new HashMap<>();
    values.put(IngestConfig.INPUT_TOPIC, input);
    values.put(IngestConfig.SPANS_TOPIC, spansTopic);
    values.put(IngestConfig.DLQ_TOPIC, "bench-dlq-" + run);
    values.put(IngestConfig.TOPIC_PARTITIONS, partitions);
    values.put(AnalyzerConfig.APPLICATION_ID, "bench-analyzer-" + run);
    values.put(AnalyzerConfig.STATE_DIR, stateDir.toString());
    values.put(AnalyzerConfig.PROCESSING_GUARANTEE, guarantee);
    values.put(AnalyzerConfig.GRAPH_TOPIC, "bench-graph-" + run);
    values.put(AnalyzerConfig.ALERTS_TOPIC, alerts);
    values.putAll(settings); // --set, as for the other analyzer stages
    AnalyzerConfig requested = new AnalyzerConfig(values);
    try (Admin admin = Admin.create(client)) {
      new TopicAdmin(admin)
          .ensure(
              List.of(new TopicAdmin.Spec(input, partitions, (short) -1)), Duration.ofSeconds(60));
      // As a running analyzer does: batches by reference only if the input keeps them long enough.
      AnalyzerConfig config = AnalyzerRuntime.ensureTopics(requested, client);
      StreamsBuilder builder = new StreamsBuilder();
      SimpleMeterRegistry registry = new SimpleMeterRegistry();
      AnalyzerTopology.build(
          builder,
          config,
          new AnalyzerMetrics(registry),
          AnalyzerTopology.Hooks.none().withDetection(() -> Detectors.engine(config)));
      Map<String, Object> streamsClient = new HashMap<>(client);
      streamsClient.putAll(kafka); // --kafka
      Properties props = StreamsSettings.of(config, streamsClient, "localhost:0");
      Thread reader = new Thread(this::readAlerts, "bench-alerts-reader");
      reader.setDaemon(true);
      try (KafkaStreams streams = new KafkaStreams(builder.build(props), props);
          KafkaProducer<byte[], byte[]> producer = producer()) {
        streams.start();
        reader.start();
        log.printf(
            "detection latency: %d faults of %s, watched at %,.0f spans/s; healthy stretches"
                + " simulated fast, each fault approached in real time (%d s lead, %.0f s"
                + " timeout)%n",
            cycle.faults().size(),
            cycle.faults().stream().map(FaultCycle.Fault::name).distinct().toList(),
            options.rate,
            LEAD_SECONDS,
            options.timeoutSeconds);
        log.flush();
        Lag lag = new Lag(admin, config.applicationId(), List.of(input, spansTopic));
        // The whole run lies in the past: the simulated time that runs fast must never pass the
        // wall clock, or its spans would come from the future, whose event time ingest caps at
        // the record's timestamp (so the windows of a later fault would not close in time).
        FaultCycle.Fault last = cycle.faults().get(cycle.faults().size() - 1);
        long startEpochMs =
            System.currentTimeMillis()
                - (long) ((last.startSeconds() + options.timeoutSeconds + 5) * 1000);
        FaultPacer pacer =
            new FaultPacer(
                cycle,
                startEpochMs,
                producer,
                config.ingest().inputKeyedByTrace()
                    ? CollectorSplit.keyedSink(producer, input, partitions)
                    : SpanSink.kafka(producer, input),
                options,
                lag,
                received,
                log);
        try {
          new Simulator(cycle.scenario())
              .run(new Simulator.Options(startEpochMs, false, line -> {}), pacer);
        } catch (FaultPacer.Done done) {
          // Every fault was watched: the rest of the run is not needed.
        }
        pacer.endPhase();
        // What arrived after its window had closed (counted in a later one): the price of a
        // shorter faultline.window.grace.ms.
        log.printf(
            "late: %,.0f spans after their trace was resolved, %,.0f calls and visits after their"
                + " window closed, %,.0f window parts after their window was published%n",
            counter(registry, "faultline.trace.late.spans"),
            counter(registry, "faultline.window.late.records"),
            counter(registry, "faultline.graph.late.partials"));
        return LatencyResult.of(
            judge(cycle, pacer, startEpochMs), options.rate, pacer.achievedRate());
      } finally {
        stopped = true;
        reader.join(5_000);
      }
    } finally {
      BenchFiles.deleteTree(stateDir);
    }
  }

  private static double counter(SimpleMeterRegistry registry, String name) {
    return registry.find(name).counters().stream()
        .mapToDouble(io.micrometer.core.instrument.Counter::count)
        .sum();
  }

  /** Each fault's outcome, from the incidents read while it was watched. */
  private List<LatencyResult.Fault> judge(FaultCycle cycle, FaultPacer pacer, long startEpochMs) {
    List<LatencyResult.Fault> out = new ArrayList<>();
    for (int i = 0; i < cycle.faults().size(); i++) {
      FaultCycle.Fault fault = cycle.faults().get(i);
      Watch watch = new Watch(cycle, fault, startEpochMs, pacer.wallStart(i));
      long deadline = watch.wallStartMs() + (long) (options.timeoutSeconds * 1000);
      Alert right = watch.firstRight(received, deadline);
      Alert first = watch.first(received, deadline);
      out.add(
          new LatencyResult.Fault(
              fault.name(),
              fault.truth(),
              right == null ? Double.NaN : (right.receivedMs() - watch.wallStartMs()) / 1000.0,
              right == null
                  ? Double.NaN
                  : (Instant.parse(right.incident().eventTime()).toEpochMilli()
                          - watch.eventStartMs())
                      / 1000.0,
              right == null ? null : right.incident().type().name(),
              first == null ? null : first.incident().rootCause().node(),
              pacer.lagAtStart(i)));
    }
    return out;
  }

  /**
   * Which incident states count for one fault: open or updated states, read after the fault
   * started, of incidents that did not exist before it (no state of theirs has an earlier event
   * time), in the order read; the right one names the truth as {@code faultline eval} judges a root
   * cause.
   *
   * @param root the graph nodes that are the truth
   * @param eventStartMs the fault's start in event time
   * @param wallStartMs the fault's start on the wall clock (-1: never reached)
   */
  record Watch(Set<String> root, long eventStartMs, long wallStartMs) {
    Watch(FaultCycle cycle, FaultCycle.Fault fault, long startEpochMs, long wallStartMs) {
      this(
          ScenarioEvaluation.nodesOf(cycle.scenario(), fault.truth()),
          startEpochMs + (long) (fault.startSeconds() * 1000),
          wallStartMs);
    }

    Alert firstRight(List<Alert> alerts, long deadlineMs) {
      for (Alert alert : counted(alerts, deadlineMs)) {
        if (root.contains(alert.incident().rootCause().node())) {
          return alert;
        }
      }
      return null;
    }

    Alert first(List<Alert> alerts, long deadlineMs) {
      List<Alert> counted = counted(alerts, deadlineMs);
      return counted.isEmpty() ? null : counted.get(0);
    }

    private List<Alert> counted(List<Alert> alerts, long deadlineMs) {
      List<Alert> out = new ArrayList<>();
      if (wallStartMs < 0) {
        return out;
      }
      Set<String> older = new java.util.HashSet<>();
      for (Alert alert : alerts) {
        if (Instant.parse(alert.incident().eventTime()).toEpochMilli() < eventStartMs) {
          older.add(alert.incident().id());
        }
      }
      for (Alert alert : alerts) {
        Incident incident = alert.incident();
        if (incident.status() != IncidentStatus.RESOLVED
            && !older.contains(incident.id())
            && alert.receivedMs() >= wallStartMs
            && alert.receivedMs() <= deadlineMs) {
          out.add(alert);
        }
      }
      return out;
    }
  }

  /** A queue incident's state and cause (stopped or growing; which side), to tell its rule. */
  private static String queueState(Incident incident) {
    Object state = incident.details().get("state");
    return state == null ? "" : "; " + state + ", " + incident.details().get("cause");
  }

  private void readAlerts() {
    Map<String, Object> config = new HashMap<>(client);
    config.put(ConsumerConfig.GROUP_ID_CONFIG, "bench-alerts-" + run);
    config.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    // As a subscriber of the alerts topic should read it (README, reliability.md): under
    // exactly_once_v2 an incident counts when its transaction committed, not when it was written.
    config.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    try (KafkaConsumer<byte[], byte[]> consumer =
        new KafkaConsumer<>(config, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
      consumer.subscribe(List.of(alerts));
      while (!stopped) {
        for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(100))) {
          long now = System.currentTimeMillis();
          try {
            Incident incident = IncidentJson.read(record.value());
            received.add(new Alert(now, incident));
            log.printf(
                "    alert %s %s %s, root %s, event time %s; evidence %s%s%n",
                incident.id(),
                incident.status(),
                incident.type(),
                incident.rootCause().node(),
                incident.eventTime(),
                incident.rootCause().evidence().stream()
                    .limit(3)
                    .map(e -> e.signal() + " " + e.before() + " -> " + e.now() + " " + e.unit())
                    .toList(),
                queueState(incident));
            log.flush();
          } catch (java.io.IOException e) {
            log.printf("  (unreadable incident at offset %d: %s)%n", record.offset(), e);
          }
        }
      }
    }
  }

  private KafkaProducer<byte[], byte[]> producer() {
    // As faultline simulate --kafka sends.
    Map<String, Object> config = new HashMap<>(client);
    config.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4");
    config.put(ProducerConfig.LINGER_MS_CONFIG, 20);
    return new KafkaProducer<>(config, new ByteArraySerializer(), new ByteArraySerializer());
  }
}
