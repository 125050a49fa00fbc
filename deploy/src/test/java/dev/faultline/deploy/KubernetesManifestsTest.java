package dev.faultline.deploy;

import static dev.faultline.deploy.ComposeFileTest.names;
import static dev.faultline.deploy.ComposeFileTest.strings;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.faultline.analyzer.config.AnalyzerConfig;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The Kubernetes manifests agree with the code and with each other. */
class KubernetesManifestsTest {
  /** The image's user id (Dockerfile's FAULTLINE_UID). */
  static final int UID = 10001;

  private final Map<String, JsonNode> objects = objects();
  private final JsonNode statefulSet = objects.get("StatefulSet/faultline");
  private final JsonNode analyzer = container(statefulSet);
  private final AnalyzerConfig config =
      Code.config(
          objects
              .get("ConfigMap/faultline-config")
              .get("data")
              .get("faultline.properties")
              .asText());

  @Test
  void kustomizationListsEveryManifest() {
    JsonNode kustomization = DeployFiles.yaml("kubernetes/kustomization.yaml");
    List<String> listed = strings(kustomization.get("resources"));

    assertThat(listed)
        .containsExactlyInAnyOrder(
            "configmap.yaml",
            "secret.yaml",
            "services.yaml",
            "statefulset.yaml",
            "poddisruptionbudget.yaml",
            "forwarder.yaml");
    for (String file : listed) {
      assertThat(DeployFiles.MODULE.resolve("kubernetes").resolve(file)).isRegularFile();
    }
  }

  @Test
  void theStatefulSetKeepsStateOnAVolumeWhereTheSettingsPutIt() {
    String claim = statefulSet.at("/spec/volumeClaimTemplates/0/metadata/name").asText();

    assertThat(mountPath(analyzer, claim)).isEqualTo(config.stateDir());
    assertThat(
            statefulSet.at("/spec/volumeClaimTemplates/0/spec/resources/requests/storage").asText())
        .isNotEmpty();
  }

  @Test
  void eachInstanceAdvertisesItsNameInTheHeadlessService() {
    JsonNode headless = objects.get("Service/faultline-headless");
    List<String> args = strings(analyzer.get("args"));

    assertThat(headless.at("/spec/clusterIP").asText()).isEqualTo("None");
    assertThat(statefulSet.at("/spec/serviceName").asText()).isEqualTo("faultline-headless");
    assertThat(args)
        .contains(
            AnalyzerConfig.API_ADVERTISED_HOST
                + "=$(POD_NAME).faultline-headless.$(POD_NAMESPACE).svc.cluster.local");
    assertThat(port(headless, "api")).isEqualTo(config.apiPort());
  }

  @Test
  void containerPortsProbesAndServicesUseTheConfiguredPorts() {
    assertThat(containerPort(analyzer, "api")).isEqualTo(config.apiPort());
    assertThat(containerPort(analyzer, "otlp-http"))
        .isEqualTo(config.ingest().receiver().httpPort());
    assertThat(containerPort(analyzer, "otlp-grpc"))
        .isEqualTo(config.ingest().receiver().grpcPort());
    for (String probe : List.of("startupProbe", "readinessProbe", "livenessProbe")) {
      assertThat(analyzer.at("/" + probe + "/httpGet/path").asText())
          .as(probe)
          .isEqualTo("/health");
      assertThat(analyzer.at("/" + probe + "/httpGet/port").asText()).as(probe).isEqualTo("api");
    }
    JsonNode service = objects.get("Service/faultline");
    assertThat(port(service, "otlp-http")).isEqualTo(config.ingest().receiver().httpPort());
    assertThat(statefulSet.at("/spec/template/metadata/annotations/prometheus.io~1port").asText())
        .isEqualTo(Integer.toString(config.apiPort()));
  }

  @Test
  void servicesAndTheDisruptionBudgetSelectThePodsTheyMean() {
    JsonNode analyzerLabels = statefulSet.at("/spec/template/metadata/labels");
    JsonNode forwarderLabels =
        objects.get("Deployment/faultline-forward").at("/spec/template/metadata/labels");

    for (String name : List.of("Service/faultline", "Service/faultline-headless")) {
      assertSelects(objects.get(name).at("/spec/selector"), analyzerLabels, name);
    }
    assertSelects(
        objects.get("PodDisruptionBudget/faultline").at("/spec/selector/matchLabels"),
        analyzerLabels,
        "PodDisruptionBudget");
    assertSelects(statefulSet.at("/spec/selector/matchLabels"), analyzerLabels, "StatefulSet");
    assertThat(analyzerLabels.get("app.kubernetes.io/component").asText())
        .isNotEqualTo(forwarderLabels.get("app.kubernetes.io/component").asText());
  }

