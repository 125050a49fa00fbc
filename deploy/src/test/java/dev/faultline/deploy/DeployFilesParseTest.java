package dev.faultline.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Every YAML and JSON file of deploy/ parses, and the set of them is the one the tests check. */
class DeployFilesParseTest {
  @Test
  void everyYamlAndJsonFileParsesToAtLeastOneDocument() {
    List<Path> files = DeployFiles.configFiles();

    assertThat(files)
        .extracting(f -> DeployFiles.MODULE.relativize(f).toString())
        .contains(
            "docker-compose.yaml",
            "collector/otel-collector.yaml",
            "collector/kafkaexporter-example.yaml",
            "kubernetes/statefulset.yaml",
            "prometheus/faultline-rules.yaml",
            "grafana/faultline-dashboard.json");
    for (Path file : files) {
      assertThat(DeployFiles.parse(file)).as("%s", file).isNotEmpty();
      DeployFiles.parse(file)
          .forEach(document -> assertThat(document.isObject()).as("%s", file).isTrue());
    }
  }

  @Test
  void theImageRunsAsANonRootUserAndChecksHealthOnTheApiPort() {
    String dockerfile = DeployFiles.text(DeployFiles.MODULE.resolve("Dockerfile"));
    int apiPort = Code.defaults().apiPort();

    assertThat(dockerfile).containsPattern("(?m)^FROM eclipse-temurin:17-jre");
    assertThat(dockerfile).containsPattern("(?m)^USER \\$\\{FAULTLINE_UID}");
    assertThat(dockerfile).contains("ARG FAULTLINE_UID=" + KubernetesManifestsTest.UID);
    assertThat(dockerfile).contains("FAULTLINE_HEALTH_PORT=" + apiPort);
    assertThat(dockerfile).containsPattern("(?m)^HEALTHCHECK ").contains("GET /health HTTP");
    assertThat(dockerfile).contains("EXPOSE " + apiPort);
    assertThat(dockerfile).contains("COPY deploy/target/faultline.jar");
  }
}
