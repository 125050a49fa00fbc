package dev.faultline.analyzer.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.faultline.analyzer.config.AnalyzerConfig;
import dev.faultline.analyzer.detect.Detectors;
import dev.faultline.analyzer.runtime.AnalyzerRuntime;
import dev.faultline.analyzer.topology.AnalyzerTopology;
import dev.faultline.broker.KafkaCluster;
import dev.faultline.broker.KafkaExtension;
import dev.faultline.ingest.config.IngestConfig;
import dev.faultline.ingest.simulate.Scenario;
import dev.faultline.ingest.simulate.ScenarioReader;
import dev.faultline.ingest.simulate.ServiceSpec;
import dev.faultline.ingest.simulate.Simulator;
import dev.faultline.ingest.simulate.SpanSink;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;

/**
 * The web page in headless Chromium against a running analyzer on the real broker, fed by the
 * simulator: a short storefront scenario (70 s healthy, then inventory's reservations slow down)
 * simulated in virtual time with its clock ending now, so the analyzer goes through it at full
 * speed. Screenshots of each view go to {@code target/browser-screenshots/}.
 */
@ExtendWith(KafkaExtension.class)
class WebPageIT {
  private static final List<String> TRUTH_PATH = List.of("inventory", "checkout", "web-gateway");
  private static final double DURATION_SECONDS = 110;

  @Test
  void pageShowsTheGraphTheIncidentItsPathAndATraceWithItsCriticalPath(KafkaCluster kafka)
      throws Exception {
    assumeTrue(Browser.unavailable().isEmpty(), () -> Browser.unavailable().get());
    String suffix = UUID.randomUUID().toString().substring(0, 8);
    AnalyzerConfig config = config(suffix, Files.createTempDirectory("faultline-web-it-"));
    Scenario scenario = ScenarioReader.read(scenarioFile());
    Map<String, Object> client =
        new HashMap<>(Map.of("bootstrap.servers", kafka.bootstrapServers()));
    try (AnalyzerRuntime analyzer =
            AnalyzerRuntime.start(
                config,
                client,
                new PrometheusMeterRegistry(PrometheusConfig.DEFAULT),
                AnalyzerTopology.Hooks.none().withDetection(() -> Detectors.engine(config)));
        KafkaProducer<byte[], byte[]> producer =
            new KafkaProducer<>(
                Map.of("bootstrap.servers", kafka.bootstrapServers(), "linger.ms", 20),
                new ByteArraySerializer(),
                new ByteArraySerializer());
        Browser browser = Browser.start(1600, 1000)) {
      assertThat(analyzer.awaitRunning(Duration.ofSeconds(60))).isTrue();
      long start = System.currentTimeMillis() - (long) (DURATION_SECONDS * 1000) - 5_000;
      CompletableFuture<Simulator.Summary> simulation =
          CompletableFuture.supplyAsync(
              () -> {
                try (SpanSink sink = SpanSink.kafka(producer, config.ingest().inputTopic())) {
                  return new Simulator(scenario)
                      .run(new Simulator.Options(start, false, line -> {}), sink);
                } catch (java.io.IOException e) {
                  throw new java.io.UncheckedIOException(e);
                }
              });

      browser.driver.get("http://127.0.0.1:" + analyzer.apiPort() + "/");
      List<String> services =
          scenario.services().stream().map(ServiceSpec::name).map(s -> "service:" + s).toList();
      browser.await(
          "the graph to show every service of the scenario",
          Duration.ofSeconds(60),
          () -> nodeIds(browser).containsAll(services));
      simulation.get();

      String incidentId =
          browser.await(
              "an incident rooted at inventory",
              Duration.ofSeconds(90),
              () ->
                  (String)
                      browser.js(
                          "const i = window.faultline.incidents()"
                              + ".find(i => i.rootCause.service === 'inventory');"
                              + "return i ? i.id : null;"));
      browser.await(
          "the incident in the list",
          Duration.ofSeconds(10),
          () -> !browser.driver.findElements(incidentItem(incidentId)).isEmpty());
      browser.await(
          "the root cause coloured as failing",
          Duration.ofSeconds(15),
          () ->
              (Boolean)
                  browser.js(
                      "return window.faultline.state().nodes"
                          + ".some(n => n.id === 'service:inventory' && n.health === 'bad');"));
      browser.screenshot("graph");

      click(browser, incidentItem(incidentId));
      Map<String, Object> highlighted =
          browser.await(
              "the incident's path on the graph",
              Duration.ofSeconds(10),
              () -> {
                Map<String, Object> state = browser.state();
                return ((List<?>) state.get("pathNodes")).isEmpty() ? null : state;
              });
      List<String> truthNodes = TRUTH_PATH.stream().map(s -> "service:" + s).toList();
      assertThat(highlighted.get("pathNodes")).asList().containsAll(truthNodes);
      assertThat(highlighted.get("root")).isEqualTo(List.of("service:inventory"));
      assertThat(highlighted.get("pathEdges")).asList().hasSizeGreaterThanOrEqualTo(2);
      @SuppressWarnings("unchecked")
      List<String> pathInOrder =
          (List<String>)
              browser.js(
                  "return window.faultline.incidents().find(i => i.id === arguments[0]).path"
                      + ".filter(h => h.role !== 'at-risk' && h.node.startsWith('service:'))"
                      + ".map(h => h.service);",
                  incidentId);
      assertThat(pathInOrder).containsSubsequence(TRUTH_PATH);
      assertThat(browser.driver.findElement(By.cssSelector("#details .hops")).getText())
          .contains("inventory", "checkout", "web-gateway");
      browser.screenshot("incident");

      openATrace(browser);
      browser.screenshot("trace");

      // The time slider: a minute back, the graph of that time (and no live updates).
      browser.js(
          "const t = document.getElementById('time'); t.value = -4;"
              + "t.dispatchEvent(new Event('input'));");
      browser.await(
          "the graph of a minute ago",
          Duration.ofSeconds(10),
          () -> browser.driver.findElement(By.id("status")).getText().startsWith("at "));
      assertThat(browser.driver.findElement(By.id("time-label")).getText()).isEqualTo("−1m00s");

      browser.driver.get("http://127.0.0.1:" + analyzer.apiPort() + "/#/service/checkout");
      browser.await(
          "the service view's charts",
          Duration.ofSeconds(15),
          () ->
              browser.driver.findElements(By.cssSelector("#details .chart polyline")).size() >= 3);
      assertThat(browser.driver.findElement(By.id("details")).getText())
          .containsIgnoringCase("upstream")
          .contains("web-gateway", "inventory");
      browser.screenshot("service");

      assertThat(browser.consoleErrors()).isEmpty();
    }
  }

