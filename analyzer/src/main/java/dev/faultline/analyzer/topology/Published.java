package dev.faultline.analyzer.topology;

import static java.util.Objects.requireNonNull;

import dev.faultline.analyzer.graph.GraphWindow;
import dev.faultline.schemas.proto.GraphRecord;

/** What the graph stage publishes: records for the graph topic, and each window whole. */
sealed interface Published {

  /** One edge or node of a window, for {@code faultline.graph}. */
  record Part(GraphRecord record) implements Published {
    public Part {
      requireNonNull(record, "record");
    }
  }

  /** A whole window, for the detectors. */
  record Whole(GraphWindow window) implements Published {
    public Whole {
      requireNonNull(window, "window");
    }
  }
}
