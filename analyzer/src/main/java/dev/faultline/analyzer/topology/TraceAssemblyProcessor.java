package dev.faultline.analyzer.topology;

import static java.util.Objects.requireNonNull;

import com.google.protobuf.ByteString;
import dev.faultline.analyzer.trace.Call;
import dev.faultline.analyzer.trace.Observation;
import dev.faultline.analyzer.trace.Observations;
import dev.faultline.analyzer.trace.Pairing;
import dev.faultline.analyzer.trace.TraceModel;
import dev.faultline.analyzer.trace.Visit;
import dev.faultline.analyzer.trace.Watermark;
import dev.faultline.ingest.config.NormalizerSettings;
import dev.faultline.ingest.topology.IngestTopology;
import dev.faultline.schemas.proto.TraceMeta;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * Assembles traces: each span batch is added to its trace and paired at once; as the watermark
 * moves on, traces whose pairing timeout passed are resolved and, after the retention period,
 * forgotten, and the watermark is passed on to the window stage ({@link Watermark}).
 *
 * <p>The watermark ({@link SourceWatermark}) is the event time (the batches' own timestamps) every
 * active ingest task writing to this partition has passed, not Kafka Streams' stream time: that is
 * the latest of any, and while ingest tasks catch up on a backlog at different speeds it runs ahead
 * of the slower ones' data; and on keyed input it is when the collector sent the records, seconds
 * after their spans ended ({@code KeyedInputEventTimeTest}). It is saved in {@link #BUFFER} at
 * every expiry step, so the task's next owner waits for the same sources. It is passed on to the
 * window stage every {@link #WATERMARK_STEP_MS} of event time, so a window closes soon after its
 * grace.
 *
 * <p>Stores: {@link #BUFFER} holds each trace as the batches that brought its spans plus its
 * bookkeeping ({@link TraceStore}), so a batch costs one write of the bytes as they came. With
 * {@link Settings#batchesByReference} a batch that is the input record as it came is logged as a
 * reference to that record, in the trace's bookkeeping ({@link BatchSources}), and its bytes are
 * kept in {@link #BATCHES}, a store without a changelog: the input topic is their changelog, and a
 * task restored elsewhere reads them back from it when it needs them ({@link BatchBytes}). The
 * changelog then carries the bookkeeping and references, not a second copy of the input. {@link
 * #EXPIRY} indexes traces by deadline so expiry reads only what is due ({@link ExpiryIndex}: in
 * buckets written once per commit, not a record per trace). The deadline is indexed when a trace
 * starts and moved only when expiry finds the trace still receiving spans, not on every batch.
 * Recently active traces stay in memory ({@link Settings#cachedTraces}) so a trace's next batch
 * does not reload it.
 */
final class TraceAssemblyProcessor implements Processor<byte[], RawSpanBatch, byte[], Observation> {
  static final String BUFFER = "trace-buffer";
  static final String EXPIRY = "trace-expiry";

  /**
   * The bytes of batches stored by reference ({@link BatchRef}), under the keys they would have in
   * {@link #BUFFER}; no changelog: the input topic holds them.
   */
  static final String BATCHES = "trace-batches";

  /** Most traces resolved or forgotten per punctuation, so one cannot stall the thread. */
  private static final int MAX_EXPIRIES_PER_PUNCTUATION = 20_000;

  /** Where the watermark's sources are saved in {@link #BUFFER} (trace keys are 17+ bytes). */
  private static final Bytes WATERMARK_KEY =
      Bytes.wrap("watermark".getBytes(java.nio.charset.StandardCharsets.US_ASCII));

  /** Where the count of traces in the store is saved in {@link #BUFFER}, at every commit. */
  private static final Bytes IN_FLIGHT_KEY =
      Bytes.wrap("in-flight".getBytes(java.nio.charset.StandardCharsets.US_ASCII));

  /** Source of a batch without {@link IngestTopology#SOURCE_HEADER} (written by older versions). */
  private static final int UNKNOWN_SOURCE = -1;

  private final Settings settings;
  private final StoredBatches stored;
  private final AnalyzerMetrics metrics;
  private final InputRecords.Factory inputRecords;
  private ProcessorContext<byte[], Observation> context;
  private KeyValueStore<Bytes, byte[]> buffer;
  private KeyValueStore<Bytes, byte[]> batches;
  private InputRecords input;
  private BatchBytes batchBytes;
  private ExpiryIndex expiry;
  private long savedInFlight = -1;
  private Map<Bytes, Active> active;
  private long inFlight;
  private SourceWatermark watermark;
  private long nextExpiryMs = Long.MIN_VALUE;
  private long nextForwardMs = Long.MIN_VALUE;

  /**
   * How often (event time) the watermark is passed on to the window stage: a window is sent at most
   * this long after its end plus grace (once per expiry step, a second by default, was up to a
   * second more of detection latency).
   */
  static final long WATERMARK_STEP_MS = 100;

  /**
   * Starting without saved sources, the watermark stays put until every expected source was heard
   * from or this wall-clock time passed (set by the first batch), so that a source is not taken for
   * late because its first batch came seconds after another's; {@link Long#MIN_VALUE} when not
   * waiting, -1 before the first batch.
   */
  private long startsAtWallMs = Long.MIN_VALUE;

  /**
   * The limits of trace assembly.
   *
   * @param pairingTimeoutMs event time after a trace's latest span at which it is resolved
   * @param retentionMs how long a resolved trace stays queryable
   * @param maxSpans spans kept per trace
   * @param maxInFlight traces assembled at once before the oldest are resolved early
   * @param punctuateMs how often (event time) expiry runs and the watermark is passed on
   * @param cachedTraces traces kept in memory between their batches
   * @param sourceIdleMs wall-clock time after which a silent source is no longer waited for
   * @param expectedSources how many ingest tasks write the input (the partitions of the input
   *     topic; 1 when trace assembly reads the input directly): a task starting without saved
   *     sources waits until it heard from that many, or {@code sourceIdleMs} after its first batch
   * @param batchesByReference whether a batch that is its input record as it came is logged as a
   *     reference to the record ({@link BatchRef})
   */
  record Settings(
      long pairingTimeoutMs,
      long retentionMs,
      int maxSpans,
      long maxInFlight,
      long punctuateMs,
      int cachedTraces,
      long sourceIdleMs,
      int expectedSources,
      boolean batchesByReference) {}

  /** A trace in memory: the model, how many batches are stored, and which by reference. */
  private static final class Active {
    final TraceModel model;
    final BatchSources sources;
    int batches;
    long deadline;

    Active(TraceModel model, BatchSources sources, int batches, long deadline) {
      this.model = model;
      this.sources = sources;
      this.batches = batches;
      this.deadline = deadline;
    }

    TraceMeta meta() {
      return sources.writeTo(model.metaBuilder(deadline, batches)).build();
    }
  }

  /**
   * @param normalizer how ingest normalises spans, to read back a batch stored as its source record
   * @param inputRecords reads referenced input records whose local copy is missing
   */
  TraceAssemblyProcessor(
      Settings settings,
      NormalizerSettings normalizer,
      AnalyzerMetrics metrics,
      InputRecords.Factory inputRecords) {
    this.settings = requireNonNull(settings, "settings");
    this.stored = new StoredBatches(normalizer);
    this.metrics = requireNonNull(metrics, "metrics");
    this.inputRecords = requireNonNull(inputRecords, "inputRecords");
  }

  @Override
  public void init(ProcessorContext<byte[], Observation> context) {
    this.context = context;
    this.buffer = context.getStateStore(BUFFER);
    this.batches = context.getStateStore(BATCHES);
    // A reader connects on its first read, which only a task restored without its local copies
    // makes.
    this.input =
        inputRecords.create(
            context.appConfigs(),
            context.applicationId() + "-" + context.taskId() + "-input-records");
    this.batchBytes = new BatchBytes(batches, input, batches::put, metrics.batchReads());
    CommitHookStore expiryStore = context.getStateStore(EXPIRY);
    this.expiry = new ExpiryIndex(expiryStore);
    expiryStore.beforeCommit(this::beforeCommit);
    byte[] count = buffer.get(IN_FLIGHT_KEY);
    // Stores of earlier versions indexed one entry per trace and saved no count.
    this.inFlight = count != null ? ByteBuffer.wrap(count).getLong() : expiry.approximateEntries();
    this.savedInFlight = count != null ? inFlight : -1;
    int capacity = settings.cachedTraces();
    this.active =
        new LinkedHashMap<>(Math.min(capacity, 1 << 16), 0.75f, true) {
          @Override
          protected boolean removeEldestEntry(Map.Entry<Bytes, Active> eldest) {
            return size() > capacity;
          }
        };
    this.watermark = new SourceWatermark(settings.sourceIdleMs());
    byte[] saved = buffer.get(WATERMARK_KEY);
    if (saved != null) {
      watermark.restore(saved, context.currentSystemTimeMs());
    } else if (settings.expectedSources() > 1 && settings.sourceIdleMs() > 0) {
      startsAtWallMs = -1;
    }
    // A source falling silent lets the watermark move on without any input.
    context.schedule(
        Duration.ofMillis(Math.max(100, Math.min(1_000, settings.sourceIdleMs() / 2))),
        PunctuationType.WALL_CLOCK_TIME,
        wallMs -> advance());
  }

  /** Writes the expiry index's new entries and the count of traces, in the commit. */
  private void beforeCommit() {
    expiry.flush();
    if (inFlight != savedInFlight) {
      buffer.put(IN_FLIGHT_KEY, ByteBuffer.allocate(Long.BYTES).putLong(inFlight).array());
      savedInFlight = inFlight;
    }
  }

  /**
   * Moves the watermark on; at each step of {@code punctuateMs}, expires traces and passes it on.
   */
  private void advance() {
    long wallMs = context.currentSystemTimeMs();
    if (startsAtWallMs != Long.MIN_VALUE) {
      boolean allHeard = watermark.sources() >= settings.expectedSources();
      if (startsAtWallMs < 0 || (wallMs < startsAtWallMs && !allHeard)) {
        return;
      }
      startsAtWallMs = Long.MIN_VALUE;
    }
    long now = watermark.advance(wallMs, context.currentStreamTimeMs());
    if (now == Long.MIN_VALUE) {
      return;
    }
    if (now >= nextExpiryMs) {
      // When more traces were due than one pass handles, the next batch or tick goes on with them.
      nextExpiryMs = expire(now) ? now : now + settings.punctuateMs();
      buffer.put(WATERMARK_KEY, watermark.toBytes());
    }
    if (now >= nextForwardMs) {
      nextForwardMs = now + WATERMARK_STEP_MS;
      context.forward(new Record<byte[], Observation>(null, new Watermark(now), now));
    }
  }

  private static int source(Record<byte[], RawSpanBatch> record) {
    Header header = record.headers().lastHeader(IngestTopology.SOURCE_HEADER);
    return header == null || header.value() == null || header.value().length != Integer.BYTES
        ? UNKNOWN_SOURCE
        : ByteBuffer.wrap(header.value()).getInt();
  }

  @Override
  public void process(Record<byte[], RawSpanBatch> record) {
    byte[] id = record.key();
    Bytes key = Bytes.wrap(id);
    Active trace = active.get(key);
    if (trace == null) {
      trace = load(key).orElse(null);
      if (trace == null) {
        trace =
            new Active(
                new TraceModel(ByteString.copyFrom(id)),
                new BatchSources(),
                0,
                record.timestamp() + settings.pairingTimeoutMs());
        expiry.add(trace.deadline, id);
        inFlight++;
        if (inFlight > settings.maxInFlight()) {
          evictOldest();
        }
      }
      active.put(key, trace);
    }
    int refused =
        trace.model.add(record.value().batch().spans(), record.timestamp(), settings.maxSpans());
    if (refused > 0) {
      metrics.spansDropped(refused);
    }
    if (trace.model.isClosed()) {
      metrics.lateSpans(record.value().batch().spans().size());
    }
    int index = trace.batches++;
    Optional<BatchRef> ref = reference(record.value());
    boolean byReference = ref.isPresent() && trace.sources.refer(index, ref.get());
    (byReference ? batches : buffer).put(TraceStore.batchKey(id, index), record.value().bytes());
    pair(trace.model, record.timestamp());
    buffer.put(TraceStore.metaKey(id), trace.meta().toByteArray());
    long wallMs = context.currentSystemTimeMs();
    watermark.observe(source(record), record.timestamp(), wallMs);
    if (startsAtWallMs == -1) {
      startsAtWallMs = wallMs + settings.sourceIdleMs();
    }
    advance();
  }

  /** The input record to refer to instead of storing the batch's bytes, when there is one. */
  private Optional<BatchRef> reference(RawSpanBatch batch) {
    if (!settings.batchesByReference() || !batch.isInput()) {
      return Optional.empty();
    }
    return context
        .recordMetadata()
        .filter(meta -> meta.topic() != null && meta.partition() >= 0 && meta.offset() >= 0)
        .map(meta -> new BatchRef(meta.topic(), meta.partition(), meta.offset()));
  }

  private Optional<Active> load(Bytes key) {
    return TraceStore.load(
            buffer, batchBytes, ByteString.copyFrom(key.get()), settings.maxSpans(), stored)
        .map(
            loaded ->
                new Active(
                    loaded.model(),
                    BatchSources.of(loaded.meta()),
                    loaded.meta().getBatches(),
                    loaded.meta().getDeadlineMs()));
  }

  /**
   * Resolves traces whose pairing timeout passed; forgets those past retention.
   *
   * @return whether more were due than one pass handles
   */
  private boolean expire(long streamTimeMs) {
    List<ExpiryIndex.Entry> due = expiry.takeDue(streamTimeMs, MAX_EXPIRIES_PER_PUNCTUATION);
    for (ExpiryIndex.Entry entry : due) {
      expireOne(entry, streamTimeMs, false);
    }
    return due.size() >= MAX_EXPIRIES_PER_PUNCTUATION;
  }

  /**
   * Handles one due index entry: a trace that received spans since it was indexed is re-indexed at
   * its new deadline; an open one is resolved; a resolved one past retention is forgotten.
   */
  private void expireOne(ExpiryIndex.Entry entry, long streamTimeMs, boolean force) {
    long indexed = entry.bucketStartMs();
    byte[] id = entry.traceId();
    Bytes key = Bytes.wrap(id);
    Active trace = active.get(key);
    if (trace == null) {
      if (expireStored(id, key, indexed, streamTimeMs, force)) {
        return;
      }
      trace = load(key).orElse(null);
      if (trace == null) {
        return; // already forgotten
      }
    }
    if (ExpiryIndex.bucketOf(trace.deadline) != indexed) {
      return; // a stale index entry: the trace was re-indexed since
    }
    TraceModel model = trace.model;
    if (model.isClosed()) {
      byte[] meta = buffer.get(TraceStore.metaKey(id));
      forget(id, key, meta == null ? null : TraceStore.parseMeta(meta));
      return;
    }
    long due = model.lastSeenMs() + settings.pairingTimeoutMs();
    if (!force && due > streamTimeMs) {
      trace.deadline = due; // spans kept coming: look again later
    } else {
      model.markClosed();
      pair(model, Math.max(streamTimeMs, model.lastSeenMs()));
      trace.deadline = streamTimeMs + settings.retentionMs();
      active.remove(key); // finished: no need to keep it in memory
    }
    expiry.add(trace.deadline, id);
    buffer.put(TraceStore.metaKey(id), trace.meta().toByteArray());
  }

  /**
   * Expires a trace that is not in memory from its bookkeeping alone, when that is enough: a stale
   * index entry, a resolved trace to forget, or a trace of which everything was emitted already
   * (the common case), whose resolution would emit nothing. Its spans are then never read back.
   *
   * @return whether the trace was handled; otherwise it must be loaded
   */
  private boolean expireStored(
      byte[] id, Bytes key, long indexed, long streamTimeMs, boolean force) {
    byte[] metaBytes = buffer.get(TraceStore.metaKey(id));
    if (metaBytes == null) {
      return true; // already forgotten
    }
    TraceMeta meta = TraceStore.parseMeta(metaBytes);
    if (ExpiryIndex.bucketOf(meta.getDeadlineMs()) != indexed) {
      return true; // a stale index entry: the trace was re-indexed since
    }
    if (meta.getClosed()) {
      forget(id, key, meta);
      return true;
    }
    if (!TraceStore.everythingEmitted(meta)) {
      return false;
    }
    long due = meta.getLastSeenMs() + settings.pairingTimeoutMs();
    TraceMeta.Builder next = meta.toBuilder();
    if (!force && due > streamTimeMs) {
      next.setDeadlineMs(due); // spans kept coming: look again later
    } else {
      next.setClosed(true).setDeadlineMs(streamTimeMs + settings.retentionMs());
    }
    expiry.add(next.getDeadlineMs(), id);
    buffer.put(TraceStore.metaKey(id), next.build().toByteArray());
    return true;
  }

  /** Forgets a resolved trace past retention: its stored entries (when any) and its memory. */
  private void forget(byte[] id, Bytes key, TraceMeta meta) {
    if (meta != null) {
      TraceStore.Keys keys = TraceStore.keys(meta, id);
      for (Bytes stored : keys.logged()) {
        buffer.delete(stored);
      }
      for (Bytes stored : keys.local()) {
        batches.delete(stored);
      }
    }
    active.remove(key);
    inFlight = Math.max(0, inFlight - 1);
  }

  /** Too many traces in flight: resolve (or forget) the one due soonest, now. */
  private void evictOldest() {
    ExpiryIndex.Entry first = expiry.takeOldest();
    if (first != null) {
      expireOne(
          first,
          watermark.watermark() != Long.MIN_VALUE
              ? watermark.watermark()
              : context.currentStreamTimeMs(),
          true);
      metrics.tracesEvicted();
    }
  }

  @Override
  public void close() {
    if (input != null) {
      input.close();
      input = null;
    }
  }

  /** Pairs {@code model} and passes on what it found as one record ({@link Observations}). */
  private void pair(TraceModel model, long timestamp) {
    List<Observation> found = new ArrayList<>();
    Pairing.run(
        model,
        new Pairing.Sink() {
          @Override
          public void call(Call call) {
            found.add(call);
          }

          @Override
          public void visit(Visit visit) {
            found.add(visit);
          }
        });
    if (!found.isEmpty()) {
      context.forward(
          new Record<byte[], Observation>(null, new Observations(found, timestamp), timestamp));
    }
  }
}
