package dev.faultline.cli.bench;

import static java.util.Objects.requireNonNull;

import dev.faultline.analyzer.config.AnalyzerConfig;
import dev.faultline.analyzer.detect.Detectors;
import dev.faultline.analyzer.replay.Replay;
import dev.faultline.analyzer.runtime.AnalyzerRuntime;
import dev.faultline.analyzer.runtime.StreamsSettings;
import dev.faultline.analyzer.topology.AnalyzerMetrics;
import dev.faultline.analyzer.topology.AnalyzerTopology;
import dev.faultline.ingest.config.IngestConfig;
import dev.faultline.ingest.config.NormalizerSettings;
import dev.faultline.ingest.kafka.TopicAdmin;
import dev.faultline.ingest.normalize.Normalized;
import dev.faultline.ingest.normalize.ProtobufSpanReader;
import dev.faultline.ingest.normalize.SpanNormalizer;
import dev.faultline.ingest.otlp.OtlpDecoder;
import dev.faultline.ingest.otlp.OtlpEncoding;
import dev.faultline.ingest.topology.IngestMetrics;
import dev.faultline.ingest.topology.IngestTopology;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListOffsetsResult;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsBuilder;

/**
 * Measures, over the same pre-loaded records in one run: a plain consumer that only parses them
 * (the practical limit here), decode and normalise in process, and the ingest stage end to end
 * ({@code otlp_spans} to {@code faultline.spans}) as a Kafka Streams application.
 */
final class IngestBenchmark {
  private final Map<String, Object> client;
  private final BenchOptions options;
  private final PrintWriter log;
  private final String suffix = UUID.randomUUID().toString().substring(0, 8);
  private final String input = "bench-otlp-" + suffix;
  private final String output = "bench-spans-" + suffix;
  private final String inputKeyed = "bench-otlp-keyed-" + suffix;
  private final String dlq = "bench-dlq-" + suffix;
  private final List<byte[]> sample = new ArrayList<>();
  private long spans;
  private long records;
  private long keyedRecords;
  private long bytes;
  private int streamsRuns;
  private final long trafficStartNanos = System.currentTimeMillis() * 1_000_000L;

  /** The client settings for Kafka Streams: {@code --kafka}'s over the broker's address. */
  private Map<String, Object> streamsClient() {
    Map<String, Object> merged = new HashMap<>(client);
    merged.putAll(options.kafka());
    return merged;
  }

  IngestBenchmark(Map<String, Object> client, BenchOptions options, PrintWriter log) {
    this.client = requireNonNull(client, "client");
    this.options = requireNonNull(options, "options");
    this.log = requireNonNull(log, "log");
  }

