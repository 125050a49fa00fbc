package dev.faultline.cli;

import dev.faultline.analyzer.config.AnalyzerConfig;
import dev.faultline.analyzer.detect.Detectors;
import dev.faultline.analyzer.graph.GraphWindow;
import dev.faultline.analyzer.runtime.AnalyzerRuntime;
import dev.faultline.analyzer.topology.AnalyzerTopology;
import dev.faultline.broker.EmbeddedKafka;
import dev.faultline.ingest.config.IngestConfig;
import dev.faultline.ingest.receiver.OtlpReceiver;
import dev.faultline.ingest.simulate.Scenario;
import dev.faultline.ingest.simulate.ScenarioReader;
import dev.faultline.ingest.simulate.Simulator;
import dev.faultline.ingest.simulate.SpanSink;
import dev.faultline.schemas.incident.IncidentJson;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code faultline demo}: everything in one JVM, with a simulated system failing on a cycle. */
@Command(
    name = "demo",
    mixinStandardHelpOptions = true,
    description = {
      "Start a Kafka broker inside this JVM, the analyzer with its API, the OTLP receiver, and a"
          + " simulated storefront sending spans through the receiver in real time. Faults come"
          + " on a cycle (deep latency, error cascade, stopped consumer); incidents print as they"
          + " open, update and resolve, with a graph summary every few seconds. Ctrl-C stops.",
      "",
      "Example:",
      "  faultline demo",
      "  faultline demo --scenario scenarios/banking-metastable-retry-storm.json"
    })
final class DemoCommand implements Callable<Integer> {
  private static final String CYCLE = "scenarios/demo/storefront-cycle.json";
  private static final DateTimeFormatter CLOCK =
      DateTimeFormatter.ofPattern("HH:mm:ss").withZone(ZoneOffset.UTC);

  @Option(
      names = "--scenario",
      paramLabel = "FILE",
      description = "Scenario to run in a loop (default: the built-in storefront cycle).")
  Path scenarioFile;

  @Option(
      names = "--summary-seconds",
      defaultValue = "10",
      description = "Seconds between graph summaries (default: ${DEFAULT-VALUE}).")
  int summarySeconds;

