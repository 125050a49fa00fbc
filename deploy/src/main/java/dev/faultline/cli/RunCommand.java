package dev.faultline.cli;

import dev.faultline.analyzer.config.AnalyzerConfig;
import dev.faultline.analyzer.detect.Detectors;
import dev.faultline.analyzer.runtime.AnalyzerRuntime;
import dev.faultline.analyzer.topology.AnalyzerTopology;
import dev.faultline.broker.EmbeddedKafka;
import dev.faultline.ingest.receiver.OtlpReceiver;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.PrintWriter;
import java.util.Map;
import java.util.concurrent.Callable;
import org.apache.kafka.clients.CommonClientConfigs;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code faultline run}: an analyzer instance and the OTLP receiver. */
@Command(
    name = "run",
    mixinStandardHelpOptions = true,
    description = {
      "Run an analyzer instance and the OTLP receiver against a Kafka cluster. Instances started"
          + " with the same faultline.application.id share the work.",
      "",
      "Examples:",
      "  faultline run --bootstrap-servers kafka:9092",
      "  faultline run --embedded            (a Kafka broker inside this JVM)"
    })
final class RunCommand implements Callable<Integer> {
  @Mixin SettingsOptions settings;

  @Option(
      names = "--embedded",
      description = "Start a Kafka broker inside this JVM when no bootstrap servers are given.")
  boolean embedded;

  @Option(names = "--no-receiver", description = "Do not start the OTLP receiver.")
  boolean noReceiver;

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() throws Exception {
    PrintWriter out = spec.commandLine().getOut();
    AnalyzerConfig config = settings.analyzerConfig(Map.of());
    try (Lifecycle lifecycle = new Lifecycle()) {
      Map<String, Object> client = settings.kafkaClient(null);
      if (!client.containsKey(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG)) {
        if (!embedded) {
          throw new CommandLine.ParameterException(
              spec.commandLine(),
              "no Kafka cluster: give --bootstrap-servers (or bootstrap.servers in"
                  + " --kafka-config), or --embedded for a broker inside this JVM");
        }
        EmbeddedKafka broker = lifecycle.add(EmbeddedKafka.start());
        client.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers());
        out.printf("embedded Kafka broker at %s%n", broker.bootstrapServers());
      }
      PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
      AnalyzerRuntime analyzer =
          lifecycle.add(
              AnalyzerRuntime.start(
                  config,
                  client,
                  registry,
                  AnalyzerTopology.Hooks.none().withDetection(() -> Detectors.engine(config))));
      out.printf(
          "analyzer %s running; API: http://localhost:%d/api/v1/graph%n",
          config.applicationId(), analyzer.apiPort());
      if (!noReceiver) {
        OtlpReceiver receiver =
            lifecycle.add(OtlpReceiver.start(config.ingest().receiver(), client, registry));
        out.printf(
            "OTLP receiver: http://%s:%d/v1/traces (HTTP), %s:%d (gRPC)%n",
            config.ingest().receiver().host(),
            receiver.httpPort(),
            config.ingest().receiver().host(),
            receiver.grpcPort());
      }
      out.println("Ctrl-C stops.");
      out.flush();
      lifecycle.awaitStop();
      out.println("stopping...");
      out.flush();
    }
    return 0;
  }
}
