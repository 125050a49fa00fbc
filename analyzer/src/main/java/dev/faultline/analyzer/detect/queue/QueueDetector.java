package dev.faultline.analyzer.detect.queue;

import static dev.faultline.analyzer.detect.Propagation.ms;
import static dev.faultline.analyzer.detect.Propagation.round;

import dev.faultline.analyzer.detect.DetectionSettings;
import dev.faultline.analyzer.detect.Diagnosis;
import dev.faultline.analyzer.detect.Findings;
import dev.faultline.analyzer.detect.Propagation;
import dev.faultline.analyzer.graph.GraphSnapshot;
import dev.faultline.analyzer.graph.GraphWindow;
import dev.faultline.analyzer.graph.OperationKey;
import dev.faultline.analyzer.sketch.LatencySketch;
import dev.faultline.analyzer.trace.NodeKey;
import dev.faultline.schemas.incident.Evidence;
import dev.faultline.schemas.incident.IncidentType;
import dev.faultline.schemas.incident.Severity;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Queue growth, per queue and consumer service, in the spirit of Burrow's consumer-lag rules over
 * the last {@code queue.windows} windows:
 *
 * <ul>
 *   <li><b>stopped</b> (an error): messages keep arriving but the consumer took less than {@code
 *       queue.stop.share} of what it used to take of them, and of its own usual pace (which must be
 *       at least {@code min.samples} messages over the windows, to tell a stop from a lull);
 *   <li><b>growing</b> (a warning): the backlog never drained in the evaluation windows (the queue
 *       wait of every window's messages stayed above {@code queue.wait.ratio} x and {@code
 *       queue.wait.min.ms} over the baseline p90, and did not fall) while more arrived than left;
 *       or, for a consumer whose queue wait is unknown, the backlog counted from the rates is
 *       significant ({@code queue.backlog.z}) and still growing.
 * </ul>
 *
 * <p>The backlog is the messages produced minus consumed (scaled by the share the consumer took in
 * the baseline) since the imbalance began: the largest sum of the per-window deficit over the
 * latest windows. The root cause is a producer when it produces {@code queue.burst.ratio} x its
 * baseline while the consumer keeps at least its old pace (a burst), else the consumer.
 */
public final class QueueDetector {
  private final DetectionSettings settings;
  private final DetectionSettings.Queue queue;

  public QueueDetector(DetectionSettings settings) {
    this.settings = settings;
    this.queue = settings.queue();
  }

  /** The state of one consumer of one queue over the evaluation windows. */
  enum State {
    OK,
    GROWING,
    STOPPED
  }

  /**
   * Judges every queue.
   *
   * @param findings "now" against the baseline, for the figures of the services involved
   * @param baseline the baseline snapshot
   * @param windows the kept windows, oldest first; the latest {@code queue.windows} are evaluated
   */
  public List<Diagnosis> diagnose(
      Findings findings, GraphSnapshot baseline, List<GraphWindow> windows) {
    if (windows.size() < queue.windows()) {
      return List.of();
    }
    Map<NodeKey, List<Lag>> lagging = new LinkedHashMap<>();
    for (QueueFlow flow : QueueFlow.of(windows)) {
      Lag lag = judge(flow, baseline);
      if (lag != null && lag.state != State.OK) {
        lagging.computeIfAbsent(flow.queue(), q -> new ArrayList<>()).add(lag);
      }
    }
    List<Diagnosis> out = new ArrayList<>();
    lagging.forEach((q, lags) -> out.addAll(diagnoses(findings, baseline, lags)));
    return out;
  }

  /** One consumer's lag. */
  static final class Lag {
    QueueFlow flow;
    State state = State.OK;
    double ratio; // consumed per produced in the baseline
    double producedBefore; // per window
    double consumedBefore;
    double producedNow; // per window, over the evaluation windows
    double consumedNow;
    double backlog; // messages
    int since; // window index where the imbalance began
    double waitBeforeP90Us;
    double waitNowP50Us = Double.NaN;
    double waitNowP90Us = Double.NaN;
  }

