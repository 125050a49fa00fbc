package dev.faultline.analyzer.graph;

import static java.util.Objects.requireNonNull;

import dev.faultline.analyzer.sketch.LatencySketch;
import dev.faultline.analyzer.trace.Call;
import dev.faultline.schemas.proto.EdgeStats;

/** The statistics of one edge in one window, as calls arrive or partial statistics merge. */
public final class EdgeAccumulator {
  private final EdgeKey key;
  private long calls;
  private long errors;
  private long serverErrors;
  private long retries;
  private final LatencySketch clientLatency = new LatencySketch();
  private final LatencySketch serverLatency = new LatencySketch();
  private final LatencySketch networkGap = new LatencySketch();
  private final LatencySketch queueWait = new LatencySketch();
  private final InstanceAccumulator callerInstances = new InstanceAccumulator();
  private final InstanceAccumulator calleeInstances = new InstanceAccumulator();
  private final Exemplars exemplars = new Exemplars();

  /**
   * Changed since the window's state was last handed out ({@link WindowAggregator#drainChanges}).
   */
  boolean changed;

  public EdgeAccumulator(EdgeKey key) {
    this.key = requireNonNull(key, "key");
  }

  public EdgeKey key() {
    return key;
  }

  public void add(Call call) {
    calls++;
    if (call.error()) {
      errors++;
    }
    if (call.serverError()) {
      serverErrors++;
    }
    if (call.isRetry()) {
      retries++;
    }
    if (call.clientDurationUs() != Call.UNKNOWN) {
      clientLatency.add(call.clientDurationUs());
    }
    if (call.serverDurationUs() != Call.UNKNOWN) {
      serverLatency.add(call.serverDurationUs());
    }
    if (call.networkGapUs() != Call.UNKNOWN) {
      networkGap.add(call.networkGapUs());
    }
    if (call.queueWaitUs() != Call.UNKNOWN) {
      queueWait.add(call.queueWaitUs());
    }
    long latency =
        call.clientDurationUs() != Call.UNKNOWN ? call.clientDurationUs() : call.serverDurationUs();
    if (!call.callerInstance().isEmpty()) {
      callerInstances.add(
          call.callerInstance(), call.callerVersion(), call.error(), call.isRetry(), latency);
    }
    if (!call.calleeInstance().isEmpty()) {
      calleeInstances.add(
          call.calleeInstance(),
          call.calleeVersion(),
          call.serverError(),
          call.isRetry(),
          call.serverDurationUs() == Call.UNKNOWN ? -1 : call.serverDurationUs());
    }
    exemplars.offer(call.traceId(), latency, call.error());
  }

  public void merge(EdgeStats stats) {
    calls += stats.getCalls();
    errors += stats.getErrors();
    serverErrors += stats.getServerErrors();
    retries += stats.getRetries();
    clientLatency.merge(LatencySketch.of(stats.getClientLatencyUs()));
    serverLatency.merge(LatencySketch.of(stats.getServerLatencyUs()));
    networkGap.merge(LatencySketch.of(stats.getNetworkGapUs()));
    queueWait.merge(LatencySketch.of(stats.getQueueWaitUs()));
    callerInstances.merge(stats.getCallerInstancesList());
    calleeInstances.merge(stats.getCalleeInstancesList());
    exemplars.merge(stats.getExemplarTraceIdsList());
  }

  public EdgeStats toStats() {
    return EdgeStats.newBuilder()
        .setCaller(key.caller().toRef())
        .setCallerOperation(key.callerOperation())
        .setCallee(key.callee().toRef())
        .setCalleeOperation(key.calleeOperation())
        .setKind(key.kind())
        .setCalls(calls)
        .setErrors(errors)
        .setServerErrors(serverErrors)
        .setRetries(retries)
        .setClientLatencyUs(clientLatency.toData())
        .setServerLatencyUs(serverLatency.toData())
        .setNetworkGapUs(networkGap.toData())
        .setQueueWaitUs(queueWait.toData())
        .addAllCallerInstances(callerInstances.toList())
        .addAllCalleeInstances(calleeInstances.toList())
        .addAllExemplarTraceIds(exemplars.toList())
        .build();
  }
}