  List<BenchResult> run() throws Exception {
    try (Admin admin = Admin.create(client)) {
      new TopicAdmin(admin)
          .ensure(
              List.of(
                  new TopicAdmin.Spec(input, options.partitions(), (short) -1),
                  new TopicAdmin.Spec(inputKeyed, options.partitions(), (short) -1),
                  new TopicAdmin.Spec(output, options.partitions(), (short) -1),
                  new TopicAdmin.Spec(dlq, 1, (short) -1)),
              Duration.ofSeconds(60));
      preload();
      List<BenchResult> results = new ArrayList<>();
      // The first pass warms the JIT and the page cache; only the second is reported.
      plainConsumer(input, records, "");
      BenchResult plain = plainConsumer(input, records, "plain consumer (parse only)");
      results.add(plain);
      if (options.stages().contains("decode")) {
        NormalizerSettings settings = new IngestConfig(Map.of()).normalizer();
        SpanNormalizer normalizer = new SpanNormalizer(settings);
        OtlpDecoder decoder = new OtlpDecoder();
        // The object path is what JSON takes, and what protobuf took before the wire reader.
        results.add(
            decodeInProcess(
                "object path",
                (value, now) ->
                    normalizer.normalize(decoder.decode(value, OtlpEncoding.PROTOBUF), now),
                plain));
        ProtobufSpanReader reader = new ProtobufSpanReader(settings);
        results.add(decodeInProcess("wire reader", reader::read, plain));
        sample.clear(); // not part of the later stages' heap
      }
      // Each Kafka Streams stage runs unreported first (--warmup-passes, once by default), like the
      // plain consumer: a stage of a few seconds otherwise measures the JIT compiling it (C2 took
      // as much CPU as the stream thread in a cold analyzer run), which a long-running instance
      // pays once. After one pass C2 still compiles through the measured one (1-2 s of CPU).
      if (options.stages().contains("topology")) {
        results.add(topologyInProcess(plain));
      }
      if (options.stages().contains("ingest")) {
        for (int pass = 0; pass < options.warmupPasses(); pass++) {
          ingest(admin, options.guarantees().get(0), plain);
        }
        for (String guarantee : options.guarantees()) {
          results.add(ingest(admin, guarantee, plain));
        }
      }
      if (options.stages().contains("analyzer")) {
        for (int pass = 0; pass < options.warmupPasses(); pass++) {
          analyzer(admin, options.guarantees().get(0), false, plain);
        }
        for (String guarantee : options.guarantees()) {
          results.add(analyzer(admin, guarantee, false, plain));
        }
      }
      if (options.stages().contains("analyzer-keyed")) {
        // The records as a collector with partition_traces_by_id writes them: one per trace,
        // keyed by its id. They are smaller and more, so they have their own plain consumer.
        plainConsumer(inputKeyed, keyedRecords, "");
        BenchResult plainKeyed =
            plainConsumer(
                inputKeyed, keyedRecords, "plain consumer, records keyed by trace id (parse only)");
        results.add(plainKeyed);
        for (int pass = 0; pass < options.warmupPasses(); pass++) {
          analyzer(admin, options.guarantees().get(0), true, plainKeyed);
        }
        for (String guarantee : options.guarantees()) {
          results.add(analyzer(admin, guarantee, true, plainKeyed));
        }
      }
      return results;
    }
  }

