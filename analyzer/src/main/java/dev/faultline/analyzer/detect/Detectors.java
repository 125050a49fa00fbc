package dev.faultline.analyzer.detect;

import dev.faultline.analyzer.config.AnalyzerConfig;

/** Builds the detection engine the configuration asks for. */
public final class Detectors {
  private Detectors() {}

  /** The detection engine of an analyzer with these settings. */
  public static DetectionEngine engine(AnalyzerConfig config) {
    return new DefaultDetectionEngine(DetectionSettings.of(config));
  }
}
