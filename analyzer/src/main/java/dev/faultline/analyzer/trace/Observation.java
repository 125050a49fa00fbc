package dev.faultline.analyzer.trace;

/** What trace assembly reports: calls between nodes and visits to service operations. */
public sealed interface Observation permits Call, Visit, Watermark, Observations {
  /** Event time, epoch milliseconds. */
  long timeMs();
}
