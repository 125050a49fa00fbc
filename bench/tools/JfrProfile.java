import java.nio.file.*;
import java.util.*;
import jdk.jfr.consumer.*;

/**
 * Where a thread's CPU and allocation go in a JFR recording: shares of execution samples by
 * pipeline stage (first matching rule over the whole stack), by top frame, inclusive by method
 * (ours and all), and sampled allocation by stage, type and first Faultline frame. Usage: {@code
 * java bench/tools/JfrProfile.java rec.jfr [thread-name-prefix] [rows]}; see docs/performance.md.
 */
public class JfrProfile {
  static Map<String, Long> self = new HashMap<>(),
      incl = new HashMap<>(),
      ours = new HashMap<>(),
      cat = new HashMap<>();
  static Map<String, Long> allocType = new HashMap<>(),
      allocSite = new HashMap<>(),
      allocCat = new HashMap<>();
  static long total, allocTotal;

  static String category(RecordedStackTrace st) {
    List<RecordedFrame> fr = st.getFrames();
    StringBuilder all = new StringBuilder();
    for (RecordedFrame f : fr) {
      all.append(name(f)).append('\n');
    }
    String s = all.toString();
    String[][] rules = {
      {"expire", "TraceAssemblyProcessor.expire"},
      {"window-stats", "WindowStatsProcessor"},
      {"graph-merge/detect", "GraphMergeProcessor"},
      {"graph-merge/detect", "DetectionProcessor"},
      {"pairing", "Pairing.run"},
      {"traceModel.add", "TraceModel.add"},
      {"trace meta", "TraceModel.meta"},
      {"store put (rocks+changelog)", "KeyValueStore.put"},
      {"store put (rocks+changelog)", "MeteredKeyValueStore.put"},
      {"store get", "MeteredKeyValueStore.get"},
      {"load", "TraceStore.load"},
      {"batch stored form (RawSpanBatch.of)", "RawSpanBatch.of"},
      {"decode (ProtobufSpanReader)", "ProtobufSpanReader"},
      {"decode other", "DecodeProcessor"},
      {"commit", "TaskManager.commit"},
      {"commit", "StreamThread.maybeCommit"},
      {"punctuate", "punctuate"},
      {"poll/fetch", "KafkaConsumer.poll"},
      {"poll/fetch", "StreamThread.pollRequests"},
      {"record deserialize", "RecordDeserializer"},
      {"record queue", "PartitionGroup"},
      {"producer send", "RecordCollectorImpl.send"},
    };
    for (String[] r : rules) if (s.contains(r[1])) return r[0];
    return fr.isEmpty() ? "?" : "other: " + name(fr.get(0));
  }

  static String name(RecordedFrame f) {
    RecordedMethod m = f.getMethod();
    String c = m.getType().getName();
    return c.substring(c.lastIndexOf('.') + 1) + "." + m.getName();
  }

  static String fq(RecordedFrame f) {
    return f.getMethod().getType().getName() + "." + f.getMethod().getName();
  }

  static void add(Map<String, Long> m, String k, long v) {
    m.merge(k, v, Long::sum);
  }

  public static void main(String[] a) throws Exception {
    String prefix = a.length > 1 ? a[1] : "";
    int top = a.length > 2 ? Integer.parseInt(a[2]) : 40;
    Map<String, Long> threads = new HashMap<>();
    try (RecordingFile rf = new RecordingFile(Path.of(a[0]))) {
      while (rf.hasMoreEvents()) {
        RecordedEvent e = rf.readEvent();
        String t = e.getEventType().getName();
        if (t.equals("jdk.ExecutionSample")) {
          RecordedThread th = e.getThread("sampledThread");
          String tn = th == null ? "?" : th.getJavaName();
          if (tn == null) tn = th.getOSName();
          add(threads, tn.replaceAll("[0-9a-f]{8}-.*-StreamThread", "X-StreamThread"), 1);
          if (!tn.startsWith(prefix)) continue;
          RecordedStackTrace st = e.getStackTrace();
          if (st == null) continue;
          total++;
          List<RecordedFrame> fr = st.getFrames();
          if (!fr.isEmpty()) add(self, name(fr.get(0)), 1);
          Set<String> seen = new HashSet<>();
          Set<String> seenOurs = new HashSet<>();
          for (RecordedFrame f : fr) {
            String n = name(f);
            if (seen.add(n)) add(incl, n, 1);
            if (fq(f).startsWith("dev.faultline") && seenOurs.add(n)) add(ours, n, 1);
          }
          add(cat, category(st), 1);
        } else if (t.equals("jdk.ObjectAllocationSample")) {
          RecordedThread th = e.getThread("eventThread");
          String tn = th == null ? "?" : th.getJavaName();
          if (tn == null || !tn.startsWith(prefix)) continue;
          long w = e.getLong("weight");
          allocTotal += w;
          add(allocType, e.getClass("objectClass").getName(), w);
          RecordedStackTrace st = e.getStackTrace();
          if (st != null) {
            String site = "?";
            for (RecordedFrame f : st.getFrames()) {
              if (fq(f).startsWith("dev.faultline")) {
                site = name(f);
                break;
              }
            }
            add(allocSite, site, w);
            add(allocCat, category(st), w);
          }
        }
      }
    }
    System.out.println("== samples per thread");
    print(threads, 15, threads.values().stream().mapToLong(x -> x).sum());
    System.out.println("== samples (thread prefix '" + prefix + "'): " + total);
    System.out.println("== category");
    print(cat, top, total);
    System.out.println("== self (top frame)");
    print(self, top, total);
    System.out.println("== inclusive, our code");
    print(ours, top, total);
    System.out.println("== inclusive, all");
    print(incl, top, total);
    System.out.println("== alloc bytes (sampled weight) total " + allocTotal / (1 << 20) + " MiB");
    System.out.println("== alloc by category");
    print(allocCat, 25, allocTotal);
    System.out.println("== alloc by type");
    print(allocType, 20, allocTotal);
    System.out.println("== alloc by first our-code frame");
    print(allocSite, 25, allocTotal);
  }

  static void print(Map<String, Long> m, int n, long tot) {
    m.entrySet().stream()
        .sorted(Map.Entry.<String, Long>comparingByValue().reversed())
        .limit(n)
        .forEach(
            en ->
                System.out.printf(
                    "%6.1f%% %8d  %s%n",
                    100.0 * en.getValue() / Math.max(1, tot), en.getValue(), en.getKey()));
  }
}
