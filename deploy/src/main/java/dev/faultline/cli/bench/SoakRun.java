package dev.faultline.cli.bench;

import static java.util.Objects.requireNonNull;

import dev.faultline.analyzer.config.AnalyzerConfig;
import dev.faultline.analyzer.detect.Detectors;
import dev.faultline.analyzer.runtime.AnalyzerRuntime;
import dev.faultline.analyzer.topology.AnalyzerTopology;
import dev.faultline.ingest.config.IngestConfig;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListOffsetsOptions;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * A bounded soak: one analyzer (with its detectors) fed at a constant rate of real-time synthetic
 * traffic, sampling, at a fixed interval, the JVM's heap after a full GC, the size of the state
 * directory and the consumer lag of the application. Retention of traces and graph history is
 * shortened so that the state reaches its steady size within the run; a leak shows as a trend.
 */
public final class SoakRun {
  /**
   * Samples of the first 40 % are warm-up (JIT, caches, the first retention period, RocksDB's first
   * memtable flushes): not judged.
   */
  static final double WARM_UP_SHARE = 0.4;

  private SoakRun() {}

  /** What to run. */
  public record Options(
      Duration duration,
      int spansPerSecond,
      Duration sampleEvery,
      String processingGuarantee,
      Path stateDir) {
    public Options {
      requireNonNull(duration, "duration");
      requireNonNull(sampleEvery, "sampleEvery");
      requireNonNull(processingGuarantee, "processingGuarantee");
      requireNonNull(stateDir, "stateDir");
      if (spansPerSecond < 100) {
        throw new IllegalArgumentException("spansPerSecond must be at least 100");
      }
      if (duration.compareTo(sampleEvery.multipliedBy(8)) < 0) {
        throw new IllegalArgumentException("the run must hold at least 8 samples");
      }
    }
  }

  /** One look at the process. */
  public record Sample(
      long elapsedMs, long heapAfterGcBytes, long stateBytes, long lagRecords, long spansSent) {}

  /**
   * The mean of the first and last third of the judged samples, and the least-squares slope per
   * minute over them.
   */
  public record Trend(double firstThird, double lastThird, double slopePerMinute) {
    /** Whether the last third stays within {@code ratio} times the first plus {@code absolute}. */
    public boolean flat(double ratio, double absolute) {
      return lastThird <= firstThird * ratio + absolute;
    }
  }

  /** The samples and their trends. */
  public record Result(
      Options options, List<Sample> samples, long spansSent, Trend heap, Trend state, Trend lag) {}