  Lag judge(QueueFlow flow, GraphSnapshot baseline) {
    double[] rates = flow.baselineRates(baseline);
    if (rates[2] < settings.minSamples() || rates[3] < settings.minSamples()) {
      return null; // nothing to compare with
    }
    Lag lag = new Lag();
    lag.flow = flow;
    lag.producedBefore = rates[0];
    lag.consumedBefore = rates[1];
    lag.ratio = rates[1] / rates[0];
    int n = flow.size();
    int from = n - queue.windows();
    long produced = QueueFlow.sum(flow.produced(), from, n);
    long consumed = QueueFlow.sum(flow.consumed(), from, n);
    lag.producedNow = produced / (double) queue.windows();
    lag.consumedNow = consumed / (double) queue.windows();
    double expected = lag.ratio * produced;
    backlog(flow, lag);
    LatencySketch before = flow.baselineWait(baseline);
    lag.waitBeforeP90Us = before.count() == 0 ? 0 : before.quantile(0.9);
    LatencySketch now = new LatencySketch();
    for (int i = from; i < n; i++) {
      now.merge(flow.waits().get(i));
    }
    if (now.count() > 0) {
      lag.waitNowP50Us = now.quantile(0.5);
      lag.waitNowP90Us = now.quantile(0.9);
    }
    // Its own pace over the same windows: a consumer that stopped takes far less than it used to,
    // not only far less than a burst (or late-counted produce calls) brought. Too rare a consumer
    // to tell a stop from a quiet spell is left to the backlog's tests.
    double usual = lag.consumedBefore * queue.windows();
    if (expected >= settings.minSamples()
        && usual >= settings.minSamples()
        && consumed <= queue.stopShare() * Math.min(expected, usual)) {
      lag.state = State.STOPPED;
    } else if (expected - consumed > 0
        && (neverDrained(flow, lag, now) || significant(flow, lag))) {
      lag.state = State.GROWING;
    }
    return lag;
  }

  /**
   * The largest sum of the deficit (expected minus consumed) over a run of latest windows: the
   * messages left over since the imbalance began.
   */
  private static void backlog(QueueFlow flow, Lag lag) {
    double sum = 0;
    double best = 0;
    int since = flow.size();
    for (int i = flow.size() - 1; i >= 0; i--) {
      sum += lag.ratio * flow.produced()[i] - flow.consumed()[i];
      if (sum > best) {
        best = sum;
        since = i;
      }
    }
    lag.backlog = best;
    lag.since = since;
  }

  /**
   * Every evaluated window's messages waited well above the baseline, and the wait did not fall.
   */
  private boolean neverDrained(QueueFlow flow, Lag lag, LatencySketch now) {
    if (now.count() < settings.minSamples()) {
      return false;
    }
    double threshold =
        Math.max(
            lag.waitBeforeP90Us * queue.waitRatio(),
            lag.waitBeforeP90Us + queue.waitMinMs() * 1_000);
    double first = Double.NaN;
    double last = Double.NaN;
    for (int i = flow.size() - queue.windows(); i < flow.size(); i++) {
      LatencySketch wait = flow.waits().get(i);
      if (wait.count() == 0) {
        continue; // nothing consumed: no lag value in this window
      }
      double median = wait.quantile(0.5);
      if (median < threshold) {
        return false; // it drained (Burrow: a zero lag in the window means OK)
      }
      first = Double.isNaN(first) ? median : first;
      last = median;
    }
    return !Double.isNaN(first) && last >= first;
  }

