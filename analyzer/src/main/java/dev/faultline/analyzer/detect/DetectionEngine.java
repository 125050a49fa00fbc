package dev.faultline.analyzer.detect;

import dev.faultline.analyzer.graph.GraphWindow;
import dev.faultline.schemas.incident.Incident;
import java.util.Collection;
import java.util.List;

/**
 * Turns the stream of published graph windows into incidents. Implementations are pure: the same
 * windows in the same order give the same incidents (wall-clock time enters only as {@code
 * detectedAt}).
 */
public interface DetectionEngine {

  /** Learns from a window without detecting (warming up baselines after a restart). */
  void warm(GraphWindow window);

  /**
   * Processes the next window.
   *
   * @param window the window, in event-time order
   * @param wallClockMs now, for {@code detectedAt}
   * @return the incident states raised by this window (opened, updated, resolved)
   */
  List<Incident> onWindow(GraphWindow window, long wallClockMs);

  /** The incidents open now. */
  Collection<Incident> open();

  /** Takes back the open incidents after a restart, so they are updated rather than reopened. */
  void restore(Collection<Incident> open);

  /** An engine that never finds anything. */
  static DetectionEngine none() {
    return new DetectionEngine() {
      @Override
      public void warm(GraphWindow window) {}

      @Override
      public List<Incident> onWindow(GraphWindow window, long wallClockMs) {
        return List.of();
      }

      @Override
      public Collection<Incident> open() {
        return List.of();
      }

      @Override
      public void restore(Collection<Incident> open) {}
    };
  }
}
