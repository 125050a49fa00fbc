package dev.faultline.analyzer.eval;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** Writes the report of a scenario suite: markdown tables, JSON, and charts (SVG and PNG). */
public final class ScenarioReport {
  private ScenarioReport() {}

  /**
   * Aggregate figures of a group of scenarios.
   *
   * @param scenarios scenarios in the group
   * @param faulted those with a fault (an incident due)
   * @param detected faulted scenarios with an incident about the fault (recall = detected /
   *     faulted)
   * @param typeRight incident type right (within a minute)
   * @param top1 root cause right
   * @param top3 truth among the first three candidates
   * @param baselineTop1 the p90 self-time baseline's first service is the truth
   * @param baselineTop3 the truth is among the baseline's first three
   * @param meanPathRecall mean share of the truth path found on the incident's path
   * @param trueIncidents incidents about a fault
   * @param falseIncidents other incidents (precision = true / (true + false))
   * @param faultFreeIncidents incidents opened in fault-free scenarios
   * @param medianLatencySeconds median detection latency
   * @param p95LatencySeconds 95th percentile detection latency
   */
  public record Figures(
      int scenarios,
      int faulted,
      int detected,
      int typeRight,
      int top1,
      int top3,
      int baselineTop1,
      int baselineTop3,
      double meanPathRecall,
      int trueIncidents,
      int falseIncidents,
      int faultFreeIncidents,
      double medianLatencySeconds,
      double p95LatencySeconds) {

    static Figures of(List<ScenarioOutcome> outcomes) {
      double[] latencies =
          outcomes.stream()
              .filter(ScenarioOutcome::detected)
              .mapToDouble(ScenarioOutcome::latencySeconds)
              .sorted()
              .toArray();
      return new Figures(
          outcomes.size(),
          (int) outcomes.stream().filter(ScenarioOutcome::faulted).count(),
          (int) outcomes.stream().filter(ScenarioOutcome::detected).count(),
          (int) outcomes.stream().filter(ScenarioOutcome::typeRight).count(),
          (int) outcomes.stream().filter(ScenarioOutcome::top1).count(),
          (int) outcomes.stream().filter(ScenarioOutcome::top3).count(),
          (int) outcomes.stream().filter(ScenarioOutcome::baselineTop1).count(),
          (int) outcomes.stream().filter(ScenarioOutcome::baselineTop3).count(),
          outcomes.stream()
              .filter(ScenarioOutcome::detected)
              .mapToDouble(ScenarioOutcome::pathRecall)
              .filter(v -> !Double.isNaN(v))
              .average()
              .orElse(Double.NaN),
          outcomes.stream().mapToInt(ScenarioOutcome::trueIncidents).sum(),
          outcomes.stream().mapToInt(ScenarioOutcome::falseIncidents).sum(),
          outcomes.stream()
              .filter(o -> !o.faulted())
              .mapToInt(ScenarioOutcome::falseIncidents)
              .sum(),
          DatasetReport.quantile(latencies, 0.5),
          DatasetReport.quantile(latencies, 0.95));
    }

    public double recall() {
      return faulted == 0 ? Double.NaN : (double) detected / faulted;
    }

    public double precision() {
      int all = trueIncidents + falseIncidents;
      return all == 0 ? Double.NaN : (double) trueIncidents / all;
    }

    double share(int count) {
      return faulted == 0 ? Double.NaN : (double) count / faulted;
    }
  }

