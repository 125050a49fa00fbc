package dev.faultline.cli;

import dev.faultline.analyzer.config.AnalyzerConfig;
import dev.faultline.analyzer.detect.Detectors;
import dev.faultline.analyzer.eval.CaseOutcome;
import dev.faultline.analyzer.eval.DatasetEvaluation;
import dev.faultline.analyzer.eval.DatasetReport;
import dev.faultline.analyzer.eval.LabelledCase;
import dev.faultline.analyzer.eval.ScenarioEvaluation;
import dev.faultline.analyzer.eval.ScenarioOutcome;
import dev.faultline.analyzer.eval.ScenarioReport;
import dev.faultline.ingest.simulate.Scenario;
import dev.faultline.ingest.simulate.ScenarioReader;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code faultline eval}: accuracy and latency on labelled recordings or simulated scenarios. */
@Command(
    name = "eval",
    mixinStandardHelpOptions = true,
    description = {
      "Replay labelled recordings (--dataset labels.json) or simulated scenarios (--scenarios DIR)"
          + " and report detection, root-cause accuracy at 1 and 3, latency and false incidents,"
          + " as markdown with charts.",
      "",
      "Example:",
      "  faultline eval --dataset ../shared/data/nezha-onlineboutique/labels.json --output eval/nezha",
      "  faultline eval --scenarios scenarios --output eval/scenarios"
    })
final class EvalCommand implements Callable<Integer> {
  @Option(
      names = "--dataset",
      paramLabel = "LABELS",
      description = "A labels file (JSON array of cases).")
  Path dataset;

  @Option(
      names = "--scenarios",
      paramLabel = "DIR",
      description = "A directory of scenario files (*.json), e.g. scenarios/.")
  Path scenarios;

  @Option(
      names = "--cases",
      paramLabel = "REGEX",
      description = "Only the cases (or scenarios) whose name matches.")
  String only;

  @Option(
      names = "--output",
      required = true,
      paramLabel = "DIR",
      description = "Where the report goes.")
  Path output;

  @Mixin SettingsOptions settings;

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() throws Exception {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    if ((dataset == null) == (scenarios == null)) {
      throw new CommandLine.ParameterException(
          spec.commandLine(), "give either --dataset labels.json or --scenarios DIR");
    }
    AnalyzerConfig config = settings.analyzerConfig(Map.of());
    if (scenarios != null) {
      return evaluateScenarios(config, out, err);
    }
    List<LabelledCase> cases = LabelledCase.read(dataset);
    if (only != null) {
      cases = cases.stream().filter(c -> c.name().matches(".*(" + only + ").*")).toList();
    }
    List<CaseOutcome> outcomes =
        new DatasetEvaluation(config, () -> Detectors.engine(config))
            .run(
                cases,
                line -> {
                  err.println(line);
                  err.flush();
                });
    String command =
        "./faultline eval --dataset "
            + dataset
            + (only == null ? "" : " --cases '" + only + "'")
            + " --output "
            + output;
    var figures = DatasetReport.write(outcomes, output, command);
    out.printf("%d cases; report in %s%n", outcomes.size(), output.resolve("report.md"));
    figures.forEach(
        (type, f) ->
            out.printf(
                "  %-16s %2d cases, detected %2d, top-1 %2d (%2d at 60 s), top-3 %2d (baseline %d/%d),"
                    + " median latency %s s%n",
                type,
                f.cases(),
                f.detected(),
                f.top1(),
                f.top1Later(),
                f.top3(),
                f.baselineTop1(),
                f.baselineTop3(),
                Double.isNaN(f.medianLatencySeconds())
                    ? "-"
                    : String.format("%.1f", f.medianLatencySeconds())));
    out.flush();
    return 0;
  }

  private int evaluateScenarios(AnalyzerConfig config, PrintWriter out, PrintWriter err)
      throws java.io.IOException {
    List<Scenario> suite = ScenarioReader.readAll(scenarios);
    if (only != null) {
      suite = suite.stream().filter(s -> s.name().matches(".*(" + only + ").*")).toList();
    }
    List<ScenarioOutcome> outcomes =
        new ScenarioEvaluation(config, () -> Detectors.engine(config))
            .run(
                suite,
                line -> {
                  err.println(line);
                  err.flush();
                });
    String command =
        "./faultline eval --scenarios "
            + scenarios
            + (only == null ? "" : " --cases '" + only + "'")
            + " --output "
            + output;
    ScenarioReport.Figures all = ScenarioReport.write(outcomes, output, command);
    out.printf(
        "%d scenarios (%d with a fault): detected %d, type right %d, top-1 %d, top-3 %d (baseline %d/%d),"
            + " precision %s, false incidents %d (%d in fault-free runs), median latency %s s;"
            + " report in %s%n",
        all.scenarios(),
        all.faulted(),
        all.detected(),
        all.typeRight(),
        all.top1(),
        all.top3(),
        all.baselineTop1(),
        all.baselineTop3(),
        Double.isNaN(all.precision()) ? "-" : String.format("%.2f", all.precision()),
        all.falseIncidents(),
        all.faultFreeIncidents(),
        Double.isNaN(all.medianLatencySeconds())
            ? "-"
            : String.format("%.0f", all.medianLatencySeconds()),
        output.resolve("report.md"));
    out.flush();
    return 0;
  }
}
