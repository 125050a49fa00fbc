package dev.faultline.cli.bench;

import java.util.Map;

/**
 * One measured stage.
 *
 * @param stage what ran
 * @param spans spans processed
 * @param seconds wall-clock time
 * @param spansPerSecond throughput
 * @param ratioToPlainConsumer throughput over the plain consumer's of the same run (1 for itself)
 * @param processCpuSeconds CPU time of the whole JVM (broker included) while the stage ran
 * @param stageThreadCpuSeconds CPU time of the stage's own threads (stream threads and their Kafka
 *     clients; the calling thread for in-process stages)
 * @param busiestThreads CPU seconds of the JVM's busiest thread groups while the stage ran
 * @param heapMaxAfterGcMiB most heap in use right after a collection while the stage ran (the whole
 *     JVM, broker included), or null where not measured
 * @param stateMiB size of the stage's state directory (RocksDB) at its end, or null
 */
record BenchResult(
    String stage,
    long spans,
    double seconds,
    double spansPerSecond,
    double ratioToPlainConsumer,
    double processCpuSeconds,
    double stageThreadCpuSeconds,
    Map<String, Double> busiestThreads,
    Double heapMaxAfterGcMiB,
    Double stateMiB) {

  static BenchResult of(String stage, long spans, long nanos, BenchResult plain, CpuMeter.Cpu cpu) {
    double seconds = nanos / 1e9;
    double rate = spans / seconds;
    return new BenchResult(
        stage,
        spans,
        seconds,
        rate,
        plain == null ? 1.0 : rate / plain.spansPerSecond(),
        cpu.processSeconds(),
        cpu.stageThreadSeconds(),
        cpu.busiest(),
        null,
        null);
  }

  /** This result with the memory the stage used. */
  BenchResult withMemory(double heapMaxAfterGcMiB, double stateMiB) {
    return new BenchResult(
        stage,
        spans,
        seconds,
        spansPerSecond,
        ratioToPlainConsumer,
        processCpuSeconds,
        stageThreadCpuSeconds,
        busiestThreads,
        heapMaxAfterGcMiB,
        stateMiB);
  }
}
