package dev.faultline.cli;

import dev.faultline.analyzer.config.AnalyzerConfig;
import dev.faultline.ingest.config.IngestConfig;
import dev.faultline.ingest.kafka.TopicAdmin;
import dev.faultline.ingest.receiver.OtlpReceiver;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.admin.Admin;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code faultline receive}: only the OTLP receiver, writing to the input topic. */
@Command(
    name = "receive",
    mixinStandardHelpOptions = true,
    description = {
      "Receive OTLP traces (HTTP on 4318, gRPC on 4317) and write them to the input topic,"
          + " acknowledging each request once Kafka has it.",
      "",
      "Example:",
      "  faultline receive --bootstrap-servers kafka:9092"
    })
final class ReceiveCommand implements Callable<Integer> {
  @Mixin SettingsOptions settings;

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() throws Exception {
    PrintWriter out = spec.commandLine().getOut();
    Map<String, Object> client = settings.kafkaClient(null);
    if (!client.containsKey(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG)) {
      throw new CommandLine.ParameterException(
          spec.commandLine(),
          "no Kafka cluster: give --bootstrap-servers (or bootstrap.servers in --kafka-config)");
    }
    AnalyzerConfig config = settings.analyzerConfig(Map.of());
    IngestConfig ingest = config.ingest();
    try (Admin admin = Admin.create(client)) {
      new TopicAdmin(admin)
          .ensure(
              List.of(
                  new TopicAdmin.Spec(
                      ingest.inputTopic(), ingest.topicPartitions(), ingest.topicReplication())),
              Duration.ofSeconds(60));
    }
    try (Lifecycle lifecycle = new Lifecycle()) {
      OtlpReceiver receiver =
          lifecycle.add(OtlpReceiver.start(ingest.receiver(), client, new SimpleMeterRegistry()));
      out.printf(
          "OTLP receiver: HTTP port %d, gRPC port %d, writing to %s. Ctrl-C stops.%n",
          receiver.httpPort(), receiver.grpcPort(), ingest.inputTopic());
      out.flush();
      lifecycle.awaitStop();
    }
    return 0;
  }
}
