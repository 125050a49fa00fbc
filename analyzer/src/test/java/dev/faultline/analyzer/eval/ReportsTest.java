package dev.faultline.analyzer.eval;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The evaluation reports are written whole, with their figures, for any mix of outcomes. */
class ReportsTest {
  @Test
  void datasetReportHasEveryCaseAndTheSummary(@TempDir Path dir) throws IOException {
    List<CaseOutcome> outcomes =
        List.of(
            new CaseOutcome(
                "a-cpu",
                "cpu",
                "a",
                true,
                9.0,
                "a",
                "CASCADING_LATENCY",
                true,
                true,
                "a",
                true,
                0,
                List.of("b", "a")),
            new CaseOutcome(
                "b-net",
                "network",
                "b",
                true,
                12.0,
                "c",
                "CASCADING_LATENCY",
                false,
                true,
                "b",
                true,
                1,
                List.of("b")),
            new CaseOutcome(
                "c-ret",
                "return",
                "c",
                false,
                Double.NaN,
                null,
                null,
                false,
                false,
                null,
                false,
                0,
                List.of()));

    var figures = DatasetReport.write(outcomes, dir, "./faultline eval --dataset x");

    String report = Files.readString(dir.resolve("report.md"));
    assertThat(report).contains("| a-cpu |", "| b-net |", "| c-ret |", "**all**");
    assertThat(figures.get("network").top1()).isZero();
    assertThat(figures.get("network").top1Later()).isEqualTo(1);
    assertThat(dir.resolve("accuracy.png")).exists();
    assertThat(dir.resolve("latency.svg")).exists();
  }

  @Test
  void scenarioReportCountsRecallAndPrecision(@TempDir Path dir) throws IOException {
    ScenarioOutcome deep =
        new ScenarioOutcome(
            "deep",
            "shop",
            "latency",
            "db",
            List.of("db", "api"),
            1_000,
            true,
            6.0,
            "db",
            "CASCADING_LATENCY",
            "CASCADING_LATENCY",
            true,
            true,
            true,
            1.0,
            1,
            0,
            List.of("db"));
    ScenarioOutcome missed =
        new ScenarioOutcome(
            "missed",
            "shop",
            "errors",
            "x",
            List.of("x"),
            1_000,
            false,
            Double.NaN,
            null,
            null,
            "ERROR_CASCADE",
            false,
            false,
            false,
            Double.NaN,
            0,
            1,
            List.of());
    ScenarioOutcome quiet =
        new ScenarioOutcome(
            "quiet",
            "shop",
            "none",
            null,
            List.of(),
            1_000,
            false,
            Double.NaN,
            null,
            null,
            null,
            false,
            false,
            false,
            Double.NaN,
            0,
            0,
            List.of());

    ScenarioReport.Figures all =
        ScenarioReport.write(List.of(deep, missed, quiet), dir, "./faultline eval");

    assertThat(all.faulted()).isEqualTo(2);
    assertThat(all.recall()).isEqualTo(0.5);
    assertThat(all.precision()).isEqualTo(0.5);
    assertThat(all.typeRight()).isEqualTo(1);
    assertThat(all.faultFreeIncidents()).isZero();
    assertThat(Files.readString(dir.resolve("report.md"))).contains("| deep |", "| quiet |");
  }
}
