package dev.faultline.analyzer.detect;

import static java.util.Objects.requireNonNull;

import dev.faultline.analyzer.detect.queue.QueueDetector;
import dev.faultline.analyzer.detect.retry.RetryStormDetector;
import dev.faultline.analyzer.graph.GraphSnapshot;
import dev.faultline.analyzer.graph.GraphWindow;
import dev.faultline.schemas.incident.Incident;
import dev.faultline.schemas.incident.IncidentType;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Deque;
import java.util.List;
import java.util.NavigableMap;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The detection engine: keeps the recent windows, compares the latest few ("now") with the ones
 * before ("the baseline"), runs the detectors and hands their diagnoses to the incident tracker.
 *
 * <p>The baseline is the merge of up to {@code maxBaselineWindows} windows before "now"; nothing is
 * judged until {@code minBaselineWindows} exist (warm-up). While an incident is open or about to
 * open, the baseline stops moving: it stays the history before the failure started, so a long
 * failure is not learnt as normal.
 *
 * <p>Several diagnoses may come out of one window: the cascade detector's (or, when it finds
 * nothing, the structure detector's), the retry-storm detector's, the instance-drift detector's,
 * and one per growing queue. Instance drift replaces a storm or cascade diagnosis of the same
 * failure: one instance unlike its siblings is the cause of what its extra attempts do downstream.
 * A retry storm replaces the cascade diagnosis of the same failure (same root, or either root on
 * the other's path): it says the same and adds the amplification. A queue diagnosis replaces a
 * cascade diagnosis rooted at the same consumer that reaches no entry point: the consumer's
 * slowdown shows as its backlog.
 */
public final class DefaultDetectionEngine implements DetectionEngine {
  private final DetectionSettings settings;
  private final Deque<GraphWindow> history = new ArrayDeque<>();
  private final IncidentTracker tracker;
  private final CascadeDetector cascade;
  private final StructureDetector structure;
  private final RetryStormDetector retries;
  private final QueueDetector queues;
  private final InstanceDriftDetector drift;
  private GraphSnapshot frozenBaseline;

  /** Windows remembered since the start; the history's first window is number remembered - size. */
  private long remembered;

  /**
   * Pre-merged blocks of {@link #BLOCK} consecutive windows, by the number of their first window (a
   * multiple of {@link #BLOCK}): the baseline is the merge of these and of the few windows at its
   * ends, so each window is merged into a block once instead of into every baseline after it.
   */
  private final NavigableMap<Long, GraphSnapshot> blocks = new TreeMap<>();

  private static final int BLOCK = 10;

  public DefaultDetectionEngine(DetectionSettings settings) {
    this.settings = requireNonNull(settings, "settings");
    this.tracker = new IncidentTracker(settings);
    this.cascade = new CascadeDetector(settings);
    this.structure = new StructureDetector(settings);
    this.retries = new RetryStormDetector(settings);
    this.queues = new QueueDetector(settings);
    this.drift = new InstanceDriftDetector(InstanceDriftDetector.Settings.of(settings));
  }

  @Override
  public void warm(GraphWindow window) {
    remember(window);
  }

  private void remember(GraphWindow window) {
    history.addLast(window);
    remembered++;
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
    Optional<Diagnosis> calls = cascade.diagnose(findings);
    if (calls.isEmpty()) {
      calls = structure.diagnose(findings);
    }
    Optional<Diagnosis> storm = retries.diagnose(findings).map(d -> classify(d, findings));
    List<Diagnosis> backlogs = queues.diagnose(findings, baseline, all);
    List<Diagnosis> diagnoses = new ArrayList<>();
    Optional<Diagnosis> drifted = drift.diagnose(findings);
    if (drifted.isPresent()) {
      // One instance behaving unlike its siblings explains what its extra attempts do downstream.
      diagnoses.add(drifted.get());
      if (storm.isPresent() && sameFailure(storm.get(), drifted.get())) {
        storm = Optional.empty();
      }
      if (calls.isPresent() && sameFailure(calls.get(), drifted.get())) {
        calls = Optional.empty();
      }
    }
    if (storm.isPresent()
        && calls.isPresent()
        && calls.get().type() == IncidentType.ERROR_CASCADE
        && sameFailure(calls.get(), storm.get())) {
      // Failures the root originates, retried by its callers: an error cascade whose retries
      // multiply the load, not a storm that retries started. The amplification stays on it.
      diagnoses.add(withAmplification(calls.get(), storm.get().amplification()));
    } else if (storm.isPresent()) {
      diagnoses.add(storm.get());
      if (calls.isPresent() && !sameFailure(calls.get(), storm.get())) {
        diagnoses.add(calls.get());
      }
    } else if (calls.isPresent() && !explainedByBacklog(calls.get(), backlogs)) {
      diagnoses.add(calls.get());
    }
    diagnoses.addAll(backlogs);
    List<Incident> raised =
        tracker.update(diagnoses, findings, window.startMs(), window.endMs(), wallClockMs);
    if (!tracker.busy()) {
      frozenBaseline = null;
    }
    return raised;
  }

  /**
   * A storm whose root fails fast (its errors rose, its latency did not) is an error cascade that
   * callers retry: the retries multiply the load but did not start the failure. It keeps the
   * storm's path and amplification.
   */
  private static Diagnosis classify(Diagnosis storm, Findings findings) {
    if (!storm.root().isService() || storm.rootOperation() == null) {
      return storm;
    }
    Findings.Operation root =
        findings
            .operations()
            .get(
                new dev.faultline.analyzer.graph.OperationKey(
                    storm.root().name(), storm.rootOperation()));
    if (root == null || !findings.risen(root.errors()) || findings.risen(root.duration())) {
      return storm;
    }
    return retyped(storm, IncidentType.ERROR_CASCADE, storm.amplification());
  }

  private static Diagnosis withAmplification(
      Diagnosis diagnosis, List<dev.faultline.schemas.incident.Amplification> amplification) {
    return retyped(diagnosis, diagnosis.type(), amplification);
  }

  private static Diagnosis retyped(
      Diagnosis diagnosis,
      IncidentType type,
      List<dev.faultline.schemas.incident.Amplification> amplification) {
    return new Diagnosis(
        type,
        diagnosis.root(),
        diagnosis.rootOperation(),
        diagnosis.impactMs(),
        diagnosis.evidence(),
        diagnosis.candidates(),
        diagnosis.path(),
        diagnosis.atRisk(),
        diagnosis.entryPoints(),
        diagnosis.explainedShare(),
        diagnosis.severity(),
        amplification,
        diagnosis.details(),
        diagnosis.exemplars());
  }

  /**
   * Whether two diagnoses describe one failure: the same root, or either root on the other's path.
   */
  static boolean sameFailure(Diagnosis a, Diagnosis b) {
    return a.root().equals(b.root()) || onPath(a, b.root()) || onPath(b, a.root());
  }

  private static boolean onPath(Diagnosis diagnosis, dev.faultline.analyzer.trace.NodeKey node) {
    return diagnosis.path().stream().anyMatch(p -> p.node().equals(node));
  }

  /**
   * A slowdown of a consumer that reaches no entry point, where that consumer's queue grows: in
   * this window, or in a queue incident still open (a backlog's verdict may skip a window while the
   * slowdown goes on).
   */
  private boolean explainedByBacklog(Diagnosis diagnosis, List<Diagnosis> backlogs) {
    if (!diagnosis.entryPoints().isEmpty()) {
      return false;
    }
    String root = diagnosis.root().toString();
    return backlogs.stream()
            .anyMatch(b -> b.path().stream().anyMatch(p -> p.node().equals(diagnosis.root())))
        || tracker.open().stream()
            .anyMatch(
                i ->
                    i.type() == IncidentType.QUEUE_GROWTH
                        && i.path().stream().anyMatch(h -> h.node().equals(root)));
  }

  /** The windows before now (frozen at the start of a failure while one is open or pending). */
  private GraphSnapshot baseline(List<GraphWindow> all) {
    if (frozenBaseline != null) {
      return frozenBaseline;
    }
    List<GraphWindow> before = all.subList(0, all.size() - settings.currentMaxWindows());
    GraphSnapshot merged = mergeInBlocks(before, remembered - all.size());
    if (tracker.busy()) {
      frozenBaseline = merged;
    }
    return merged;
  }

  /**
   * The merge of {@code windows}, the first of which is window number {@code first}: whole aligned
   * blocks come from (or go into) {@link #blocks}, the windows around them are merged one by one.
   */
  private GraphSnapshot mergeInBlocks(List<GraphWindow> windows, long first) {
    blocks.headMap(first, false).clear();
    GraphSnapshot.Merger merger = new GraphSnapshot.Merger();
    int i = 0;
    while (i < windows.size()) {
      long number = first + i;
      if (number % BLOCK == 0 && i + BLOCK <= windows.size()) {
        int from = i;
        merger.add(
            blocks.computeIfAbsent(
                number, n -> GraphSnapshot.merge(windows.subList(from, from + BLOCK))));
        i += BLOCK;
      } else {
        merger.add(windows.get(i));
        i++;
      }
    }
    return merger.snapshot();
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
