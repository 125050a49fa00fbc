package dev.faultline.analyzer.graph;

import static java.util.Objects.requireNonNull;

import dev.faultline.analyzer.sketch.LatencySketch;
import dev.faultline.analyzer.trace.Visit;
import dev.faultline.schemas.proto.NodeStats;

/** The statistics of one service operation in one window. */
public final class NodeAccumulator {
  private final OperationKey key;
  private long visits;
  private long errors;
  private long entryVisits;
  private final LatencySketch duration = new LatencySketch();
  private final LatencySketch selfTime = new LatencySketch();
  private final InstanceAccumulator instances = new InstanceAccumulator();
  private final Exemplars exemplars = new Exemplars();

  /**
   * Changed since the window's state was last handed out ({@link WindowAggregator#drainChanges}).
   */
  boolean changed;

  public NodeAccumulator(OperationKey key) {
    this.key = requireNonNull(key, "key");
  }

  public OperationKey key() {
    return key;
  }

  public void add(Visit visit) {
    visits++;
    if (visit.error()) {
      errors++;
    }
    if (visit.entry()) {
      entryVisits++;
    }
    duration.add(visit.durationUs());
    selfTime.add(visit.selfTimeUs());
    if (!visit.instance().isEmpty()) {
      instances.add(visit.instance(), visit.version(), visit.error(), false, visit.durationUs());
    }
    exemplars.offer(visit.traceId(), visit.durationUs(), visit.error());
  }

  public void merge(NodeStats stats) {
    visits += stats.getVisits();
    errors += stats.getErrors();
    entryVisits += stats.getEntryVisits();
    duration.merge(LatencySketch.of(stats.getDurationUs()));
    selfTime.merge(LatencySketch.of(stats.getSelfTimeUs()));
    instances.merge(stats.getInstancesList());
    exemplars.merge(stats.getExemplarTraceIdsList());
  }

  public NodeStats toStats() {
    return NodeStats.newBuilder()
        .setService(key.service())
        .setOperation(key.operation())
        .setVisits(visits)
        .setErrors(errors)
        .setEntryVisits(entryVisits)
        .setDurationUs(duration.toData())
        .setSelfTimeUs(selfTime.toData())
        .addAllInstances(instances.toList())
        .addAllExemplarTraceIds(exemplars.toList())
        .build();
  }
}
