package dev.faultline.analyzer.graph;

import com.google.protobuf.ByteString;
import java.util.ArrayList;
import java.util.List;

/** A few trace ids worth opening: the slowest seen, and a failed one. */
final class Exemplars {
  static final int MAX = 4;

  private ByteString slowest;
  private double slowestValue = Double.NEGATIVE_INFINITY;
  private ByteString failed;
  private final List<ByteString> merged = new ArrayList<>();

  void offer(ByteString traceId, double value, boolean error) {
    if (value > slowestValue) {
      slowestValue = value;
      slowest = traceId;
    }
    if (error && failed == null) {
      failed = traceId;
    }
  }

  void merge(List<ByteString> others) {
    for (ByteString id : others) {
      if (merged.size() < MAX && !merged.contains(id)) {
        merged.add(id);
      }
    }
  }

  List<ByteString> toList() {
    List<ByteString> out = new ArrayList<>(MAX);
    if (slowest != null) {
      out.add(slowest);
    }
    if (failed != null && !out.contains(failed)) {
      out.add(failed);
    }
    for (ByteString id : merged) {
      if (out.size() < MAX && !out.contains(id)) {
        out.add(id);
      }
    }
    return out;
  }
}
