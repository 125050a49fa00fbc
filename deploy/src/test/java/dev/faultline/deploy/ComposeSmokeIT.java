package dev.faultline.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * docker-compose.yaml brought up for real: the image builds from the jar, Faultline turns healthy,
 * and the simulator's spans, through the collector and Kafka, become a call graph. Needs a Docker
 * engine with Compose and the images' registries; skipped, with the reason, without them.
 */
class ComposeSmokeIT {
  private static final Path COMPOSE = DeployFiles.MODULE.resolve("docker-compose.yaml");
  private static final String PROJECT = "faultline-smoke";
  private final HttpClient http = HttpClient.newHttpClient();

  @BeforeAll
  static void up() throws Exception {
    Assumptions.assumeTrue(
        run(Duration.ofSeconds(20), "docker", "info") == 0,
        "no Docker engine answers 'docker info' here: the compose smoke test needs one");
    Assumptions.assumeTrue(
        run(Duration.ofSeconds(20), "docker", "compose", "version") == 0,
        "'docker compose' (Compose v2) is not installed");
    assertThat(DeployFiles.MODULE.resolve("target/faultline.jar"))
        .as("the jar the image is built from (package runs before the integration tests)")
        .isRegularFile();
    int up =
        run(
            Duration.ofMinutes(10),
            "docker",
            "compose",
            "-p",
            PROJECT,
            "-f",
            COMPOSE.toString(),
            "up",
            "-d",
            "--build",
            "--wait",
            "kafka",
            "faultline",
            "otel-collector",
            "simulator");
    assertThat(up).as("docker compose up").isZero();
  }

  @AfterAll
  static void down() throws Exception {
    if (run(Duration.ofSeconds(20), "docker", "info") == 0) {
      run(
          Duration.ofMinutes(2),
          "docker",
          "compose",
          "-p",
          PROJECT,
          "-f",
          COMPOSE.toString(),
          "down",
          "-v");
    }
  }

  @Test
  void simulatedSpansThroughTheCollectorBecomeACallGraph() throws Exception {
    long deadline = System.nanoTime() + Duration.ofMinutes(3).toNanos();
    JsonNode graph = null;
    while (System.nanoTime() < deadline) {
      try {
        HttpResponse<String> response =
            http.send(
                HttpRequest.newBuilder(URI.create("http://localhost:8080/api/v1/graph")).build(),
                HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() == 200) {
          graph = new ObjectMapper().readTree(response.body());
          if (graph.path("edges").size() > 3) {
            break;
          }
        }
      } catch (IOException e) {
        // not up yet
      }
      Thread.sleep(2_000);
    }
    assertThat(graph).as("a graph from http://localhost:8080/api/v1/graph").isNotNull();
    assertThat(graph.path("edges").size()).isGreaterThan(3);
  }

  private static int run(Duration timeout, String... command) throws Exception {
    List<String> args = new ArrayList<>(List.of(command));
    Process process;
    try {
      process = new ProcessBuilder(args).inheritIO().start();
    } catch (IOException e) {
      return -1; // no such program
    }
    if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
      process.destroyForcibly();
      return -1;
    }
    return process.exitValue();
  }
}
