package dev.faultline.deploy;

import static dev.faultline.deploy.ComposeFileTest.strings;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The Prometheus rules and the Grafana dashboard are well formed and scrape what compose runs.
 * Whether the metrics they name exist is MetricNamesIT's question (it asks a running instance).
 */
class MonitoringFilesTest {
  private static final Pattern JOB = Pattern.compile("job=\"([^\"]+)\"");

  @Test
  void everyRuleIsAnAlertWithAnExpressionASeverityAndASummary() {
    JsonNode rules = DeployFiles.yaml("prometheus/faultline-rules.yaml");
    List<String> alerts = new ArrayList<>();
    for (JsonNode group : rules.get("groups")) {
      for (JsonNode rule : group.get("rules")) {
        String alert = rule.path("alert").asText();
        alerts.add(alert);
        assertThat(alert).matches("Faultline[A-Z][A-Za-z]+");
        assertThat(rule.path("expr").asText()).as(alert).isNotBlank();
        assertThat(rule.at("/labels/severity").asText()).as(alert).isIn("critical", "warning");
        assertThat(rule.at("/annotations/summary").asText()).as(alert).isNotBlank();
      }
    }
    assertThat(alerts)
        .as("lag, dead letters, dropped spans")
        .contains("FaultlineConsumerLag", "FaultlineDeadLetters", "FaultlineSpansDropped");
    assertThat(new TreeSet<>(alerts)).hasSameSizeAs(alerts);
  }

  @Test
  void theJobsTheExpressionsNameAreScrapedFromTheComposeServices() {
    JsonNode prometheus = DeployFiles.yaml("prometheus/prometheus.yaml");
    JsonNode services = DeployFiles.yaml("docker-compose.yaml").get("services");
    Set<String> jobs = new TreeSet<>();
    for (JsonNode scrape : prometheus.get("scrape_configs")) {
      jobs.add(scrape.get("job_name").asText());
      for (String target : strings(scrape.at("/static_configs/0/targets"))) {
        String host = target.substring(0, target.indexOf(':'));
        assertThat(services.has(host)).as(target).isTrue();
      }
    }
    assertThat(jobs).contains("faultline", "faultline-forward");
    assertThat(strings(prometheus.get("rule_files")))
        .containsExactly("/etc/prometheus/faultline-rules.yaml");

    Set<String> named = new TreeSet<>();
    JsonNode rules = DeployFiles.yaml("prometheus/faultline-rules.yaml");
    JsonNode dashboard =
        DeployFiles.json(DeployFiles.MODULE.resolve("grafana/faultline-dashboard.json"));
    for (JsonNode document : List.of(rules, dashboard)) {
      for (JsonNode expr : document.findValues("expr")) {
        Matcher matcher = JOB.matcher(expr.asText());
        while (matcher.find()) {
          named.add(matcher.group(1));
        }
      }
    }
    assertThat(jobs).containsAll(named);
  }

  @Test
  void theScrapePortsAreTheOnesTheServicesServeOn() {
    JsonNode prometheus = DeployFiles.yaml("prometheus/prometheus.yaml");
    for (JsonNode scrape : prometheus.get("scrape_configs")) {
      String target = scrape.at("/static_configs/0/targets/0").asText();
      int port = Integer.parseInt(target.substring(target.indexOf(':') + 1));
      if (scrape.get("job_name").asText().equals("faultline")) {
        assertThat(port).isEqualTo(Code.defaults().apiPort());
      } else {
        assertThat(Integer.toString(port))
            .isEqualTo(Code.optionDefault("forward", "--metrics-port"));
      }
    }
  }

  @Test
  void everyDashboardPanelQueriesTheChosenPrometheus() {
    JsonNode dashboard =
        DeployFiles.json(DeployFiles.MODULE.resolve("grafana/faultline-dashboard.json"));

    assertThat(dashboard.get("uid").asText()).isNotBlank();
    assertThat(dashboard.at("/templating/list/0/name").asText()).isEqualTo("datasource");
    assertThat(dashboard.get("panels")).isNotEmpty();
    for (JsonNode panel : dashboard.get("panels")) {
      assertThat(panel.get("targets")).as(panel.get("title").asText()).isNotEmpty();
      for (JsonNode target : panel.get("targets")) {
        assertThat(target.get("expr").asText()).isNotBlank();
        assertThat(target.at("/datasource/uid").asText()).isEqualTo("${datasource}");
      }
    }
  }
}