  /** Runs against the broker at {@code bootstrap}; topics get a unique suffix. */
  public static Result run(String bootstrap, Options options, Consumer<String> progress)
      throws Exception {
    String suffix = UUID.randomUUID().toString().substring(0, 8);
    AnalyzerConfig config = config(suffix, options);
    Map<String, Object> client = new HashMap<>(Map.of("bootstrap.servers", bootstrap));
    List<Sample> samples = new ArrayList<>();
    AtomicLong sent = new AtomicLong();
    AtomicBoolean stop = new AtomicBoolean();
    try (AnalyzerRuntime analyzer =
            AnalyzerRuntime.start(
                config,
                client,
                new PrometheusMeterRegistry(PrometheusConfig.DEFAULT),
                AnalyzerTopology.Hooks.none().withDetection(() -> Detectors.engine(config)));
        Admin admin = Admin.create(Map.<String, Object>of("bootstrap.servers", bootstrap));
        KafkaProducer<byte[], byte[]> producer =
            new KafkaProducer<>(
                Map.<String, Object>of(
                    "bootstrap.servers", bootstrap, "linger.ms", 20, "compression.type", "lz4"),
                new ByteArraySerializer(),
                new ByteArraySerializer())) {
      if (!analyzer.awaitRunning(Duration.ofSeconds(60))) {
        throw new IllegalStateException("the analyzer did not start in 60 s");
      }
      Thread sender =
          new Thread(
              () -> send(producer, config.ingest().inputTopic(), options, sent, stop),
              "soak-sender");
      sender.setDaemon(true);
      long began = System.nanoTime();
      sender.start();
      long end = began + options.duration().toNanos();
      long next = began + options.sampleEvery().toNanos();
      while (next <= end) {
        long wait = next - System.nanoTime();
        if (wait > 0) {
          TimeUnit.NANOSECONDS.sleep(wait);
        }
        if (!sender.isAlive()) {
          throw new IllegalStateException("the soak's sender stopped");
        }
        Sample sample =
            new Sample(
                TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - began),
                heapAfterGc(),
                BenchFiles.size(options.stateDir()),
                lag(admin, config.applicationId()),
                sent.get());
        samples.add(sample);
        progress.accept(
            String.format(
                "%4d s  heap %6.1f MiB  state %6.1f MiB  lag %6d records  %,d spans sent",
                sample.elapsedMs() / 1000,
                sample.heapAfterGcBytes() / 1048576.0,
                sample.stateBytes() / 1048576.0,
                sample.lagRecords(),
                sample.spansSent()));
        next += options.sampleEvery().toNanos();
      }
      stop.set(true);
      sender.join(10_000);
    }
    List<Sample> judged = samples.subList((int) (samples.size() * WARM_UP_SHARE), samples.size());
    return new Result(
        options,
        List.copyOf(samples),
        sent.get(),
        trend(judged, Sample::heapAfterGcBytes),
        trend(judged, Sample::stateBytes),
        trend(judged, Sample::lagRecords));
  }

  static AnalyzerConfig config(String suffix, Options options) {
    Map<String, Object> values = new LinkedHashMap<>();
    values.put(AnalyzerConfig.APPLICATION_ID, "faultline-soak-" + suffix);
    values.put(AnalyzerConfig.STATE_DIR, options.stateDir().toString());
    values.put(AnalyzerConfig.PROCESSING_GUARANTEE, options.processingGuarantee());
    values.put(AnalyzerConfig.API_HOST, "127.0.0.1");
    values.put(AnalyzerConfig.API_PORT, 0);
    values.put(AnalyzerConfig.API_ADVERTISED_HOST, "127.0.0.1");
    // Short retentions and baseline: the state and the heap reach their steady size within
    // seconds, not after the defaults' 5 min (traces, the detectors' baseline) and 15 min (graph
    // history).
    values.put(AnalyzerConfig.TRACE_RETENTION_MS, 15_000L);
    values.put(AnalyzerConfig.GRAPH_HISTORY_MS, 30_000L);
    values.put(AnalyzerConfig.DETECT_BASELINE_MIN_WINDOWS, 5);
    values.put(AnalyzerConfig.DETECT_BASELINE_MAX_WINDOWS, 10);
    values.put(AnalyzerConfig.GRAPH_TOPIC, "faultline.graph-" + suffix);
    values.put(AnalyzerConfig.ALERTS_TOPIC, "faultline.alerts-" + suffix);
    values.put(IngestConfig.INPUT_TOPIC, "otlp_spans-" + suffix);
    values.put(IngestConfig.SPANS_TOPIC, "faultline.spans-" + suffix);
    values.put(IngestConfig.DLQ_TOPIC, "faultline.dlq-" + suffix);
    values.put(IngestConfig.TOPIC_PARTITIONS, 2);
    return new AnalyzerConfig(values);
  }

  /** Real-time traffic at the rate, in 100 ms ticks. */
  private static void send(
      KafkaProducer<byte[], byte[]> producer,
      String topic,
      Options options,
      AtomicLong sent,
      AtomicBoolean stop) {
    SyntheticTraffic traffic =
        new SyntheticTraffic(
            42, 20, 100, options.spansPerSecond(), System.currentTimeMillis() * 1_000_000L);
    long tick = 100;
    double owed = 0;
    long next = System.nanoTime();
    try {
      while (!stop.get()) {
        owed += options.spansPerSecond() * tick / 1000.0;
        traffic.clockAt(System.currentTimeMillis() * 1_000_000L);
        while (owed > 0) {
          ExportTraceServiceRequest request = traffic.next();
          int spans = IngestBenchmark.spanCount(request);
          producer.send(new ProducerRecord<>(topic, request.toByteArray()));
          owed -= spans;
          sent.addAndGet(spans);
        }
        next += TimeUnit.MILLISECONDS.toNanos(tick);
        long wait = next - System.nanoTime();
        if (wait > 0) {
          TimeUnit.NANOSECONDS.sleep(wait);
        }
      }
      producer.flush();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** Heap in use after a full collection: what is live, not what is garbage yet. */
  static long heapAfterGc() {
    System.gc();
    System.gc();
    return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
  }

  /** Records of the group's input not committed yet (last stable offsets minus committed). */
  static long lag(Admin admin, String group) throws Exception {
    Map<TopicPartition, OffsetAndMetadata> committed =
        admin
            .listConsumerGroupOffsets(group)
            .partitionsToOffsetAndMetadata()
            .get(10, TimeUnit.SECONDS);
    Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
    committed.keySet().forEach(tp -> latest.put(tp, OffsetSpec.latest()));
    var ends =
        admin
            .listOffsets(latest, new ListOffsetsOptions(IsolationLevel.READ_COMMITTED))
            .all()
            .get(10, TimeUnit.SECONDS);
    long lag = 0;
    for (var entry : committed.entrySet()) {
      if (entry.getValue() != null) {
        lag += Math.max(0, ends.get(entry.getKey()).offset() - entry.getValue().offset());
      }
    }
    return lag;
  }

  static Trend trend(List<Sample> samples, java.util.function.ToLongFunction<Sample> value) {
    int third = Math.max(1, samples.size() / 3);
    double first = samples.subList(0, third).stream().mapToLong(value).average().orElse(0);
    double last =
        samples.subList(samples.size() - third, samples.size()).stream()
            .mapToLong(value)
            .average()
            .orElse(0);
    double meanX = samples.stream().mapToLong(Sample::elapsedMs).average().orElse(0);
    double meanY = samples.stream().mapToLong(value).average().orElse(0);
    double num = 0;
    double den = 0;
    for (Sample s : samples) {
      double dx = s.elapsedMs() - meanX;
      num += dx * (value.applyAsLong(s) - meanY);
      den += dx * dx;
    }
    double slopePerMs = den == 0 ? 0 : num / den;
    return new Trend(first, last, slopePerMs * 60_000);
  }
}
