package dev.faultline.cli;

import dev.faultline.analyzer.config.AnalyzerConfig;
import dev.faultline.analyzer.detect.Detectors;
import dev.faultline.analyzer.eval.CaseOutcome;
import dev.faultline.analyzer.eval.DatasetEvaluation;
import dev.faultline.analyzer.eval.DatasetReport;
import dev.faultline.analyzer.eval.LabelledCase;
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
      "  faultline eval --dataset ../shared/data/nezha-onlineboutique/labels.json --output eval/nezha"
    })
final class EvalCommand implements Callable<Integer> {
  @Option(
      names = "--dataset",
      paramLabel = "LABELS",
      description = "A labels file (JSON array of cases).")
  Path dataset;

  @Option(
      names = "--cases",
      paramLabel = "REGEX",
      description = "Only the cases whose name matches.")
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
    if (dataset == null) {
      throw new CommandLine.ParameterException(spec.commandLine(), "give --dataset labels.json");
    }
    AnalyzerConfig config = settings.analyzerConfig(Map.of());
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
                "  %-16s %2d cases, detected %2d, top-1 %2d, top-3 %2d (baseline %d/%d), median latency %s s%n",
                type,
                f.cases(),
                f.detected(),
                f.top1(),
                f.top3(),
                f.baselineTop1(),
                f.baselineTop3(),
                Double.isNaN(f.medianLatencySeconds())
                    ? "-"
                    : String.format("%.1f", f.medianLatencySeconds())));
    out.flush();
    return 0;
  }
}
