package dev.faultline.cli;

import dev.faultline.analyzer.config.AnalyzerConfig;
import dev.faultline.schemas.incident.Hop;
import dev.faultline.schemas.incident.Incident;
import dev.faultline.schemas.incident.IncidentJson;
import java.io.IOException;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Callable;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code faultline alerts}: incidents from {@code faultline.alerts}, one line each. */
@Command(
    name = "alerts",
    mixinStandardHelpOptions = true,
    description = {
      "Print the incidents on the alerts topic: what opened, updated and resolved, with the root"
          + " cause and the propagation path.",
      "",
      "Example:",
      "  faultline alerts --bootstrap-servers kafka:9092 --follow"
    })
final class AlertsCommand implements Callable<Integer> {
  @Mixin SettingsOptions settings;

  @Option(
      names = {"-f", "--follow"},
      description = "Keep printing new incident states.")
  boolean follow;

  @Option(names = "--json", description = "Print each incident state as JSON, one per line.")
  boolean json;

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() throws Exception {
    PrintWriter out = spec.commandLine().getOut();
    AnalyzerConfig config = settings.analyzerConfig(Map.of());
    Map<String, Object> client = settings.kafkaClient(null);
    if (!client.containsKey(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG)) {
      throw new CommandLine.ParameterException(
          spec.commandLine(), "no Kafka cluster: give --bootstrap-servers");
    }
    Map<String, Object> consumer = new HashMap<>(client);
    consumer.put(ConsumerConfig.GROUP_ID_CONFIG, "faultline-alerts-cli-" + UUID.randomUUID());
    consumer.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    consumer.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    // States of an aborted transaction (an instance died mid-commit) are written again by the
    // instance that takes over: only committed ones are incidents.
    consumer.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    try (Lifecycle lifecycle = new Lifecycle();
        KafkaConsumer<String, byte[]> alerts =
            new KafkaConsumer<>(consumer, new StringDeserializer(), new ByteArrayDeserializer())) {
      alerts.subscribe(List.of(config.alertsTopic()));
      int idle = 0;
      while (true) {
        var records = alerts.poll(Duration.ofMillis(500));
        for (ConsumerRecord<String, byte[]> record : records) {
          if (record.value() != null) {
            print(out, record.value());
          }
        }
        out.flush();
        idle = records.isEmpty() ? idle + 1 : 0;
        if (!follow && idle >= 4) {
          return 0;
        }
        if (follow && Thread.currentThread().isInterrupted()) {
          return 0;
        }
      }
    }
  }

  private void print(PrintWriter out, byte[] value) {
    if (json) {
      out.println(new String(value, java.nio.charset.StandardCharsets.UTF_8));
      return;
    }
    try {
      out.println(line(IncidentJson.read(value)));
    } catch (IOException e) {
      out.println("(unreadable incident: " + e.getMessage() + ")");
    }
  }

  /** One line per incident state: when, what, where it started, which way it goes. */
  static String line(Incident incident) {
    StringBuilder path = new StringBuilder();
    for (Hop hop : incident.path()) {
      if (path.length() > 0) {
        path.append(" -> ");
      }
      path.append(hop.service());
      if (hop.role().equals("at-risk")) {
        path.append("(at risk)");
      }
    }
    return String.format(
        "%s %-8s %-17s %-8s %s root=%s%s path=[%s] (%s)",
        incident.eventTime(),
        incident.status(),
        incident.type(),
        incident.severity(),
        incident.title(),
        incident.rootCause().service(),
        incident.rootCause().operation() == null ? "" : "/" + incident.rootCause().operation(),
        path,
        incident.id());
  }
}
