package dev.faultline.analyzer.detect;

import static dev.faultline.analyzer.testing.WindowModel.op;

import dev.faultline.analyzer.graph.GraphSnapshot;
import dev.faultline.analyzer.testing.WindowModel;

/**
 * The chain most tests use: frontend GET /checkout -> a Get -> b Get -> database db, 50 requests a
 * window, with a steady baseline of 60 windows (two minutes) already taken.
 */
final class Chain {
  static final int BASELINE_WINDOWS = 60;

  final WindowModel.Op frontend = op("frontend", "GET /checkout", 5);
  final WindowModel.Op a = op("a", "Get", 4);
  final WindowModel.Op b = op("b", "Get", 10);
  final WindowModel model;
  final GraphSnapshot baseline;
  final DetectionSettings settings = DetectionSettings.defaults();

  Chain() {
    frontend.calls(a, 1);
    a.calls(b, 1);
    b.queries("db", "SELECT", 3);
    model = WindowModel.of(frontend, 50);
    baseline = GraphSnapshot.merge(model.windows(BASELINE_WINDOWS));
  }

  /** The next "now" ({@code faultline.detect.current.windows} windows) against the baseline. */
  Findings now() {
    return Findings.of(
        baseline, GraphSnapshot.merge(model.windows(settings.currentWindows())), settings);
  }
}
