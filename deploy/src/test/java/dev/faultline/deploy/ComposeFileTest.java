package dev.faultline.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.faultline.analyzer.config.AnalyzerConfig;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** docker-compose.yaml agrees with the code: commands, settings, ports, topics, files. */
class ComposeFileTest {
  private final JsonNode compose = DeployFiles.yaml("docker-compose.yaml");
  private final JsonNode services = compose.get("services");

  @Test
  void theServicesAreKafkaTheCollectorFaultlineAndTheSimulator() throws Exception {
    assertThat(names(services))
        .contains("kafka", "otel-collector", "faultline", "simulator", "forwarder");
    assertThat(services.get("kafka").get("image").asText())
        .as("the broker image is the Kafka version the code is built with")
        .isEqualTo("apache/kafka:" + kafkaClientVersion());
    assertThat(env(services.get("kafka"), "KAFKA_PROCESS_ROLES")).isEqualTo("broker,controller");
    assertThat(services.get("otel-collector").get("image").asText())
        .startsWith("otel/opentelemetry-collector-contrib:");
  }

  @Test
  void everyFaultlineCommandParsesWithTheCli() {
    for (String name : List.of("faultline", "simulator", "forwarder")) {
      List<String> command = strings(services.get(name).get("command"));
      Code.parse(command); // throws on an unknown option or subcommand
      assertThat(services.get(name).get("image").asText()).isEqualTo("faultline:0.1.0");
    }
  }

  @Test
  void faultlineSettingsAreValidAndMatchTheCollectorsExporter() throws Exception {
    List<String> command = strings(services.get("faultline").get("command"));
    String configInContainer = command.get(command.indexOf("--config") + 1);
    Path configFile = hostPath(services.get("faultline"), configInContainer);
    AnalyzerConfig config = Code.config(Files.readString(configFile));

    JsonNode collector = collectorConfig();
    JsonNode exporter = collector.get("exporters").get("kafka");
    assertThat(exporter.get("traces").get("topic").asText())
        .isEqualTo(config.ingest().inputTopic());
    assertThat(exporter.get("partition_traces_by_id").asBoolean())
        .isEqualTo(config.ingest().inputKeyedByTrace());
    assertThat(strings(exporter.get("brokers"))).containsExactly(kafkaAdvertised());
    assertThat(command).contains("--bootstrap-servers", kafkaAdvertised());

    assertThat(strings(services.get("faultline").get("ports")))
        .contains(config.apiPort() + ":" + config.apiPort());
    assertThat(config.stateDir()).isEqualTo("/var/lib/faultline/state");
    assertThat(strings(services.get("faultline").get("volumes")))
        .anyMatch(v -> v.endsWith(":" + config.stateDir()));
  }

  @Test
  void theSimulatorSendsToTheCollectorsOtlpHttpReceiverAScenarioOfTheRepository() {
    List<String> command = strings(services.get("simulator").get("command"));
    URI otlp = URI.create(command.get(command.indexOf("--otlp") + 1));
    String httpEndpoint =
        collectorConfig()
            .get("receivers")
            .get("otlp")
            .get("protocols")
            .get("http")
            .get("endpoint")
            .asText();

    assertThat(otlp.getHost()).isEqualTo("otel-collector");
    assertThat(httpEndpoint).endsWith(":" + otlp.getPort());
    assertThat(otlp.getPath()).isEqualTo("/v1/traces");
    String scenario = command.get(1);
    assertThat(scenario).startsWith("/opt/faultline/scenarios/");
    assertThat(DeployFiles.REPOSITORY.resolve(scenario.substring("/opt/faultline/".length())))
        .isRegularFile();
  }

  @Test
  void theForwarderServesItsHealthWhereTheImagesHealthCheckAsks() {
    JsonNode forwarder = services.get("forwarder");
    List<String> command = strings(forwarder.get("command"));

    assertThat(env(forwarder, "FAULTLINE_HEALTH_PORT"))
        .isEqualTo(Code.optionDefault("forward", "--metrics-port"));
    assertThat(command.get(command.indexOf("--to") + 2))
        .isEqualTo("http://alertmanager:" + port(services.get("alertmanager")));
  }

  @Test
  void everyDependencyIsAServiceAndEveryMountedFileExists() {
    for (Iterator<Map.Entry<String, JsonNode>> it = services.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> service = it.next();
      JsonNode dependsOn = service.getValue().get("depends_on");
      if (dependsOn != null) {
        assertThat(names(services)).as(service.getKey()).containsAll(names(dependsOn));
      }
      JsonNode volumes = service.getValue().get("volumes");
      if (volumes != null) {
        for (String volume : strings(volumes)) {
          String source = volume.substring(0, volume.indexOf(':'));
          if (source.startsWith(".")) {
            assertThat(DeployFiles.MODULE.resolve(source)).as(volume).exists();
          } else {
            assertThat(names(compose.get("volumes"))).as(volume).contains(source);
          }
        }
      }
    }
    for (String name : List.of("faultline", "simulator", "forwarder")) {
      JsonNode build = services.get(name).get("build");
      assertThat(build).as("%s builds the image rather than pulling it", name).isNotNull();
      assertThat(DeployFiles.MODULE.resolve(build.get("context").asText()).normalize())
          .isEqualTo(DeployFiles.REPOSITORY);
      assertThat(DeployFiles.REPOSITORY.resolve(build.get("dockerfile").asText())).isRegularFile();
    }
  }

  /** The version of the Kafka jars on the classpath, as kafka-clients records it. */
  private static String kafkaClientVersion() throws java.io.IOException {
    java.util.Properties version = new java.util.Properties();
    try (var in = ComposeFileTest.class.getResourceAsStream("/kafka/kafka-version.properties")) {
      version.load(in);
    }
    return version.getProperty("version");
  }

  static JsonNode collectorConfig() {
    JsonNode collector =
        DeployFiles.yaml("docker-compose.yaml").get("services").get("otel-collector");
    String command = collector.get("command").get(0).asText();
    String inContainer = command.substring(command.indexOf('=') + 1);
    return DeployFiles.yamlDocuments(hostPath(collector, inContainer)).get(0);
  }

  private String kafkaAdvertised() {
    String listeners = env(services.get("kafka"), "KAFKA_ADVERTISED_LISTENERS");
    return listeners.substring(listeners.indexOf("//") + 2);
  }

  /** The file of this repository mounted at {@code inContainer}. */
  private static Path hostPath(JsonNode service, String inContainer) {
    for (String volume : strings(service.get("volumes"))) {
      String[] parts = volume.split(":");
      if (parts[1].equals(inContainer)) {
        return DeployFiles.MODULE.resolve(parts[0]).normalize();
      }
    }
    throw new AssertionError(inContainer + " is not mounted from a file");
  }

  private static int port(JsonNode service) {
    String mapping = strings(service.get("ports")).get(0);
    return Integer.parseInt(mapping.substring(mapping.lastIndexOf(':') + 1));
  }

  private static String env(JsonNode service, String name) {
    return service.get("environment").get(name).asText();
  }

  static List<String> strings(JsonNode array) {
    List<String> out = new ArrayList<>();
    array.forEach(node -> out.add(node.asText()));
    return out;
  }

  static List<String> names(JsonNode object) {
    List<String> out = new ArrayList<>();
    object.fieldNames().forEachRemaining(out::add);
    return out;
  }
}
