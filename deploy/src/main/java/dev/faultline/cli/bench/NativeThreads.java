package dev.faultline.cli.bench;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * CPU time of every operating-system thread of this JVM, grouped by name, from Linux's {@code
 * /proc/self/task}: unlike {@code ThreadMXBean} it sees the JIT compilers and the garbage
 * collector, which on a small machine take a large share of a benchmark's CPU. Elsewhere it sees
 * nothing.
 */
final class NativeThreads {
  private static final Path TASKS = Path.of("/proc/self/task");

  /**
   * Clock ticks per second of {@code /proc} times; 100 on Linux unless the kernel says otherwise.
   */
  private static final double TICKS_PER_SECOND = 100.0;

  private NativeThreads() {}

  /** Ticks of user and system time per thread, keyed by thread id and group name. */
  static Map<String, Long> ticks() {
    Map<String, Long> ticks = new HashMap<>();
    if (!Files.isDirectory(TASKS)) {
      return ticks;
    }
    try (DirectoryStream<Path> tasks = Files.newDirectoryStream(TASKS)) {
      for (Path task : tasks) {
        String stat;
        try {
          stat = Files.readString(task.resolve("stat"));
        } catch (IOException e) {
          continue; // the thread ended
        }
        int open = stat.indexOf('(');
        int close = stat.lastIndexOf(')');
        if (open < 0 || close < open) {
          continue;
        }
        String[] fields = stat.substring(close + 2).split(" ");
        // After the name: state(0) ppid ... utime(11) stime(12).
        long used = Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
        ticks.put(task.getFileName() + "/" + group(stat.substring(open + 1, close)), used);
      }
    } catch (IOException e) {
      return ticks;
    }
    return ticks;
  }

  /** The busiest groups between two readings, in CPU seconds, most first. */
  static Map<String, Double> busiest(Map<String, Long> before, Map<String, Long> after, int top) {
    Map<String, Long> byGroup = new HashMap<>();
    after.forEach(
        (key, used) -> {
          long delta = used - before.getOrDefault(key, 0L);
          if (delta > 0) {
            byGroup.merge(key.substring(key.indexOf('/') + 1), delta, Long::sum);
          }
        });
    Map<String, Double> out = new LinkedHashMap<>();
    byGroup.entrySet().stream()
        .sorted(Map.Entry.<String, Long>comparingByValue().reversed())
        .limit(top)
        .forEach(e -> out.put(e.getKey(), e.getValue() / TICKS_PER_SECOND));
    return out;
  }

  /**
   * Threads of one kind share a group: digits dropped ("GC Thread#1" and "#0" are "GC Thread#").
   */
  private static String group(String name) {
    return name.replaceAll("[0-9]+", "");
  }
}
