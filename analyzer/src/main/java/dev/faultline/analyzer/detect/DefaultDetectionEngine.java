package dev.faultline.analyzer.detect;

import static java.util.Objects.requireNonNull;

import dev.faultline.analyzer.graph.GraphSnapshot;
import dev.faultline.analyzer.graph.GraphWindow;
import dev.faultline.schemas.incident.Incident;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Deque;
import java.util.List;
import java.util.Optional;

/**
 * The detection engine: keeps the recent windows, compares the latest few ("now") with the ones
 * before ("the baseline"), runs the detectors and hands their diagnoses to the incident tracker.
 *
 * <p>The baseline is the merge of up to {@code maxBaselineWindows} windows before "now"; nothing is
 * judged until {@code minBaselineWindows} exist (warm-up). While an incident is open or about to
 * open, the baseline stops moving: it stays the history before the failure started, so a long
 * failure is not learnt as normal.
 */
public final class DefaultDetectionEngine implements DetectionEngine {
  private final DetectionSettings settings;
  private final Deque<GraphWindow> history = new ArrayDeque<>();
  private final IncidentTracker tracker;
  private final CascadeDetector cascade;
  private final StructureDetector structure;
  private GraphSnapshot frozenBaseline;

  public DefaultDetectionEngine(DetectionSettings settings) {
    this.settings = requireNonNull(settings, "settings");
    this.tracker = new IncidentTracker(settings);
    this.cascade = new CascadeDetector(settings);
    this.structure = new StructureDetector(settings);
  }

  @Override
  public void warm(GraphWindow window) {
    remember(window);
  }

  private void remember(GraphWindow window) {
    history.addLast(window);
    while (history.size() > settings.maxBaselineWindows() + settings.currentMaxWindows()) {
      history.removeFirst();
    }
  }

  @Override
  public List<Incident> onWindow(GraphWindow window, long wallClockMs) {
    remember(window);
    if (history.size() < settings.minBaselineWindows() + settings.currentMaxWindows()) {
      return tracker.update(List.of(), null, window.startMs(), window.endMs(), wallClockMs);
    }
    List<GraphWindow> all = new ArrayList<>(history);
    List<GraphWindow> recent = all.subList(all.size() - settings.currentWindows(), all.size());
    List<GraphWindow> extended = all.subList(all.size() - settings.currentMaxWindows(), all.size());
    GraphSnapshot baseline = baseline(all);
    Findings findings =
        Findings.of(baseline, GraphSnapshot.merge(recent), GraphSnapshot.merge(extended), settings);
    List<Diagnosis> diagnoses = new ArrayList<>();
    Optional<Diagnosis> latency = cascade.diagnose(findings);
    if (latency.isPresent()) {
      diagnoses.add(latency.get());
    } else {
      structure.diagnose(findings).ifPresent(diagnoses::add);
    }
    List<Incident> raised =
        tracker.update(diagnoses, findings, window.startMs(), window.endMs(), wallClockMs);
    if (!tracker.busy()) {
      frozenBaseline = null;
    }
    return raised;
  }

  /** The windows before now (frozen at the start of a failure while one is open or pending). */
  private GraphSnapshot baseline(List<GraphWindow> all) {
    if (frozenBaseline != null) {
      return frozenBaseline;
    }
    List<GraphWindow> before = all.subList(0, all.size() - settings.currentMaxWindows());
    GraphSnapshot merged = GraphSnapshot.merge(before);
    if (tracker.busy()) {
      frozenBaseline = merged;
    }
    return merged;
  }

  @Override
  public Collection<Incident> open() {
    return tracker.open();
  }

  @Override
  public void restore(Collection<Incident> open) {
    tracker.restore(open);
  }
}