  /**
   * The backlog counted from the rates is significant: its size over the Poisson standard error of
   * the counts it sums.
   */
  private boolean significant(QueueFlow flow, Lag lag) {
    if (lag.backlog <= 0) {
      return false;
    }
    int n = flow.size();
    double variance =
        lag.ratio * lag.ratio * QueueFlow.sum(flow.produced(), lag.since, n)
            + QueueFlow.sum(flow.consumed(), lag.since, n);
    return lag.backlog / Math.sqrt(Math.max(1, variance)) >= queue.backlogZ();
  }

  private List<Diagnosis> diagnoses(Findings findings, GraphSnapshot baseline, List<Lag> lags) {
    // A producer burst explains every lagging consumer of the queue that kept its pace.
    Lag first = lags.get(0);
    NodeKey burst = burstingProducer(baseline, lags);
    List<Diagnosis> out = new ArrayList<>();
    if (burst != null) {
      out.add(diagnosis(findings, baseline, lags, first, burst, "producer burst"));
      return out;
    }
    for (Lag lag : lags) {
      String cause = lag.state == State.STOPPED ? "stopped consumer" : "slow consumer";
      out.add(diagnosis(findings, baseline, List.of(lag), lag, lag.flow.consumer(), cause));
    }
    return out;
  }

  /**
   * The producer that produces far above its baseline while every lagging consumer still takes at
   * least its old share per window (working at capacity), or null.
   */
  private NodeKey burstingProducer(GraphSnapshot baseline, List<Lag> lags) {
    for (Lag lag : lags) {
      if (lag.state == State.STOPPED || lag.consumedNow < lag.consumedBefore) {
        return null;
      }
    }
    QueueFlow flow = lags.get(0).flow;
    NodeKey best = null;
    double bestRise = 0;
    int n = flow.size();
    for (Map.Entry<NodeKey, long[]> producer : flow.producedBy().entrySet()) {
      double before = QueueFlow.baselineRate(baseline, producer.getKey(), flow.queue());
      double now =
          QueueFlow.sum(producer.getValue(), n - queue.windows(), n) / (double) queue.windows();
      if (before > 0 && now >= queue.burstRatio() * before && now - before > bestRise) {
        best = producer.getKey();
        bestRise = now - before;
      }
    }
    return best;
  }

