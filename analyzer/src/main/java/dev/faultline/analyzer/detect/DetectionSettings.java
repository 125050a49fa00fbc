package dev.faultline.analyzer.detect;

import dev.faultline.analyzer.config.AnalyzerConfig;

/**
 * The thresholds of detection, all from {@link AnalyzerConfig} (keys {@code faultline.detect.*},
 * documented there and in docs/configuration.md).
 *
 * @param currentWindows windows merged into "now"
 * @param currentMaxWindows windows merged into "now" for operations too rare to judge on fewer
 * @param minBaselineWindows windows of history before anything is judged (warm-up)
 * @param maxBaselineWindows the longest history the baseline uses
 * @param latencyZ significance of a latency shift
 * @param latencyRatio how many times the baseline p90 "now" must reach
 * @param latencyMinMs smallest latency shift that counts, in ms
 * @param errorZ significance of an error-rate rise
 * @param errorMinRate smallest error-rate rise that counts
 * @param minSamples fewest values in "now" for a judgement
 * @param structureZ significance of a change in calls per request
 * @param structureMinChange smallest relative change in calls per request
 * @param openWindows consecutive windows a finding must last before an incident opens
 * @param resolveWindows consecutive quiet windows before an incident resolves
 * @param minImpactMs smallest extra latency per entry request (or error share x 1000) worth an
 *     incident
 * @param minExplainedShare share of the entry points' degradation a root cause must explain to open
 *     an incident, unless its own change is strong
 * @param strongRatio how many times its baseline p90 a root cause's own figure must reach to open
 *     an incident on its own, whatever the entry points show
 * @param queue the thresholds of queue growth
 * @param retry the thresholds of retry storms
 * @param drift thresholds of instance drift
 * @param limits severity, strength, structure, containment and refinement limits
 */
