package dev.faultline.schemas.incident;

import static java.util.Objects.requireNonNull;

/**
 * One figure that moved: its baseline and its value now.
 *
 * @param signal what was measured, e.g. {@code selfTimeP90}, {@code errorRate}, {@code
 *     networkGapP90}
 * @param before the baseline
 * @param now the value in the latest window(s)
 * @param unit {@code ms}, {@code ratio}, {@code perSecond}, {@code count}
 */
public record Evidence(String signal, double before, double now, String unit) {
  public Evidence {
    requireNonNull(signal, "signal");
    requireNonNull(unit, "unit");
  }
}
