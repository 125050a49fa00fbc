package dev.faultline.analyzer.eval;

import static java.util.Objects.requireNonNull;

import dev.faultline.analyzer.config.AnalyzerConfig;
import dev.faultline.analyzer.detect.DetectionEngine;
import dev.faultline.analyzer.replay.Replay;
import dev.faultline.schemas.incident.Candidate;
import dev.faultline.schemas.incident.Incident;
import dev.faultline.schemas.incident.IncidentStatus;
import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.Supplier;

/** Replays each labelled case and scores the incidents against its label. */
public final class DatasetEvaluation {
  /** How long after the injection the baseline looks at self times. */
  static final long BASELINE_AFTER_MS = 60_000;

  /** How long after the injection the incident's root cause is read a second time. */
  static final long LATER_MS = 60_000;

  private final AnalyzerConfig config;
  private final Supplier<DetectionEngine> detection;

  public DatasetEvaluation(AnalyzerConfig config, Supplier<DetectionEngine> detection) {
    this.config = requireNonNull(config, "config");
    this.detection = requireNonNull(detection, "detection");
  }

  public List<CaseOutcome> run(List<LabelledCase> cases, Consumer<String> progress)
      throws IOException {
    List<CaseOutcome> outcomes = new ArrayList<>();
    int i = 0;
    for (LabelledCase labelled : cases) {
      i++;
      Replay.Result result =
          new Replay(config, detection).run(List.of(labelled.file()), line -> {});
      CaseOutcome outcome = score(labelled, result);
      outcomes.add(outcome);
      progress.accept(
          String.format(
              "[%d/%d] %s: %s%s",
              i,
              cases.size(),
              labelled.name(),
              outcome.detected()
                  ? "root cause "
                      + outcome.rootCause()
                      + (outcome.top1() ? " (right)" : " (wrong)")
                      + String.format(", %.1f s", outcome.latencySeconds())
                  : "not detected",
              outcome.falseAlarms() > 0 ? ", " + outcome.falseAlarms() + " before injection" : ""));
    }
    return outcomes;
  }

  static CaseOutcome score(LabelledCase labelled, Replay.Result result) {
    long injected = labelled.injectedAt().toEpochMilli();
    Set<String> before = new HashSet<>();
    Incident first = null;
    for (Incident incident : result.incidents()) {
      if (incident.status() != IncidentStatus.OPEN) {
        continue;
      }
      long at = Instant.parse(incident.eventTime()).toEpochMilli();
      if (at < injected) {
        before.add(incident.id());
      } else if (first == null) {
        first = incident;
      }
    }
    List<String> ranking = SelfTimeRiseBaseline.rank(result.windows(), injected, BASELINE_AFTER_MS);
    if (first == null) {
      return new CaseOutcome(
          labelled.name(),
          labelled.faultType(),
          labelled.rootCauseService(),
          false,
          Double.NaN,
          null,
          null,
          false,
          false,
          null,
          false,
          before.size(),
          ranking);
    }
    Set<String> top = new LinkedHashSet<>();
    top.add(first.rootCause().service());
    for (Candidate candidate : first.candidates()) {
      top.add(candidate.service());
    }
    boolean top3 = top.stream().limit(3).anyMatch(labelled.rootCauseService()::equals);
    double latency = (Instant.parse(first.eventTime()).toEpochMilli() - injected) / 1_000.0;
    Incident later = first;
    for (Incident incident : result.incidents()) {
      long at = Instant.parse(incident.eventTime()).toEpochMilli();
      if (incident.id().equals(first.id())
          && incident.status() != IncidentStatus.RESOLVED
          && at <= injected + LATER_MS) {
        later = incident;
      }
    }
    return new CaseOutcome(
        labelled.name(),
        labelled.faultType(),
        labelled.rootCauseService(),
        true,
        latency,
        first.rootCause().service(),
        first.type().name(),
        first.rootCause().service().equals(labelled.rootCauseService()),
        top3,
        later.rootCause().service(),
        later.rootCause().service().equals(labelled.rootCauseService()),
        before.size(),
        ranking);
  }
}