  /** Writes report.md, outcomes.json, accuracy.svg/png and latency.svg/png into {@code dir}. */
  public static Figures write(List<ScenarioOutcome> outcomes, Path dir, String command)
      throws IOException {
    Files.createDirectories(dir);
    Map<String, List<ScenarioOutcome>> byType = new TreeMap<>();
    for (ScenarioOutcome outcome : outcomes) {
      byType.computeIfAbsent(outcome.faultType(), t -> new ArrayList<>()).add(outcome);
    }
    Map<String, Figures> figures = new LinkedHashMap<>();
    byType.forEach((type, group) -> figures.put(type, Figures.of(group)));
    Figures all = Figures.of(outcomes);

    StringBuilder md = new StringBuilder();
    md.append("# Evaluation on the scenario suite\n\n")
        .append("Reproduce with:\n\n```\n")
        .append(command)
        .append("\n```\n\n")
        .append("Each scenario is simulated (`faultline simulate`, virtual time from ")
        .append(ScenarioEvaluation.START)
        .append(") and replayed through the analyzer (`faultline replay`). The first incident")
        .append(" opened between the fault's start and two minutes after its end is scored: its")
        .append(" root cause (top 1), its first three candidates (top 3), the share of the truth's")
        .append(" propagation path on its path, and the event time from fault start to incident.")
        .append(" An incident is true when it opens in that span and its root cause is on the")
        .append(" truth's path; every other incident after the first minute is false (all of")
        .append(" them in fault-free scenarios). The type is right when that incident carries the")
        .append(" truth's incident type within a minute of the fault start (incidents refine")
        .append(" themselves while young; a wrong type shows the expected one in brackets).")
        .append(" Recall = detected / faulted scenarios; precision =")
        .append(" true / all incidents. The baseline ranks services by the rise of their p90 self")
        .append(" time over the minute after the fault start.\n\n")
        .append(
            "| fault type | scenarios | detected | type right | top-1 | top-3 | baseline top-1 |"
                + " baseline top-3 | path recall | precision | false incidents | median latency (s) |"
                + " p95 latency (s) |\n")
        .append("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n");
    figures.forEach((type, f) -> row(md, type, f));
    row(md, "**all**", all);
    md.append("\n## Scenarios\n\n")
        .append(
            "| scenario | topology | fault | truth | detected | incident type (expected) | root cause |"
                + " latency (s) | top-1 | top-3 | path recall | true / false incidents | baseline"
                + " first | spans |\n")
        .append("|---|---|---|---|---|---|---|---:|---|---|---:|---:|---|---:|\n");
    for (ScenarioOutcome o : outcomes) {
      md.append(
          String.format(
              "| %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %d / %d | %s | %,d |%n",
              o.name(),
              o.topology(),
              o.faultType(),
              o.truth() == null ? "(none due)" : o.truth(),
              !o.faulted() ? "-" : o.detected() ? "yes" : "no",
              o.type() == null
                  ? "-"
                  : o.type() + (o.typeRight() ? "" : " (" + o.expectedType() + ")"),
              o.rootCause() == null ? "-" : o.rootCause(),
              o.detected() ? String.format("%.0f", o.latencySeconds()) : "-",
              !o.faulted() ? "-" : o.top1() ? "yes" : "no",
              !o.faulted() ? "-" : o.top3() ? "yes" : "no",
              Double.isNaN(o.pathRecall()) ? "-" : String.format("%.2f", o.pathRecall()),
              o.trueIncidents(),
              o.falseIncidents(),
              o.baselineRanking().isEmpty() ? "-" : o.baselineRanking().get(0),
              o.spans()));
    }
    md.append("\n![accuracy](accuracy.png)\n\n![latency](latency.png)\n");
    Files.writeString(dir.resolve("report.md"), md.toString());
    new ObjectMapper()
        .enable(SerializationFeature.INDENT_OUTPUT)
        .writeValue(
            dir.resolve("outcomes.json").toFile(),
            Map.of("summary", figures, "all", all, "scenarios", outcomes));

    List<String> types = new ArrayList<>();
    figures.forEach(
        (type, f) -> {
          if (f.faulted() > 0) {
            types.add(type);
          }
        });
    types.add("all");
    double[][] accuracy = new double[4][types.size()];
    for (int i = 0; i < types.size(); i++) {
      Figures f = i < types.size() - 1 ? figures.get(types.get(i)) : all;
      accuracy[0][i] = f.share(f.top1());
      accuracy[1][i] = f.share(f.top3());
      accuracy[2][i] = f.share(f.baselineTop1());
      accuracy[3][i] = f.share(f.baselineTop3());
    }
    new BarChart(
            "Root-cause accuracy by fault type (simulated scenarios)",
            "share of scenarios",
            types,
            List.of("Faultline top-1", "Faultline top-3", "baseline top-1", "baseline top-3"),
            accuracy,
            1.0)
        .write(dir.resolve("accuracy.svg"), dir.resolve("accuracy.png"));
    List<ScenarioOutcome> faulted = outcomes.stream().filter(ScenarioOutcome::faulted).toList();
    double[][] latency = {faulted.stream().mapToDouble(ScenarioOutcome::latencySeconds).toArray()};
    double max = Arrays.stream(latency[0]).filter(v -> !Double.isNaN(v)).max().orElse(10);
    new BarChart(
            "Detection latency per scenario (event time from fault start, s)",
            "seconds",
            faulted.stream().map(ScenarioOutcome::name).toList(),
            List.of("latency"),
            latency,
            Math.max(10, Math.ceil(max)))
        .write(dir.resolve("latency.svg"), dir.resolve("latency.png"));
    return all;
  }

  private static void row(StringBuilder md, String name, Figures f) {
    md.append(
        String.format(
            "| %s | %d | %s | %s | %s | %s | %s | %s | %s | %s | %d | %s | %s |%n",
            name,
            f.scenarios(),
            f.faulted() == 0 ? "-" : f.detected() + "/" + f.faulted(),
            count(f, f.typeRight()),
            count(f, f.top1()),
            count(f, f.top3()),
            count(f, f.baselineTop1()),
            count(f, f.baselineTop3()),
            Double.isNaN(f.meanPathRecall()) ? "-" : String.format("%.2f", f.meanPathRecall()),
            Double.isNaN(f.precision()) ? "-" : String.format("%.2f", f.precision()),
            f.falseIncidents(),
            Double.isNaN(f.medianLatencySeconds())
                ? "-"
                : String.format("%.0f", f.medianLatencySeconds()),
            Double.isNaN(f.p95LatencySeconds())
                ? "-"
                : String.format("%.0f", f.p95LatencySeconds())));
  }

  private static String count(Figures f, int count) {
    return f.faulted() == 0 ? "-" : String.format("%d (%.0f %%)", count, 100 * f.share(count));
  }
}
