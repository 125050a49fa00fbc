package dev.faultline.analyzer.eval;

import static java.util.Objects.requireNonNull;

import dev.faultline.analyzer.config.AnalyzerConfig;
import dev.faultline.analyzer.detect.DetectionEngine;
import dev.faultline.analyzer.replay.Replay;
import dev.faultline.ingest.simulate.Scenario;
import dev.faultline.ingest.simulate.Simulator;
import dev.faultline.schemas.incident.Candidate;
import dev.faultline.schemas.incident.Hop;
import dev.faultline.schemas.incident.Incident;
import dev.faultline.schemas.incident.IncidentStatus;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * Simulates each scenario, replays its spans through the analyzer (the production topology, as
 * {@code faultline replay} does) and scores the incidents against the scenario's truth.
 */
public final class ScenarioEvaluation {
  /** Virtual time zero of every scenario, so that runs compare. */
  public static final Instant START = Instant.parse("2026-01-01T00:00:00Z");

  /** Incidents opened this long after a fault's end still count as being about it. */
  static final long AFTER_END_MS = 120_000;

  /** Incidents opened in the first minute (no baseline yet) are not judged. */
  static final long WARM_UP_MS = 60_000;

  private final AnalyzerConfig config;
  private final Supplier<DetectionEngine> detection;

  public ScenarioEvaluation(AnalyzerConfig config, Supplier<DetectionEngine> detection) {
    this.config = requireNonNull(config, "config");
    this.detection = requireNonNull(detection, "detection");
  }

  /** Evaluates each scenario in turn. */
  public List<ScenarioOutcome> run(List<Scenario> scenarios, Consumer<String> progress) {
    List<ScenarioOutcome> outcomes = new ArrayList<>();
    for (Scenario scenario : scenarios) {
      progress.accept("scenario " + scenario.name() + ": simulating");
      List<ExportTraceServiceRequest> requests = Simulator.collect(scenario, START.toEpochMilli());
      progress.accept("scenario " + scenario.name() + ": replaying");
      Replay.Result result = new Replay(config, detection).run(requests, line -> {});
      ScenarioOutcome outcome = score(scenario, result);
      progress.accept(
          String.format(
              "scenario %s: %s",
              scenario.name(),
              !outcome.faulted()
                  ? outcome.falseIncidents() + " incident(s), none due"
                  : outcome.detected()
                      ? String.format(
                          "%s rooted at %s after %.0f s (truth %s)",
                          outcome.type(),
                          outcome.rootCause(),
                          outcome.latencySeconds(),
                          outcome.truth())
                      : "not detected (truth " + outcome.truth() + ")"));
      outcomes.add(outcome);
    }
    return outcomes;
  }

  /**
   * The graph nodes ({@code type:name}) that are what the truth names: a service, or a shared
   * dependency under each name its spans carry (its address and its {@code db.namespace}; which one
   * a node is named from is the analyzer's choice, and a truth may not presume it). Public so that
   * {@code faultline bench}'s detection latency judges a root cause by the same rule.
   */
  public static Set<String> nodesOf(Scenario scenario, String name) {
    Set<String> nodes = new LinkedHashSet<>();
    for (Scenario.DependencySpec dependency : scenario.dependencies()) {
      if (dependency.name().equals(name)) {
        for (String type : List.of("database", "virtual")) {
          nodes.add(type + ":" + dependency.name());
          if (dependency.namespace() != null) {
            nodes.add(type + ":" + dependency.namespace());
          }
        }
      }
    }
    if (nodes.isEmpty()) {
      nodes.add("service:" + name);
    }
    return nodes;
  }

  /** Incidents refine themselves while young: the type counts if it is right within a minute. */
  static final long TYPE_WITHIN_MS = 60_000;

  private static boolean typeRight(
      List<Incident> incidents, Incident first, String expected, long faultStart) {
    if (expected == null) {
      return false;
    }
    for (Incident incident : incidents) {
      if (incident.id().equals(first.id())
          && incident.type().name().equals(expected)
          && Instant.parse(incident.eventTime()).toEpochMilli() <= faultStart + TYPE_WITHIN_MS) {
        return true;
      }
    }
    return false;
  }

  static ScenarioOutcome score(Scenario scenario, Replay.Result result) {
    Scenario.Truth truth = scenario.truth();
    long start = START.toEpochMilli();
    long faultStart = truth.incident() ? start + (long) (truth.startSeconds() * 1000) : 0;
    double endSeconds =
        truth.endSeconds() != null ? truth.endSeconds() : scenario.durationSeconds();
    long faultEnd = start + (long) (endSeconds * 1000) + AFTER_END_MS;
    Set<String> touched = new LinkedHashSet<>();
    truth.path().forEach(name -> touched.addAll(nodesOf(scenario, name)));
    Set<String> root = truth.service() == null ? Set.of() : nodesOf(scenario, truth.service());
    touched.addAll(root);
    Incident first = null;
    int trueIncidents = 0;
    int falseIncidents = 0;
    for (Incident incident : result.incidents()) {
      if (incident.status() != IncidentStatus.OPEN) {
        continue;
      }
      long at = Instant.parse(incident.eventTime()).toEpochMilli();
      if (at < start + WARM_UP_MS) {
        continue;
      }
      boolean about =
          truth.incident()
              && at >= faultStart
              && at <= faultEnd
              && touched.contains(incident.rootCause().node());
      if (about) {
        trueIncidents++;
      } else {
        falseIncidents++;
      }
      if (truth.incident() && first == null && at >= faultStart && at <= faultEnd) {
        first = incident;
      }
    }
    List<String> ranking =
        truth.incident()
            ? SelfTimeRiseBaseline.rank(
                result.windows(), faultStart, DatasetEvaluation.BASELINE_AFTER_MS)
            : List.of();
    String faultType = truth.incident() ? truth.faultType() : "none";
    if (first == null) {
      return new ScenarioOutcome(
          scenario.name(),
          scenario.topology(),
          faultType,
          truth.service(),
          truth.path(),
          result.spans(),
          false,
          Double.NaN,
          null,
          null,
          truth.incidentType(),
          false,
          false,
          false,
          Double.NaN,
          trueIncidents,
          falseIncidents,
          ranking);
    }
    Set<String> top = new LinkedHashSet<>();
    top.add(first.rootCause().node());
    for (Candidate candidate : first.candidates()) {
      top.add(candidate.node());
    }
    Set<String> onPath = new LinkedHashSet<>();
    for (Hop hop : first.path()) {
      onPath.add(hop.node());
    }
    double recall =
        truth.path().isEmpty()
            ? Double.NaN
            : truth.path().stream()
                    .filter(name -> nodesOf(scenario, name).stream().anyMatch(onPath::contains))
                    .count()
                / (double) truth.path().size();
    return new ScenarioOutcome(
        scenario.name(),
        scenario.topology(),
        faultType,
        truth.service(),
        truth.path(),
        result.spans(),
        true,
        (Instant.parse(first.eventTime()).toEpochMilli() - faultStart) / 1000.0,
        first.rootCause().service(),
        first.type().name(),
        truth.incidentType(),
        typeRight(result.incidents(), first, truth.incidentType(), faultStart),
        root.contains(first.rootCause().node()),
        top.stream().limit(3).anyMatch(root::contains),
        recall,
        trueIncidents,
        falseIncidents,
        ranking);
  }
}