  private Diagnosis diagnosis(
      Findings findings,
      GraphSnapshot baseline,
      List<Lag> lags,
      Lag main,
      NodeKey root,
      String cause) {
    QueueFlow flow = main.flow;
    double seconds = flow.windowMs() / 1_000.0;
    boolean producerRoot = !root.equals(flow.consumer());
    String rootOperation =
        producerRoot ? flow.producerOperations().get(root) : flow.consumerOperation();
    List<Evidence> rootEvidence = new ArrayList<>();
    List<Evidence> queueEvidence = new ArrayList<>();
    queueEvidence.add(
        new Evidence("backlog " + flow.queue().name(), 0, Math.round(main.backlog), "count"));
    for (Lag lag : lags) {
      if (!Double.isNaN(lag.waitNowP90Us)) {
        queueEvidence.add(waitEvidence(lag));
      }
    }
    if (producerRoot) {
      int n = flow.size();
      double before = QueueFlow.baselineRate(baseline, root, flow.queue());
      double now =
          QueueFlow.sum(flow.producedBy().get(root), n - queue.windows(), n)
              / (double) queue.windows();
      rootEvidence.add(
          new Evidence(
              "produceRate " + root.name() + "->" + flow.queue().name(),
              round(before / seconds),
              round(now / seconds),
              "perSecond"));
    } else {
      rootEvidence.add(consumeEvidence(main, seconds));
      if (!Double.isNaN(main.waitNowP90Us)) {
        rootEvidence.add(waitEvidence(main));
      }
      rootEvidence.addAll(
          Propagation.evidence(findings, new OperationKey(root.name(), rootOperation)));
    }
    List<Diagnosis.PathNode> path = new ArrayList<>();
    path.add(new Diagnosis.PathNode(root, rootOperation, "root", rootEvidence));
    path.add(new Diagnosis.PathNode(flow.queue(), null, "propagating", queueEvidence));
    List<String> consumers = new ArrayList<>();
    for (Lag lag : lags) {
      consumers.add(lag.flow.consumer().name());
      if (producerRoot) {
        path.add(
            new Diagnosis.PathNode(
                lag.flow.consumer(),
                lag.flow.consumerOperation(),
                "propagating",
                List.of(consumeEvidence(lag, seconds))));
      }
    }
    List<String> producers = flow.producedBy().keySet().stream().map(NodeKey::name).toList();
    List<NodeKey> atRisk =
        producerRoot
            ? List.of()
            : flow.producedBy().keySet().stream().filter(p -> !p.equals(root)).toList();
    Map<String, Object> details = new LinkedHashMap<>();
    details.put("queue", flow.queue().name());
    details.put("cause", cause);
    details.put("state", main.state == State.STOPPED ? "stopped" : "growing");
    details.put("status", main.state == State.STOPPED ? "ERROR" : "WARNING");
    details.put("backlogMessages", Math.round(main.backlog));
    details.put(
        "imbalanceSince",
        Instant.ofEpochMilli(
                main.since < flow.size()
                    ? windowStart(flow, main.since)
                    : windowStart(flow, flow.size() - 1))
            .toString());
    details.put("produceRatePerSecond", round(main.producedNow / seconds));
    details.put("produceRatePerSecondBefore", round(main.producedBefore / seconds));
    details.put("consumeRatePerSecond", round(main.consumedNow / seconds));
    details.put("consumeRatePerSecondBefore", round(main.consumedBefore / seconds));
    if (!Double.isNaN(main.waitNowP50Us)) {
      details.put("queueWaitP50Ms", ms(main.waitNowP50Us));
    }
    double drain = (main.consumedNow - main.ratio * main.producedNow) / seconds;
    details.put("draining", drain > 0);
    if (drain > 0) {
      details.put("timeToDrainSeconds", round(main.backlog / drain));
    }
    double drainAtBaseline = (main.consumedNow - main.ratio * main.producedBefore) / seconds;
    if (main.state != State.STOPPED && drainAtBaseline > 0) {
      // Once producers are back at their baseline, at the pace the consumer keeps now.
      details.put("timeToDrainAtBaselineSeconds", round(main.backlog / drainAtBaseline));
    }
    details.put("producers", producers);
    details.put("consumers", consumers);
    double delayMs =
        main.state == State.STOPPED || Double.isNaN(main.waitNowP50Us)
            ? (flow.size() - main.since) * (double) flow.windowMs()
            : Math.max(0, ms(main.waitNowP50Us) - ms(main.waitBeforeP90Us));
    List<Diagnosis.Scored> candidates = List.of(new Diagnosis.Scored(root, rootOperation, delayMs));
    return new Diagnosis(
        IncidentType.QUEUE_GROWTH,
        root,
        rootOperation,
        delayMs,
        rootEvidence,
        candidates,
        path,
        atRisk,
        List.of(),
        null,
        main.state == State.STOPPED ? Severity.MAJOR : Severity.MINOR,
        List.of(),
        details,
        findings.exemplars(flow.queue(), null));
  }

  private static long windowStart(QueueFlow flow, int index) {
    return flow.windowStarts()[index];
  }

  private static Evidence consumeEvidence(Lag lag, double seconds) {
    return new Evidence(
        "consumeRate " + lag.flow.queue().name() + "->" + lag.flow.consumer().name(),
        round(lag.consumedBefore / seconds),
        round(lag.consumedNow / seconds),
        "perSecond");
  }

  private static Evidence waitEvidence(Lag lag) {
    return new Evidence(
        "queueWaitP90 " + lag.flow.queue().name() + "->" + lag.flow.consumer().name(),
        ms(lag.waitBeforeP90Us),
        ms(lag.waitNowP90Us),
        "ms");
  }
}