  @Mixin SettingsOptions settings;

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() throws Exception {
    PrintWriter out = spec.commandLine().getOut();
    Scenario scenario =
        scenarioFile != null ? ScenarioReader.read(scenarioFile) : ScenarioReader.read(builtIn());
    Path state = Files.createTempDirectory("faultline-demo-");
    Map<String, Object> defaults = new HashMap<>();
    // Not for speed (both measured the same, docs/reliability.md): under exactly_once_v2 the
    // embedded broker refuses the first transactional writes after start-up and the producers
    // retry them (OUT_OF_ORDER_SEQUENCE_NUMBER, CONCURRENT_TRANSACTIONS), both logging errors and
    // warnings that would fill the demo's console.
    defaults.put(AnalyzerConfig.PROCESSING_GUARANTEE, "at_least_once");
    defaults.put(AnalyzerConfig.STATE_DIR, state.toString());
    // A demo beside a running collector or another service should start anyway: a default port
    // that is taken becomes a free one (the lines below print which); --set still decides.
    for (String key :
        List.of(
            AnalyzerConfig.API_PORT,
            IngestConfig.RECEIVER_HTTP_PORT,
            IngestConfig.RECEIVER_GRPC_PORT)) {
      int port = (Integer) AnalyzerConfig.CONFIG.defaultValues().get(key);
      if (!free(port)) {
        say(out, "port " + port + " (" + key + ") is taken; using a free one");
        defaults.put(key, 0);
      }
    }
    AnalyzerConfig config = settings.analyzerConfig(defaults);
    try (Lifecycle lifecycle = new Lifecycle()) {
      EmbeddedKafka broker = lifecycle.add(EmbeddedKafka.start());
      Map<String, Object> client = settings.kafkaClient(broker.bootstrapServers());
      client.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers());
      say(out, "embedded Kafka broker at " + broker.bootstrapServers());
      PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
      LiveView view = new LiveView(out, summarySeconds * 1000L);
      AnalyzerRuntime analyzer =
          lifecycle.add(
              AnalyzerRuntime.start(
                  config,
                  client,
                  registry,
                  AnalyzerTopology.Hooks.none()
                      .withDetection(() -> Detectors.engine(config))
                      .withWindowListener(view::window)));
      OtlpReceiver receiver =
          lifecycle.add(OtlpReceiver.start(config.ingest().receiver(), client, registry));
      say(
          out,
          String.format(
              "open http://localhost:%d/ for the live graph, incidents and traces (API:"
                  + " /api/v1/graph, /api/v1/incidents, live: /api/v1/incidents/stream)",
              analyzer.apiPort()));
      say(
          out,
          String.format(
              "OTLP receiver: http://localhost:%d/v1/traces, gRPC localhost:%d",
              receiver.httpPort(), receiver.grpcPort()));
      say(
          out,
          String.format(
              "simulating '%s' in real time (%s); its first %.0f s are healthy traffic to learn"
                  + " from. Ctrl-C stops.",
              scenario.name(), scenario.topology(), firstFaultSeconds(scenario)));
      AtomicBoolean stopping = new AtomicBoolean();
      Thread simulator =
          new Thread(
              () -> simulateForever(scenario, receiver.httpPort(), stopping, out), "simulator");
      simulator.setDaemon(true);
      simulator.start();
      Thread alerts =
          new Thread(() -> followAlerts(config, client, stopping, view), "alerts-follower");
      alerts.setDaemon(true);
      alerts.start();
      lifecycle.awaitStop();
      stopping.set(true);
      simulator.interrupt();
      say(out, "stopping...");
    } finally {
      deleteQuietly(state);
    }
    return 0;
  }

  private static boolean free(int port) {
    try (java.net.ServerSocket socket = new java.net.ServerSocket()) {
      socket.setReuseAddress(true);
      socket.bind(new java.net.InetSocketAddress(port));
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  private static Path builtIn() throws IOException {
    Path dir = Files.createTempDirectory("faultline-scenarios-");
    dir.toFile().deleteOnExit();
    for (String name : List.of(CYCLE, "scenarios/systems/storefront.json")) {
      Path target = dir.resolve(name);
      Files.createDirectories(target.getParent());
      try (InputStream in = DemoCommand.class.getClassLoader().getResourceAsStream(name)) {
        if (in == null) {
          throw new IllegalStateException("the jar lacks " + name);
        }
        Files.copy(in, target);
      }
      target.toFile().deleteOnExit();
    }
    return dir.resolve(CYCLE);
  }

  private static double firstFaultSeconds(Scenario scenario) {
    return scenario.faults().stream()
        .mapToDouble(f -> f.startSeconds())
        .min()
        .orElse(scenario.durationSeconds());
  }

  private static void simulateForever(
      Scenario scenario, int httpPort, AtomicBoolean stopping, PrintWriter out) {
    URI endpoint = URI.create("http://localhost:" + httpPort + "/v1/traces");
    for (long cycle = 0; !stopping.get(); cycle++) {
      try (SpanSink sink = SpanSink.otlpHttp(endpoint)) {
        new Simulator(scenario.withSeed(scenario.seed() + cycle))
            .run(
                new Simulator.Options(System.currentTimeMillis(), true, line -> {}),
                request -> {
                  if (!stopping.get()) {
                    sink.accept(request);
                  }
                });
      } catch (RuntimeException | IOException e) {
        if (stopping.get()) {
          return;
        }
        say(out, "simulator: " + e.getMessage());
        return;
      }
    }
  }

  private static void followAlerts(
      AnalyzerConfig config, Map<String, Object> client, AtomicBoolean stopping, LiveView view) {
    Map<String, Object> settings = new HashMap<>(client);
    settings.put(ConsumerConfig.GROUP_ID_CONFIG, "faultline-demo-" + UUID.randomUUID());
    settings.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    settings.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    try (KafkaConsumer<String, byte[]> consumer =
        new KafkaConsumer<>(settings, new StringDeserializer(), new ByteArrayDeserializer())) {
      consumer.subscribe(List.of(config.alertsTopic()));
      while (!stopping.get()) {
        for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(500))) {
          if (record.value() != null) {
            try {
              view.incident(AlertsCommand.line(IncidentJson.read(record.value())));
            } catch (IOException e) {
              view.incident("(unreadable incident: " + e.getMessage() + ")");
            }
          }
        }
      }
    } catch (WakeupException | org.apache.kafka.common.errors.InterruptException e) {
      // stopping
    }
  }

  private static void say(PrintWriter out, String line) {
    synchronized (out) {
      out.println(CLOCK.format(Instant.now()) + "  " + line);
      out.flush();
    }
  }

  private static void deleteQuietly(Path root) {
    try (var paths = Files.walk(root)) {
      paths.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      // a temporary directory; the OS cleans it eventually
    }
  }

  /** The compact live view: a graph summary now and then, every incident state as it comes. */
  static final class LiveView {
    private final PrintWriter out;
    private final long everyMs;
    private final AtomicLong lastSummary = new AtomicLong();
    private long calls;
    private long errors;
    private long windowMs;
    private final Set<String> services = new HashSet<>();
    private int edges;

    LiveView(PrintWriter out, long everyMs) {
      this.out = out;
      this.everyMs = everyMs;
    }

    synchronized void window(GraphWindow window) {
      services.clear();
      window.nodes().forEach(n -> services.add(n.getService()));
      window.edges().forEach(e -> services.add(e.getCallee().getName()));
      edges = window.edges().size();
      window.edges().forEach(e -> calls += e.getCalls());
      window.edges().forEach(e -> errors += e.getErrors());
      windowMs += window.endMs() - window.startMs();
      long now = System.currentTimeMillis();
      if (now - lastSummary.get() >= everyMs && windowMs > 0) {
        lastSummary.set(now);
        say(
            out,
            String.format(
                "graph: %d nodes, %d edges, %,.0f calls/s, %.1f %% failed (window ending %s)",
                services.size(),
                edges,
                calls * 1000.0 / windowMs,
                calls == 0 ? 0.0 : 100.0 * errors / calls,
                CLOCK.format(Instant.ofEpochMilli(window.endMs()))));
        calls = 0;
        errors = 0;
        windowMs = 0;
      }
    }

    void incident(String line) {
      say(out, "INCIDENT " + line);
    }
  }
}