  /** Opens the incident's exemplar traces until one is served, and checks its critical path. */
  private static void openATrace(Browser browser) throws InterruptedException {
    List<WebElement> links = browser.driver.findElements(By.cssSelector("#details a.trace-link"));
    assertThat(links).isNotEmpty();
    List<String> hrefs = links.stream().map(a -> a.getAttribute("href")).toList();
    for (String href : hrefs) {
      browser
          .driver
          .findElement(
              By.cssSelector(
                  "#details a.trace-link[href$='" + href.substring(href.indexOf('#')) + "']"))
          .click();
      String outcome =
          browser.await(
              "the trace view",
              Duration.ofSeconds(15),
              () -> {
                if (!browser
                    .driver
                    .findElements(By.cssSelector("#trace-pane .waterfall"))
                    .isEmpty()) {
                  return "shown";
                }
                String text = browser.driver.findElement(By.id("trace-pane")).getText();
                return text.contains("past retention") || text.contains("no trace") ? "gone" : null;
              });
      if (outcome.equals("shown")) {
        assertThat(browser.driver.findElements(By.cssSelector("#trace-pane .row.critical")))
            .isNotEmpty();
        assertThat(browser.driver.findElements(By.cssSelector("#trace-pane .cp"))).isNotEmpty();
        return;
      }
      browser.driver.findElement(By.cssSelector("#trace-pane [data-close]")).click();
    }
    throw new AssertionError("none of the incident's exemplar traces was served: " + hrefs);
  }

  /** Clicks what {@code by} finds; the live lists re-render, so a found element may go stale. */
  private static void click(Browser browser, By by) {
    for (int attempt = 0; ; attempt++) {
      try {
        browser.driver.findElement(by).click();
        return;
      } catch (org.openqa.selenium.StaleElementReferenceException e) {
        if (attempt == 5) {
          throw e;
        }
      }
    }
  }

  private static By incidentItem(String id) {
    return By.cssSelector("#incidents li[data-id='" + id + "']");
  }

  @SuppressWarnings("unchecked")
  private static List<String> nodeIds(Browser browser) {
    Map<String, Object> state = browser.state();
    if (state == null) {
      return List.of();
    }
    return ((List<Map<String, Object>>) state.get("nodes"))
        .stream().map(n -> (String) n.get("id")).toList();
  }

  /** The storefront with its deep-latency fault early: 70 s to learn from, 40 s of the fault. */
  private static Path scenarioFile() throws java.io.IOException {
    Path system = Path.of("..", "scenarios", "systems", "storefront.json").toAbsolutePath();
    Path file = Files.createTempFile("web-deep-latency-", ".json");
    Files.writeString(
        file,
        """
        {
          "extends": "%s",
          "name": "web-deep-latency",
          "description": "storefront-deep-latency, shortened for the browser test.",
          "seed": 11,
          "durationSeconds": %s,
          "faults": [{"type": "latency", "service": "inventory",
            "operation": "InventoryService/Reserve", "startSeconds": 70, "endSeconds": 200,
            "addMs": 150}],
          "truth": {"faultType": "latency", "service": "inventory",
            "operation": "InventoryService/Reserve",
            "path": ["inventory", "checkout", "web-gateway"], "startSeconds": 70,
            "endSeconds": 200}
        }
        """
            .formatted(system.toString().replace("\\", "\\\\"), DURATION_SECONDS));
    return file;
  }

  private static AnalyzerConfig config(String suffix, Path stateDir) {
    Map<String, Object> values = new HashMap<>();
    values.put(AnalyzerConfig.APPLICATION_ID, "faultline-web-it-" + suffix);
    values.put(AnalyzerConfig.STATE_DIR, stateDir.toString());
    values.put(AnalyzerConfig.PROCESSING_GUARANTEE, "at_least_once");
    values.put(AnalyzerConfig.API_HOST, "127.0.0.1");
    values.put(AnalyzerConfig.API_PORT, 0);
    values.put(AnalyzerConfig.API_ADVERTISED_HOST, "127.0.0.1");
    values.put(AnalyzerConfig.GRAPH_TOPIC, "faultline.graph-" + suffix);
    values.put(AnalyzerConfig.ALERTS_TOPIC, "faultline.alerts-" + suffix);
    values.put(IngestConfig.INPUT_TOPIC, "otlp_spans-" + suffix);
    values.put(IngestConfig.SPANS_TOPIC, "faultline.spans-" + suffix);
    values.put(IngestConfig.DLQ_TOPIC, "faultline.dlq-" + suffix);
    values.put(IngestConfig.TOPIC_PARTITIONS, 2);
    return new AnalyzerConfig(values);
  }
}
