package dev.faultline.cli.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.faultline.broker.EmbeddedKafka;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code faultline soak}: a bounded run at a steady rate; heap, state and lag must stay flat. */
@Command(
    name = "soak",
    mixinStandardHelpOptions = true,
    description = {
      "Run the analyzer (with its detectors) on an embedded Kafka broker at a constant rate of"
          + " real-time synthetic traffic for a bounded time, sampling the heap after a full GC,"
          + " the state directory's size and the consumer lag. Traces are kept 15 s, graph"
          + " history 30 s and the detectors' baseline 10 windows, so state and heap reach their"
          + " steady size early. Exits 1 when the last third of the samples (after a warm-up of"
          + " 40 %%) grew beyond the tolerances.",
      "",
      "Example:",
      "  faultline soak --minutes 10 --rate 5000 --output soak.json"
    })
public final class SoakCommand implements Callable<Integer> {
  /** Heap: the last third may exceed the first by 20 % plus 32 MiB. */
  static final double HEAP_RATIO = 1.2;

  static final double HEAP_SLACK_BYTES = 32.0 * 1024 * 1024;

  /**
   * State: RocksDB writes in steps (a memtable flush adds a file of up to 16 MiB, a compaction
   * removes several), so 50 % plus 32 MiB.
   */
  static final double STATE_RATIO = 1.5;

  static final double STATE_SLACK_BYTES = 32.0 * 1024 * 1024;

  /** Lag: twice the first third plus 200 records (a commit interval of a few hundred). */
  static final double LAG_RATIO = 2.0;

  static final double LAG_SLACK_RECORDS = 200;

  @Option(
      names = "--minutes",
      defaultValue = "10",
      description = "How long to run (default ${DEFAULT-VALUE}).")
  double minutes;

  @Option(
      names = "--rate",
      defaultValue = "5000",
      description = "Spans per second (default ${DEFAULT-VALUE}).")
  int rate;

  @Option(
      names = "--sample-seconds",
      defaultValue = "10",
      description = "Seconds between samples (default ${DEFAULT-VALUE}).")
  int sampleSeconds;

  @Option(
      names = "--guarantee",
      defaultValue = "exactly_once_v2",
      description = "exactly_once_v2 or at_least_once (default ${DEFAULT-VALUE}).")
  String guarantee;

  @Option(names = "--output", paramLabel = "FILE", description = "Write the samples as JSON here.")
  Path output;

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() throws Exception {
    PrintWriter out = spec.commandLine().getOut();
    Path state = Files.createTempDirectory("faultline-soak-");
    SoakRun.Options options =
        new SoakRun.Options(
            Duration.ofMillis((long) (minutes * 60_000)),
            rate,
            Duration.ofSeconds(sampleSeconds),
            guarantee,
            state);
    SoakRun.Result result;
    try (EmbeddedKafka kafka = EmbeddedKafka.start()) {
      out.printf(
          "soak: %,d spans/s for %.1f min (%s), a sample every %d s%n",
          rate, minutes, guarantee, sampleSeconds);
      out.flush();
      result =
          SoakRun.run(
              kafka.bootstrapServers(),
              options,
              line -> {
                out.println(line);
                out.flush();
              });
    }
    boolean flat = report(out, result);
    if (output != null) {
      Map<String, Object> document = new LinkedHashMap<>();
      document.put("ranAt", Instant.now().toString());
      document.put("spansPerSecond", rate);
      document.put("minutes", minutes);
      document.put("processingGuarantee", guarantee);
      document.put("spansSent", result.spansSent());
      document.put("heap", result.heap());
      document.put("state", result.state());
      document.put("lag", result.lag());
      document.put("flat", flat);
      document.put("samples", result.samples());
      Path parent = output.toAbsolutePath().getParent();
      Files.createDirectories(parent);
      new ObjectMapper()
          .enable(SerializationFeature.INDENT_OUTPUT)
          .writeValue(output.toFile(), document);
      out.printf("wrote %s%n", output);
    }
    return flat ? 0 : 1;
  }

  /** Prints the trends; whether all three are flat. */
  static boolean report(PrintWriter out, SoakRun.Result result) {
    boolean heap = result.heap().flat(HEAP_RATIO, HEAP_SLACK_BYTES);
    boolean state = result.state().flat(STATE_RATIO, STATE_SLACK_BYTES);
    boolean lag = result.lag().flat(LAG_RATIO, LAG_SLACK_RECORDS);
    out.println();
    out.printf(
        "heap after GC: first third %.1f MiB, last third %.1f MiB, slope %+.2f MiB/min: %s%n",
        result.heap().firstThird() / 1048576,
        result.heap().lastThird() / 1048576,
        result.heap().slopePerMinute() / 1048576,
        heap ? "flat" : "GROWING");
    out.printf(
        "state dir:     first third %.1f MiB, last third %.1f MiB, slope %+.2f MiB/min: %s%n",
        result.state().firstThird() / 1048576,
        result.state().lastThird() / 1048576,
        result.state().slopePerMinute() / 1048576,
        state ? "flat" : "GROWING");
    out.printf(
        "consumer lag:  first third %.0f, last third %.0f records, slope %+.1f/min: %s%n",
        result.lag().firstThird(),
        result.lag().lastThird(),
        result.lag().slopePerMinute(),
        lag ? "flat" : "GROWING");
    out.printf("spans sent: %,d%n", result.spansSent());
    out.flush();
    return heap && state && lag;
  }
}