  @Test
  void everyContainerRunsAFaultlineCommandAsTheImagesUserWithResources() {
    for (JsonNode workload : List.of(statefulSet, objects.get("Deployment/faultline-forward"))) {
      JsonNode pod = workload.at("/spec/template/spec");
      JsonNode container = container(workload);
      Code.parse(strings(container.get("args")));
      assertThat(pod.at("/securityContext/runAsNonRoot").asBoolean()).isTrue();
      assertThat(pod.at("/securityContext/runAsUser").asInt()).isEqualTo(UID);
      assertThat(container.at("/resources/requests/cpu").asText()).isNotEmpty();
      assertThat(container.at("/resources/requests/memory").asText()).isNotEmpty();
      assertThat(container.at("/resources/limits/memory").asText()).isNotEmpty();
      // Settings and secrets come from the ConfigMap and the Secret.
      List<String> args = strings(container.get("args"));
      assertThat(mountPath(container, "config")).isEqualTo(args.get(args.indexOf("--config") + 1));
      assertThat(args.get(args.indexOf("--kafka-config") + 1))
          .startsWith(mountPath(container, "kafka-client") + "/");
      assertThat(volume(pod, "config").at("/configMap/name").asText())
          .isEqualTo("faultline-config");
      assertThat(volume(pod, "kafka-client").at("/secret/secretName").asText())
          .isEqualTo("faultline-kafka");
      assertThat(
              objects
                  .get("Secret/faultline-kafka")
                  .at("/stringData")
                  .has(
                      Path.of(args.get(args.indexOf("--kafka-config") + 1))
                          .getFileName()
                          .toString()))
          .isTrue();
      assertThat(
              objects
                  .get("ConfigMap/faultline-config")
                  .get("data")
                  .has(container.at("/env").findValue("configMapKeyRef").get("key").asText()))
          .isTrue();
    }
  }

  @Test
  void theForwarderProbesAndExposesItsMetricsPort() {
    JsonNode forwarder = container(objects.get("Deployment/faultline-forward"));
    String metricsPort = Code.optionDefault("forward", "--metrics-port");

    assertThat(Integer.toString(containerPort(forwarder, "metrics"))).isEqualTo(metricsPort);
    assertThat(forwarder.at("/livenessProbe/httpGet/path").asText()).isEqualTo("/health");
    assertThat(env(forwarder, "FAULTLINE_HEALTH_PORT")).isEqualTo(metricsPort);
  }

  private static Map<String, JsonNode> objects() {
    Map<String, JsonNode> objects = new HashMap<>();
    for (Path file : DeployFiles.configFiles()) {
      if (!file.startsWith(DeployFiles.MODULE.resolve("kubernetes"))
          || file.getFileName().toString().equals("kustomization.yaml")) {
        continue;
      }
      for (JsonNode document : DeployFiles.yamlDocuments(file)) {
        objects.put(
            document.get("kind").asText() + "/" + document.at("/metadata/name").asText(), document);
      }
    }
    return objects;
  }

  private static void assertSelects(JsonNode selector, JsonNode labels, String what) {
    assertThat(names(selector)).as(what).isNotEmpty();
    selector
        .fields()
        .forEachRemaining(
            e ->
                assertThat(labels.path(e.getKey()).asText())
                    .as(what)
                    .isEqualTo(e.getValue().asText()));
  }

  private static JsonNode container(JsonNode workload) {
    return workload.at("/spec/template/spec/containers/0");
  }

  private static String mountPath(JsonNode container, String volume) {
    for (JsonNode mount : container.get("volumeMounts")) {
      if (mount.get("name").asText().equals(volume)) {
        return mount.get("mountPath").asText();
      }
    }
    throw new AssertionError("no mount of " + volume);
  }

  private static JsonNode volume(JsonNode pod, String name) {
    for (JsonNode volume : pod.get("volumes")) {
      if (volume.get("name").asText().equals(name)) {
        return volume;
      }
    }
    throw new AssertionError("no volume " + name);
  }

  private static int containerPort(JsonNode container, String name) {
    for (JsonNode port : container.get("ports")) {
      if (port.get("name").asText().equals(name)) {
        return port.get("containerPort").asInt();
      }
    }
    throw new AssertionError("no port " + name);
  }

  private static int port(JsonNode service, String name) {
    List<String> seen = new ArrayList<>();
    for (JsonNode port : service.at("/spec/ports")) {
      seen.add(port.get("name").asText());
      if (port.get("name").asText().equals(name)) {
        return port.get("port").asInt();
      }
    }
    throw new AssertionError("no port " + name + " in " + seen);
  }

  private static String env(JsonNode container, String name) {
    for (JsonNode variable : container.get("env")) {
      if (variable.get("name").asText().equals(name)) {
        return variable.get("value").asText();
      }
    }
    throw new AssertionError("no variable " + name);
  }
}
