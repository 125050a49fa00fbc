package dev.faultline.cli.bench;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.util.Map;

/**
 * CPU time spent while a stage runs: by the whole process (broker included, as it shares the JVM)
 * and by the stage's own threads (those whose name contains a given part), so a benchmark can say
 * whether a stage was held back by its own thread or by the machine.
 */
final class CpuMeter {
  private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

  private final String threadNamePart;
  private final long processStart;
  private final long threadsStart;
  private final Map<String, Long> nativeStart;

  private CpuMeter(String threadNamePart) {
    this.threadNamePart = threadNamePart;
    this.processStart = processCpuNanos();
    this.threadsStart = threadCpuNanos(threadNamePart);
    this.nativeStart = NativeThreads.ticks();
  }

  /** Starts measuring; {@code threadNamePart} picks the stage's threads. */
  static CpuMeter start(String threadNamePart) {
    return new CpuMeter(threadNamePart);
  }

  /** CPU seconds since the start: the process's, the stage threads' and the busiest groups'. */
  Cpu stop() {
    return new Cpu(
        (processCpuNanos() - processStart) / 1e9,
        (threadCpuNanos(threadNamePart) - threadsStart) / 1e9,
        NativeThreads.busiest(nativeStart, NativeThreads.ticks(), 8));
  }

  /**
   * CPU seconds of a stage.
   *
   * @param processSeconds the whole JVM (stage, broker, clients, GC)
   * @param stageThreadSeconds the stage's own threads (stream threads)
   * @param busiest CPU seconds of the busiest thread groups (JIT and GC included; empty where the
   *     operating system does not say)
   */
  record Cpu(double processSeconds, double stageThreadSeconds, Map<String, Double> busiest) {}

  private static long processCpuNanos() {
    if (ManagementFactory.getOperatingSystemMXBean()
        instanceof com.sun.management.OperatingSystemMXBean os) {
      return os.getProcessCpuTime();
    }
    return 0;
  }

  private static long threadCpuNanos(String namePart) {
    long total = 0;
    long[] ids = THREADS.getAllThreadIds();
    ThreadInfo[] infos = THREADS.getThreadInfo(ids);
    for (int i = 0; i < ids.length; i++) {
      if (infos[i] != null && infos[i].getThreadName().contains(namePart)) {
        long cpu = THREADS.getThreadCpuTime(ids[i]);
        if (cpu > 0) {
          total += cpu;
        }
      }
    }
    return total;
  }
}
