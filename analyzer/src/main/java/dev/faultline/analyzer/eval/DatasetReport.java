package dev.faultline.analyzer.eval;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** Writes the report of a labelled data set: markdown tables, JSON, and charts (SVG and PNG). */
public final class DatasetReport {
  private DatasetReport() {}

  /** Aggregate figures of a group of cases. */
  public record Figures(
      int cases,
      int detected,
      int top1,
      int top3,
      int top1Later,
      int baselineTop1,
      int baselineTop3,
      double medianLatencySeconds,
      double p95LatencySeconds,
      int falseAlarms,
      int casesWithFalseAlarms) {

    static Figures of(List<CaseOutcome> outcomes) {
      double[] latencies =
          outcomes.stream()
              .filter(CaseOutcome::detected)
              .mapToDouble(CaseOutcome::latencySeconds)
              .sorted()
              .toArray();
      return new Figures(
          outcomes.size(),
          (int) outcomes.stream().filter(CaseOutcome::detected).count(),
          (int) outcomes.stream().filter(CaseOutcome::top1).count(),
          (int) outcomes.stream().filter(CaseOutcome::top3).count(),
          (int) outcomes.stream().filter(CaseOutcome::top1Later).count(),
          (int) outcomes.stream().filter(CaseOutcome::baselineTop1).count(),
          (int) outcomes.stream().filter(CaseOutcome::baselineTop3).count(),
          quantile(latencies, 0.5),
          quantile(latencies, 0.95),
          outcomes.stream().mapToInt(CaseOutcome::falseAlarms).sum(),
          (int) outcomes.stream().filter(o -> o.falseAlarms() > 0).count());
    }

    double rate(int count) {
      return cases == 0 ? 0 : (double) count / cases;
    }
  }

  static double quantile(double[] sorted, double q) {
    if (sorted.length == 0) {
      return Double.NaN;
    }
    return sorted[(int) Math.min(sorted.length - 1, Math.floor(q * (sorted.length - 1) + 0.5))];
  }

  /** Writes report.md, outcomes.json, accuracy.svg/png and latency.svg/png into {@code dir}. */
  public static Map<String, Figures> write(List<CaseOutcome> outcomes, Path dir, String command)
      throws IOException {
    Files.createDirectories(dir);
    Map<String, List<CaseOutcome>> byType = new TreeMap<>();
    for (CaseOutcome outcome : outcomes) {
      byType.computeIfAbsent(outcome.faultType(), t -> new ArrayList<>()).add(outcome);
    }
    Map<String, Figures> figures = new TreeMap<>();
    byType.forEach((type, group) -> figures.put(type, Figures.of(group)));
    Figures all = Figures.of(outcomes);

    StringBuilder md = new StringBuilder();
    md.append("# Evaluation on a labelled data set\n\n")
        .append("Reproduce with:\n\n```\n")
        .append(command)
        .append("\n```\n\n")
        .append(
            "Each case is replayed on its own (`faultline replay`); the first incident opened at or")
        .append(
            " after the injection is scored: detected, its root cause (top 1) and its first three")
        .append(
            " candidate services (top 3), the event time from injection to the incident. Incidents")
        .append(
            " opened before the injection are false alarms. The baseline ranks services by the rise")
        .append(
            " of their p90 self time over the minute after the injection. \"Top-1 at 60 s\" scores")
        .append(
            " the same incident's root cause as it stands 60 s after the injection (an incident")
        .append(" refines its root cause while it is young).\n\n")
        .append(
            "| fault type | cases | detected | top-1 | top-1 at 60 s | top-3 | baseline top-1 | baseline top-3 | median latency (s) | p95 latency (s) | incidents before injection |\n")
        .append("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n");
    figures.forEach((type, f) -> row(md, type, f));
    row(md, "**all**", all);
    md.append("\n## Cases\n\n")
        .append(
            "| case | truth | detected | root cause | type | latency (s) | top-1 | root cause at 60 s | top-3 | before injection | baseline first |\n")
        .append("|---|---|---|---|---|---:|---|---|---|---:|---|\n");
    for (CaseOutcome o : outcomes) {
      md.append(
          String.format(
              "| %s | %s | %s | %s | %s | %s | %s | %s | %s | %d | %s |%n",
              o.name(),
              o.truth(),
              o.detected() ? "yes" : "no",
              o.rootCause() == null ? "-" : o.rootCause(),
              o.type() == null ? "-" : o.type(),
              o.detected() ? String.format("%.1f", o.latencySeconds()) : "-",
              o.top1() ? "yes" : "no",
              o.rootCauseLater() == null ? "-" : o.rootCauseLater(),
              o.top3() ? "yes" : "no",
              o.falseAlarms(),
              o.baselineRanking().isEmpty() ? "-" : o.baselineRanking().get(0)));
    }
    md.append("\n![accuracy](accuracy.png)\n\n![latency](latency.png)\n");
    Files.writeString(dir.resolve("report.md"), md.toString());
    new ObjectMapper()
        .enable(SerializationFeature.INDENT_OUTPUT)
        .writeValue(
            dir.resolve("outcomes.json").toFile(),
            Map.of("summary", figures, "all", all, "cases", outcomes));

    List<String> types = new ArrayList<>(figures.keySet());
    types.add("all");
    double[][] accuracy = new double[4][types.size()];
    for (int i = 0; i < types.size(); i++) {
      Figures f = i < figures.size() ? figures.get(types.get(i)) : all;
      accuracy[0][i] = f.rate(f.top1());
      accuracy[1][i] = f.rate(f.top3());
      accuracy[2][i] = f.rate(f.baselineTop1());
      accuracy[3][i] = f.rate(f.baselineTop3());
    }
    new BarChart(
            "Root-cause accuracy by fault type",
            "share of cases",
            types,
            List.of("Faultline top-1", "Faultline top-3", "baseline top-1", "baseline top-3"),
            accuracy,
            1.0)
        .write(dir.resolve("accuracy.svg"), dir.resolve("accuracy.png"));
    List<String> names = outcomes.stream().map(CaseOutcome::name).toList();
    double[][] latency = {outcomes.stream().mapToDouble(CaseOutcome::latencySeconds).toArray()};
    double max = Arrays.stream(latency[0]).filter(v -> !Double.isNaN(v)).max().orElse(10);
    new BarChart(
            "Detection latency per case (event time, s)",
            "seconds",
            names,
            List.of("latency"),
            latency,
            Math.max(10, Math.ceil(max)))
        .write(dir.resolve("latency.svg"), dir.resolve("latency.png"));
    return figures;
  }

  private static void row(StringBuilder md, String name, Figures f) {
    md.append(
        String.format(
            "| %s | %d | %d | %d (%.0f %%) | %d (%.0f %%) | %d (%.0f %%) | %d (%.0f %%) | %d (%.0f %%) | %s | %s | %d |%n",
            name,
            f.cases(),
            f.detected(),
            f.top1(),
            100 * f.rate(f.top1()),
            f.top1Later(),
            100 * f.rate(f.top1Later()),
            f.top3(),
            100 * f.rate(f.top3()),
            f.baselineTop1(),
            100 * f.rate(f.baselineTop1()),
            f.baselineTop3(),
            100 * f.rate(f.baselineTop3()),
            Double.isNaN(f.medianLatencySeconds())
                ? "-"
                : String.format("%.1f", f.medianLatencySeconds()),
            Double.isNaN(f.p95LatencySeconds())
                ? "-"
                : String.format("%.1f", f.p95LatencySeconds()),
            f.falseAlarms()));
  }
}
