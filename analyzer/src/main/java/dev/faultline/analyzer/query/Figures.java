package dev.faultline.analyzer.query;

import dev.faultline.analyzer.sketch.LatencySketch;
import dev.faultline.schemas.proto.SketchData;
import java.util.LinkedHashMap;
import java.util.Map;

/** How figures appear in the API: latencies in milliseconds, rates per second, three decimals. */
final class Figures {
  private Figures() {}

  /** {@code {"p50":..,"p90":..,"p99":..,"mean":..,"max":..}} in ms, or null when empty. */
  static Map<String, Object> latencyMs(SketchData data) {
    if (data.getCount() == 0) {
      return null;
    }
    LatencySketch sketch = LatencySketch.of(data);
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("p50", ms(sketch.quantile(0.5)));
    out.put("p90", ms(sketch.quantile(0.9)));
    out.put("p99", ms(sketch.quantile(0.99)));
    out.put("mean", ms(sketch.mean()));
    out.put("max", ms(sketch.max()));
    out.put("count", sketch.count());
    return out;
  }

  static double ms(double micros) {
    return round(micros / 1_000.0);
  }

  static double round(double value) {
    if (Double.isNaN(value) || Double.isInfinite(value)) {
      return 0;
    }
    return Math.round(value * 1_000.0) / 1_000.0;
  }

  static double ratio(long part, long whole) {
    return whole == 0 ? 0 : round((double) part / whole);
  }
}
