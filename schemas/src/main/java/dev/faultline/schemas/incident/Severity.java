package dev.faultline.schemas.incident;

/** How bad an incident is for the system's entry points. */
public enum Severity {
  /** Entry points fail or slow down for most requests. */
  CRITICAL,
  /** Entry points are measurably hit. */
  MAJOR,
  /** Inside the system only, or a small share of requests. */
  MINOR,
  /** Nothing degraded yet, but a trend will get there (e.g. a growing queue). */
  WARNING
}