  private void preload() {
    log.printf(
        "pre-loading %,d spans in messages of ~%d spans into %s (%d partitions, %s)...%n",
        options.spans(),
        options.spansPerMessage(),
        input,
        options.partitions(),
        options.compression());
    log.flush();
    SyntheticTraffic traffic = traffic();
    Map<String, Object> config = new HashMap<>(client);
    config.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, options.compression());
    config.put(ProducerConfig.LINGER_MS_CONFIG, 20);
    config.put(ProducerConfig.BATCH_SIZE_CONFIG, 1024 * 1024);
    config.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, 16 * 1024 * 1024);
    config.put(ProducerConfig.ACKS_CONFIG, "all");
    // Only the in-process decode stage reads the sample (some 70 MB): kept otherwise, it counted
    // in every later stage's heap.
    boolean keepSample = options.stages().contains("decode");
    long started = System.nanoTime();
    try (KafkaProducer<byte[], byte[]> producer =
        new KafkaProducer<>(config, new ByteArraySerializer(), new ByteArraySerializer())) {
      while (spans < options.spans()) {
        ExportTraceServiceRequest request = traffic.next();
        byte[] value = request.toByteArray();
        producer.send(new ProducerRecord<>(input, value));
        if (options.stages().contains("analyzer-keyed")) {
          keyedRecords +=
              CollectorSplit.sendKeyed(producer, inputKeyed, options.partitions(), request);
        }
        spans += spanCount(request);
        records++;
        bytes += value.length;
        if (keepSample && sample.size() < 2_000) {
          sample.add(value);
        }
      }
      producer.flush();
    }
    log.printf(
        "pre-loaded %,d records, %,d spans, %.1f MB in %.1f s%n",
        records, spans, bytes / 1e6, (System.nanoTime() - started) / 1e9);
    log.flush();
  }

  /** The benchmark's traffic from its beginning: the same requests every time. */
  private SyntheticTraffic traffic() {
    return new SyntheticTraffic(
        42, options.services(), options.spansPerMessage(), options.eventRate(), trafficStartNanos);
  }

  /**
   * The analyzer's topology (detectors included) in this thread through {@code TopologyTestDriver},
   * as {@code faultline replay} runs it: its processors, serdes and RocksDB stores without a
   * broker, which shows what the topology itself costs per span.
   */
  private BenchResult topologyInProcess(BenchResult plain) {
    List<ExportTraceServiceRequest> requests = new ArrayList<>();
    SyntheticTraffic traffic = traffic();
    long total = 0;
    while (total < spans) {
      ExportTraceServiceRequest request = traffic.next();
      requests.add(request);
      total += spanCount(request);
    }
    AnalyzerConfig config = Replay.defaultConfig(Map.of());
    // Warm up on a third of the requests, then measure over all of them.
    new Replay(config, () -> Detectors.engine(config))
        .run(requests.subList(0, requests.size() / 3), message -> {});
    CpuMeter cpu = CpuMeter.start(Thread.currentThread().getName());
    long started = System.nanoTime();
    Replay.Result result =
        new Replay(config, () -> Detectors.engine(config)).run(requests, message -> {});
    return BenchResult.of(
        "analyzer topology in process (TopologyTestDriver, 1 thread)",
        result.spans(),
        System.nanoTime() - started,
        plain,
        cpu.stop());
  }

  private BenchResult plainConsumer(String topic, long recordCount, String stage) {
    Map<String, Object> config = consumerConfig("bench-plain-" + UUID.randomUUID());
    long seen = 0;
    long parsedSpans = 0;
    CpuMeter cpu = CpuMeter.start(Thread.currentThread().getName());
    long started = System.nanoTime();
    try (KafkaConsumer<byte[], byte[]> consumer =
        new KafkaConsumer<>(config, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
      // Its partitions assigned, not a group's: no group join on the clock (the Kafka Streams
      // stages' clocks start after theirs).
      List<TopicPartition> partitions =
          consumer.partitionsFor(topic).stream()
              .map(info -> new TopicPartition(info.topic(), info.partition()))
              .toList();
      consumer.assign(partitions);
      consumer.seekToBeginning(partitions);
      while (seen < recordCount) {
        for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(100))) {
          try {
            parsedSpans += spanCount(ExportTraceServiceRequest.parseFrom(record.value()));
          } catch (com.google.protobuf.InvalidProtocolBufferException e) {
            throw new IllegalStateException(e);
          }
          seen++;
        }
      }
    }
    return BenchResult.of(stage, parsedSpans, System.nanoTime() - started, null, cpu.stop());
  }

  /** Decoding and normalising one record, by either path. */
  @FunctionalInterface
  private interface Normalise {
    Normalized apply(byte[] value, long recordTimestampMs) throws Exception;
  }

  private BenchResult decodeInProcess(String path, Normalise normalise, BenchResult plain)
      throws Exception {
    long done = 0;
    long now = System.currentTimeMillis();
    // Warm up, then measure over as many spans as were pre-loaded.
    for (byte[] value : sample) {
      normalise.apply(value, now);
    }
    CpuMeter cpu = CpuMeter.start(Thread.currentThread().getName());
    long started = System.nanoTime();
    while (done < spans) {
      for (byte[] value : sample) {
        done += normalise.apply(value, now).acceptedSpans();
      }
    }
    return BenchResult.of(
        "decode + normalise, " + path + " (in process, 1 thread)",
        done,
        System.nanoTime() - started,
        plain,
        cpu.stop());
  }

  private BenchResult ingest(Admin admin, String guarantee, BenchResult plain) throws Exception {
    String applicationId = "bench-ingest-" + guarantee + "-" + suffix + "-" + (++streamsRuns);
    Path stateDir = Files.createTempDirectory("faultline-bench-");
    Map<String, Object> values = new HashMap<>();
    values.put(IngestConfig.INPUT_TOPIC, input);
    values.put(IngestConfig.SPANS_TOPIC, output);
    values.put(IngestConfig.DLQ_TOPIC, dlq);
    values.put(AnalyzerConfig.APPLICATION_ID, applicationId);
    values.put(AnalyzerConfig.STATE_DIR, stateDir.toString());
    values.put(AnalyzerConfig.PROCESSING_GUARANTEE, guarantee);
    AnalyzerConfig config = new AnalyzerConfig(values);
    StreamsBuilder builder = new StreamsBuilder();
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    IngestTopology.build(builder, config.ingest(), new IngestMetrics(registry));
    Properties props = StreamsSettings.of(config, streamsClient(), "localhost:0");
    Map<TopicPartition, Long> ends = endOffsets(admin, input);
    try (KafkaStreams streams = new KafkaStreams(builder.build(props), props)) {
      startAndAwaitRunning(streams);
      CpuMeter cpu = CpuMeter.start(applicationId);
      long started = System.nanoTime();
      awaitCommitted(admin, applicationId, ends);
      long elapsed = System.nanoTime() - started;
      return BenchResult.of(
          "ingest end to end, otlp_spans -> faultline.spans (" + guarantee + ")",
          spans,
          elapsed,
          plain,
          cpu.stop());
    } finally {
      BenchFiles.deleteTree(stateDir);
    }
  }

  /**
   * The whole analyzer (ingest, trace assembly, windows, graph stage, detectors), done when its
   * consumer group has committed everything of the input, of the spans topic (unless the input is
   * keyed by trace) and of the window parts sent to the graph stage.
   */
  private BenchResult analyzer(Admin admin, String guarantee, boolean keyed, BenchResult plain)
      throws Exception {
    String run = guarantee + "-" + suffix + "-" + (++streamsRuns);
    String applicationId = "bench-analyzer-" + run;
    String spans = "bench-spans-" + run;
    String source = keyed ? inputKeyed : input;
    Path stateDir = Files.createTempDirectory("faultline-bench-");
    Map<String, Object> values = new HashMap<>();
    values.put(IngestConfig.INPUT_TOPIC, source);
    values.put(IngestConfig.INPUT_KEYED_BY_TRACE, keyed);
    values.put(IngestConfig.SPANS_TOPIC, spans);
    values.put(IngestConfig.DLQ_TOPIC, dlq);
    values.put(IngestConfig.TOPIC_PARTITIONS, options.partitions());
    values.put(AnalyzerConfig.APPLICATION_ID, applicationId);
    values.put(AnalyzerConfig.STATE_DIR, stateDir.toString());
    values.put(AnalyzerConfig.PROCESSING_GUARANTEE, guarantee);
    values.put(AnalyzerConfig.GRAPH_TOPIC, "bench-graph-" + run);
    values.putAll(options.settings());
    // As a running analyzer does: batches by reference only if the input keeps them long enough.
    AnalyzerConfig config = AnalyzerRuntime.ensureTopics(new AnalyzerConfig(values), client);
    StreamsBuilder builder = new StreamsBuilder();
    AnalyzerTopology.build(
        builder,
        config,
        new AnalyzerMetrics(new SimpleMeterRegistry()),
        AnalyzerTopology.Hooks.none().withDetection(() -> Detectors.engine(config)));
    Properties props = StreamsSettings.of(config, streamsClient(), "localhost:0");
    Map<TopicPartition, Long> inputEnds = endOffsets(admin, source);
    try (HeapMeter heap = new HeapMeter();
        KafkaStreams streams = new KafkaStreams(builder.build(props), props)) {
      startAndAwaitRunning(streams);
      CpuMeter cpu = CpuMeter.start(applicationId);
      long started = System.nanoTime();
      awaitCommitted(admin, applicationId, inputEnds);
      if (!keyed) {
        // Everything is in the spans topic now; wait until trace assembly has read it all.
        awaitCommitted(admin, applicationId, endOffsets(admin, spans));
      }
      awaitCommitted(
          admin, applicationId, endOffsets(admin, applicationId + "-graph-partials-repartition"));
      long elapsed = System.nanoTime() - started;
      String stage =
          keyed
              ? "full analyzer, input keyed by trace id (" + guarantee + ")"
              : "full analyzer: ingest + trace assembly + graph (" + guarantee + ")";
      return BenchResult.of(stage, this.spans, elapsed, plain, cpu.stop())
          .withMemory(heap.maxUsedAfterGcMiB(), BenchFiles.size(stateDir) / (1024.0 * 1024.0));
    } finally {
      BenchFiles.deleteTree(stateDir);
    }
  }

  /**
   * Starts a stage and waits until it runs: the clock starts there, so a stage's figure is its
   * processing, not the group join and the transactional producer's start, which a running instance
   * pays once (both take seconds on a fresh group).
   */
  private static void startAndAwaitRunning(KafkaStreams streams) throws InterruptedException {
    java.util.concurrent.CountDownLatch running = new java.util.concurrent.CountDownLatch(1);
    streams.setStateListener(
        (now, before) -> {
          if (now == KafkaStreams.State.RUNNING) {
            running.countDown();
          }
        });
    streams.start();
    if (!running.await(120, java.util.concurrent.TimeUnit.SECONDS)) {
      throw new IllegalStateException("the stage did not start within 120 s: " + streams.state());
    }
  }

  private static void awaitCommitted(Admin admin, String group, Map<TopicPartition, Long> ends)
      throws Exception {
    while (!committedUpTo(admin, group, ends)) {
      Thread.sleep(50);
    }
  }

  private Map<String, Object> consumerConfig(String group) {
    Map<String, Object> config = new HashMap<>(client);
    config.put(ConsumerConfig.GROUP_ID_CONFIG, group);
    config.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    config.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 2_000);
    config.put(ConsumerConfig.FETCH_MAX_BYTES_CONFIG, 64 * 1024 * 1024);
    config.put(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, 16 * 1024 * 1024);
    return config;
  }

  private static Map<TopicPartition, Long> endOffsets(Admin admin, String topic) throws Exception {
    Set<TopicPartition> partitions =
        admin.describeTopics(Set.of(topic)).allTopicNames().get().get(topic).partitions().stream()
            .map(p -> new TopicPartition(topic, p.partition()))
            .collect(Collectors.toSet());
    Map<TopicPartition, OffsetSpec> query = new HashMap<>();
    partitions.forEach(p -> query.put(p, OffsetSpec.latest()));
    Map<TopicPartition, ListOffsetsResult.ListOffsetsResultInfo> result =
        admin.listOffsets(query).all().get();
    Map<TopicPartition, Long> out = new HashMap<>();
    result.forEach((p, info) -> out.put(p, info.offset()));
    return out;
  }

  private static boolean committedUpTo(Admin admin, String group, Map<TopicPartition, Long> ends)
      throws Exception {
    Map<TopicPartition, OffsetAndMetadata> committed =
        admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata().get();
    Set<TopicPartition> done = new HashSet<>();
    ends.forEach(
        (partition, end) -> {
          OffsetAndMetadata offset = committed.get(partition);
          if (end == 0 || (offset != null && offset.offset() >= end)) {
            done.add(partition);
          }
        });
    return done.size() == ends.size();
  }

  static int spanCount(ExportTraceServiceRequest request) {
    int count = 0;
    for (ResourceSpans resource : request.getResourceSpansList()) {
      for (ScopeSpans scope : resource.getScopeSpansList()) {
        count += scope.getSpansCount();
      }
    }
    return count;
  }
}
