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
 * @param retryMinShare retry share of an edge's calls that makes a retry storm
 * @param retryMinAmplification load multiplication along a path that makes a retry storm
 * @param queueWaitRatio how many times its baseline a queue's wait must reach
 * @param openWindows consecutive windows a finding must last before an incident opens
 * @param resolveWindows consecutive quiet windows before an incident resolves
 * @param minImpactMs smallest extra latency per entry request (or error share x 1000) worth an
 *     incident
 * @param minExplainedShare share of the entry points' degradation a root cause must explain to open
 *     an incident, unless its own change is strong
 * @param strongRatio how many times its baseline p90 a root cause's own figure must reach to open
 *     an incident on its own, whatever the entry points show
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
    double retryMinShare,
    double retryMinAmplification,
    double queueWaitRatio,
    int openWindows,
    int resolveWindows,
    double minImpactMs,
    double minExplainedShare,
    double strongRatio) {

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
        config.getDouble(AnalyzerConfig.DETECT_RETRY_MIN_SHARE),
        config.getDouble(AnalyzerConfig.DETECT_RETRY_MIN_AMPLIFICATION),
        config.getDouble(AnalyzerConfig.DETECT_QUEUE_WAIT_RATIO),
        config.getInt(AnalyzerConfig.DETECT_OPEN_WINDOWS),
        config.getInt(AnalyzerConfig.DETECT_RESOLVE_WINDOWS),
        config.getDouble(AnalyzerConfig.DETECT_MIN_IMPACT_MS),
        config.getDouble(AnalyzerConfig.DETECT_MIN_EXPLAINED_SHARE),
        config.getDouble(AnalyzerConfig.DETECT_STRONG_RATIO));
  }

  /** The defaults, for tests. */
  public static DetectionSettings defaults() {
    return of(new AnalyzerConfig(java.util.Map.of()));
  }
}