public record DetectionSettings(
    int currentWindows,
    int currentMaxWindows,
    int minBaselineWindows,
    int maxBaselineWindows,
    double latencyZ,
    double latencyRatio,
    double latencyMinMs,
    double errorZ,
    double errorMinRate,
    long minSamples,
    double structureZ,
    double structureMinChange,
    int openWindows,
    int resolveWindows,
    double minImpactMs,
    double minExplainedShare,
    double strongRatio,
    Queue queue,
    Retry retry,
    Drift drift,
    Limits limits) {

  public DetectionSettings {
    java.util.Objects.requireNonNull(queue, "queue");
    java.util.Objects.requireNonNull(retry, "retry");
  }

  /**
   * Queue growth (keys {@code faultline.detect.queue.*}).
   *
   * @param waitRatio how many times its baseline p90 a queue wait must reach
   * @param waitMinMs smallest queue wait above the baseline p90 that counts, in ms
   * @param windows windows a queue is evaluated over
   * @param stopShare share of the expected consumption below which a consumer has stopped
   * @param burstRatio produce rate over its baseline that makes a producer the cause
   * @param backlogZ significance of a backlog counted from rates alone
   */
  public record Queue(
      double waitRatio,
      double waitMinMs,
      int windows,
      double stopShare,
      double burstRatio,
      double backlogZ) {}

  /**
   * Retry storms (keys {@code faultline.detect.retry.*}).
   *
   * @param minShare retry share of an edge's calls that makes it a storm edge
   * @param minAmplification load multiplication along a path, relative to the baseline, that makes
   *     a retry storm
   * @param recoveredRatio completed requests per second of a storm's root, relative to its onset,
   *     that say its capacity is back
   * @param instanceShare largest share of an edge's retries the caller's other instances may make
   *     when one instance's retries are its own
   */
  public record Retry(
      double minShare, double minAmplification, double recoveredRatio, double instanceShare) {}

  /**
   * Drift between the instances of a service (keys {@code faultline.detect.drift.*}).
   *
   * @param minShareDelta least difference of one instance's failure or retry share to its siblings'
   * @param ratio least factor of one instance's share over its siblings'
   */
  public record Drift(double minShareDelta, double ratio) {}

  /**
   * Limits shared by several detectors.
   *
   * @param criticalErrorRise an entry operation's error-rate rise that makes an incident critical
   * @param criticalLatencyRatio an entry operation's p90 ratio that makes an incident critical
   * @param strongErrorRise a root's own failure-share rise strong enough on its own
   * @param structureMinImpact least change of calls per entry request for a structural root
   * @param sharedCalleeFactor score factor of a callee shared by changed callers
   * @param containmentRetryShare retry share above which a cut edge gets a retry budget
   * @param refinementMs how long after opening an incident may move its root to a neighbour
   */
  public record Limits(
      double criticalErrorRise,
      double criticalLatencyRatio,
      double strongErrorRise,
      double structureMinImpact,
      double sharedCalleeFactor,
      double containmentRetryShare,
      long refinementMs) {}

  public static DetectionSettings of(AnalyzerConfig config) {
    return new DetectionSettings(
        config.getInt(AnalyzerConfig.DETECT_CURRENT_WINDOWS),
        config.getInt(AnalyzerConfig.DETECT_CURRENT_MAX_WINDOWS),
        config.getInt(AnalyzerConfig.DETECT_BASELINE_MIN_WINDOWS),
        config.getInt(AnalyzerConfig.DETECT_BASELINE_MAX_WINDOWS),
        config.getDouble(AnalyzerConfig.DETECT_LATENCY_Z),
        config.getDouble(AnalyzerConfig.DETECT_LATENCY_RATIO),
        config.getDouble(AnalyzerConfig.DETECT_LATENCY_MIN_MS),
        config.getDouble(AnalyzerConfig.DETECT_ERROR_Z),
        config.getDouble(AnalyzerConfig.DETECT_ERROR_MIN_RATE),
        config.getInt(AnalyzerConfig.DETECT_MIN_SAMPLES),
        config.getDouble(AnalyzerConfig.DETECT_STRUCTURE_Z),
        config.getDouble(AnalyzerConfig.DETECT_STRUCTURE_MIN_CHANGE),
        config.getInt(AnalyzerConfig.DETECT_OPEN_WINDOWS),
        config.getInt(AnalyzerConfig.DETECT_RESOLVE_WINDOWS),
        config.getDouble(AnalyzerConfig.DETECT_MIN_IMPACT_MS),
        config.getDouble(AnalyzerConfig.DETECT_MIN_EXPLAINED_SHARE),
        config.getDouble(AnalyzerConfig.DETECT_STRONG_RATIO),
        new Queue(
            config.getDouble(AnalyzerConfig.DETECT_QUEUE_WAIT_RATIO),
            config.getDouble(AnalyzerConfig.DETECT_QUEUE_WAIT_MIN_MS),
            config.getInt(AnalyzerConfig.DETECT_QUEUE_WINDOWS),
            config.getDouble(AnalyzerConfig.DETECT_QUEUE_STOP_SHARE),
            config.getDouble(AnalyzerConfig.DETECT_QUEUE_BURST_RATIO),
            config.getDouble(AnalyzerConfig.DETECT_QUEUE_BACKLOG_Z)),
        new Retry(
            config.getDouble(AnalyzerConfig.DETECT_RETRY_MIN_SHARE),
            config.getDouble(AnalyzerConfig.DETECT_RETRY_MIN_AMPLIFICATION),
            config.getDouble(AnalyzerConfig.DETECT_RETRY_RECOVERED_RATIO),
            config.getDouble(AnalyzerConfig.DETECT_RETRY_INSTANCE_SHARE)),
        new Drift(
            config.getDouble(AnalyzerConfig.DETECT_DRIFT_MIN_SHARE_DELTA),
            config.getDouble(AnalyzerConfig.DETECT_DRIFT_RATIO)),
        new Limits(
            config.getDouble(AnalyzerConfig.DETECT_SEVERITY_ERROR_RISE),
            config.getDouble(AnalyzerConfig.DETECT_SEVERITY_LATENCY_RATIO),
            config.getDouble(AnalyzerConfig.DETECT_STRONG_ERROR_RISE),
            config.getDouble(AnalyzerConfig.DETECT_STRUCTURE_MIN_IMPACT),
            config.getDouble(AnalyzerConfig.DETECT_STRUCTURE_SHARED_FACTOR),
            config.getDouble(AnalyzerConfig.DETECT_CONTAINMENT_RETRY_SHARE),
            config.getLong(AnalyzerConfig.DETECT_REFINEMENT_MS)));
  }

  /** The defaults, for tests. */
  public static DetectionSettings defaults() {
    return of(new AnalyzerConfig(java.util.Map.of()));
  }
}
