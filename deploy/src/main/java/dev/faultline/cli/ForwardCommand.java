package dev.faultline.cli;

import dev.faultline.analyzer.config.AnalyzerConfig;
import dev.faultline.analyzer.query.ApiServer;
import dev.faultline.analyzer.query.Response;
import dev.faultline.forward.Forwarder;
import dev.faultline.forward.ForwarderSettings;
import dev.faultline.forward.TargetKind;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code faultline forward}: incidents from {@code faultline.alerts} to a webhook or Alertmanager.
 */
@Command(
    name = "forward",
    mixinStandardHelpOptions = true,
    description = {
      "Deliver every incident state on the alerts topic to a webhook (the incident JSON unchanged)"
          + " or to Alertmanager (POST /api/v2/alerts), at least once: offsets are committed in"
          + " the consumer group only after the target accepted the POST; failures are retried"
          + " with backoff.",
      "",
      "Examples:",
      "  faultline forward --bootstrap-servers kafka:9092 \\",
      "      --to alertmanager http://alertmanager:9093",
      "  faultline forward --bootstrap-servers kafka:9092 \\",
      "      --to webhook https://hooks.example/faultline"
    })
final class ForwardCommand implements Callable<Integer> {
  @Mixin SettingsOptions settings;

  @Option(
      names = "--to",
      arity = "2",
      required = true,
      paramLabel = "webhook|alertmanager URL",
      hideParamSyntax = true,
      description =
          "webhook URL, or alertmanager URL (a bare http://host:9093 gets /api/v2/alerts).")
  List<String> to;

  @Option(
      names = "--group",
      defaultValue = "faultline-forward",
      description =
          "Consumer group; forwarders with the same group share the work and resume from its"
              + " committed offsets (default: ${DEFAULT-VALUE}).")
  String group;

  @Option(
      names = "--from",
      defaultValue = "latest",
      description =
          "Where a group without committed offsets starts: latest or earliest (default:"
              + " ${DEFAULT-VALUE}).")
  String from;

  @Option(
      names = {"-H", "--header"},
      paramLabel = "NAME=VALUE",
      description = "Extra request header, e.g. Authorization='Bearer ...'; repeatable.")
  Map<String, String> headers = new LinkedHashMap<>();

  @Option(
      names = "--timeout",
      defaultValue = "PT10S",
      description = "Timeout of one POST, ISO-8601 (default: ${DEFAULT-VALUE}).")
  Duration timeout;

  @Option(
      names = "--max-backoff",
      defaultValue = "PT60S",
      description = "Longest wait between retries, ISO-8601 (default: ${DEFAULT-VALUE}).")
  Duration maxBackoff;

  @Option(
      names = "--resend-interval",
      defaultValue = "PT60S",
      description =
          "Alertmanager: how often open incidents are sent again; an alert not sent again expires"
              + " after four intervals (default: ${DEFAULT-VALUE}).")
  Duration resendInterval;

  @Option(
      names = "--faultline-url",
      paramLabel = "URL",
      description = "Faultline's web page, linked from each alert (generatorURL).")
  String faultlineUrl;

  @Option(
      names = "--metrics-port",
      defaultValue = "9464",
      description =
          "Port serving /metrics (Prometheus) and /health; -1 serves none (default:"
              + " ${DEFAULT-VALUE}).")
  int metricsPort;

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() throws Exception {
    PrintWriter out = spec.commandLine().getOut();
    TargetKind kind = parseTarget();
    if (!from.equals("latest") && !from.equals("earliest")) {
      throw new CommandLine.ParameterException(
          spec.commandLine(), "--from must be latest or earliest, not '" + from + "'");
    }
    AnalyzerConfig config = settings.analyzerConfig(Map.of());
    Map<String, Object> client = settings.kafkaClient(null);
    if (!client.containsKey(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG)) {
      throw new CommandLine.ParameterException(
          spec.commandLine(), "no Kafka cluster: give --bootstrap-servers");
    }
    client.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, from);
    ForwarderSettings forward =
        new ForwarderSettings(
            kind,
            ForwarderSettings.endpoint(kind, to.get(1)),
            headers,
            config.alertsTopic(),
            group,
            timeout,
            Duration.ofMillis(500),
            maxBackoff,
            resendInterval,
            faultlineUrl);
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    try (Lifecycle lifecycle = new Lifecycle()) {
      Forwarder forwarder = new Forwarder(forward, client, registry, Clock.systemUTC());
      if (metricsPort >= 0) {
        ApiServer server =
            lifecycle.add(ApiServer.start("0.0.0.0", metricsPort, routes(registry, forwarder)));
        out.printf("metrics: http://localhost:%d/metrics%n", server.port());
      }
      lifecycle.add(forwarder);
      out.printf(
          "forwarding %s (group %s) to %s %s; Ctrl-C stops.%n",
          config.alertsTopic(), group, kind.label(), forward.url());
      out.flush();
      AtomicReference<Throwable> failure = new AtomicReference<>();
      Thread loop =
          new Thread(
              () -> {
                try {
                  forwarder.run();
                } catch (RuntimeException e) {
                  failure.set(e);
                } finally {
                  lifecycle.requestStop();
                }
              },
              "faultline-forward");
      loop.start();
      lifecycle.awaitStop();
      if (failure.get() != null) {
        spec.commandLine().getErr().println("faultline: forwarder failed: " + failure.get());
        return 1;
      }
    }
    return 0;
  }

  private TargetKind parseTarget() {
    if (to.size() != 2) {
      throw new CommandLine.ParameterException(
          spec.commandLine(), "--to: give one target, e.g. --to alertmanager http://am:9093");
    }
    try {
      return TargetKind.parse(to.get(0));
    } catch (IllegalArgumentException e) {
      throw new CommandLine.ParameterException(spec.commandLine(), "--to: " + e.getMessage());
    }
  }

  private static List<ApiServer.Route> routes(
      PrometheusMeterRegistry registry, Forwarder forwarder) {
    return List.of(
        ApiServer.Route.of(
            "/metrics",
            (groups, params) ->
                new Response(
                    200,
                    "text/plain; version=0.0.4; charset=utf-8",
                    registry.scrape().getBytes(StandardCharsets.UTF_8),
                    Map.of())),
        ApiServer.Route.of(
            "/health",
            (groups, params) ->
                new Response(
                    forwarder.isStopped() ? 503 : 200,
                    "application/json",
                    (forwarder.isStopped() ? "{\"status\":\"DOWN\"}" : "{\"status\":\"UP\"}")
                        .getBytes(StandardCharsets.UTF_8),
                    Map.of())));
  }
}
