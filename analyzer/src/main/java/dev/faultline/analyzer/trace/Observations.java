package dev.faultline.analyzer.trace;

import static java.util.Objects.requireNonNull;

import java.util.List;

/**
 * The calls and visits that one step of trace assembly found (a batch of spans paired, a trace
 * resolved), passed on as one record: Kafka Streams forwards each record through its processor
 * context with a record object, headers and metrics, which for a call or visit alone cost as much
 * as counting it.
 *
 * @param items the calls and visits in the order they were found; never a watermark or a batch
 * @param timeMs event time of the step, epoch milliseconds
 */
public record Observations(List<Observation> items, long timeMs) implements Observation {
  public Observations {
    items = List.copyOf(requireNonNull(items, "items"));
  }
}
