package dev.faultline.analyzer.topology;

import static java.util.Objects.requireNonNull;

import com.google.protobuf.ByteString;
import dev.faultline.analyzer.trace.Call;
import dev.faultline.analyzer.trace.Observation;
import dev.faultline.analyzer.trace.Pairing;
import dev.faultline.analyzer.trace.TraceModel;
import dev.faultline.analyzer.trace.Visit;
import dev.faultline.schemas.proto.SpanBatch;
import dev.faultline.schemas.proto.TraceState;
import java.nio.ByteBuffer;
import java.time.Duration;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * Assembles traces: each span batch is added to its trace's buffer and paired at once; a stream
 * time punctuation resolves traces whose pairing timeout passed and later forgets them after the
 * retention period.
 *
 * <p>Stores: {@link #BUFFER} (trace id to {@link TraceState}) and {@link #EXPIRY} (deadline and
 * trace id, in deadline order, so expiry reads only what is due instead of scanning every trace).
 */
final class TraceAssemblyProcessor implements Processor<byte[], SpanBatch, byte[], Observation> {
  static final String BUFFER = "trace-buffer";
  static final String EXPIRY = "trace-expiry";

  /** Most traces resolved or forgotten per punctuation, so one cannot stall the thread. */
  private static final int MAX_EXPIRIES_PER_PUNCTUATION = 20_000;

  private final Settings settings;
  private final AnalyzerMetrics metrics;
  private ProcessorContext<byte[], Observation> context;
  private KeyValueStore<Bytes, TraceState> buffer;
  private KeyValueStore<Bytes, byte[]> expiry;
  private long inFlight;

  /** The limits of trace assembly. */
  record Settings(
      long pairingTimeoutMs, long retentionMs, int maxSpans, long maxInFlight, long punctuateMs) {}

  TraceAssemblyProcessor(Settings settings, AnalyzerMetrics metrics) {
    this.settings = requireNonNull(settings, "settings");
    this.metrics = requireNonNull(metrics, "metrics");
  }

  @Override
  public void init(ProcessorContext<byte[], Observation> context) {
    this.context = context;
    this.buffer = context.getStateStore(BUFFER);
    this.expiry = context.getStateStore(EXPIRY);
    this.inFlight = buffer.approximateNumEntries();
    context.schedule(
        Duration.ofMillis(settings.punctuateMs()), PunctuationType.STREAM_TIME, this::expire);
  }

  @Override
  public void process(Record<byte[], SpanBatch> record) {
    Bytes key = Bytes.wrap(record.key());
    ByteString traceId = ByteString.copyFrom(record.key());
    TraceState state = buffer.get(key);
    TraceModel trace;
    long oldDeadline = Long.MIN_VALUE;
    if (state == null) {
      trace = new TraceModel(traceId);
      inFlight++;
      if (inFlight > settings.maxInFlight()) {
        evictOldest();
      }
    } else {
      trace = TraceModel.of(traceId, state);
      oldDeadline = state.getDeadlineMs();
    }
    int refused = trace.add(record.value().getSpansList(), record.timestamp(), settings.maxSpans());
    if (refused > 0) {
      metrics.spansDropped(refused);
    }
    if (trace.isClosed()) {
      metrics.lateSpans(record.value().getSpansCount());
    }
    Pairing.run(trace, sink(record.timestamp()));
    long deadline =
        trace.isClosed() ? oldDeadline : trace.lastSeenMs() + settings.pairingTimeoutMs();
    save(key, trace, oldDeadline, deadline);
  }

  private void save(Bytes key, TraceModel trace, long oldDeadline, long deadline) {
    if (oldDeadline != deadline) {
      if (oldDeadline != Long.MIN_VALUE) {
        expiry.delete(expiryKey(oldDeadline, key));
      }
      expiry.put(expiryKey(deadline, key), new byte[0]);
    }
    buffer.put(key, trace.toState(deadline));
  }

  /** Resolves traces whose pairing timeout passed; forgets those past retention. */
  private void expire(long streamTimeMs) {
    int done = 0;
    try (KeyValueIterator<Bytes, byte[]> due =
        expiry.range(expiryKey(Long.MIN_VALUE, null), expiryKey(streamTimeMs + 1, null))) {
      while (due.hasNext() && done < MAX_EXPIRIES_PER_PUNCTUATION) {
        KeyValue<Bytes, byte[]> entry = due.next();
        expireOne(entry.key, streamTimeMs);
        done++;
      }
    }
  }

  private void expireOne(Bytes expiryKey, long streamTimeMs) {
    long deadline = ByteBuffer.wrap(expiryKey.get()).getLong() ^ Long.MIN_VALUE;
    TraceState state = buffer.get(Bytes.wrap(traceIdOf(expiryKey)));
    if (state == null || state.getDeadlineMs() != deadline) {
      expiry.delete(expiryKey); // a stale index entry
      return;
    }
    expire(expiryKey, state, streamTimeMs);
  }

  private void expireOneNow(Bytes expiryKey, TraceState state) {
    expire(expiryKey, state, context.currentStreamTimeMs());
  }

  private void expire(Bytes expiryKey, TraceState state, long streamTimeMs) {
    byte[] id = traceIdOf(expiryKey);
    Bytes key = Bytes.wrap(id);
    expiry.delete(expiryKey);
    if (state.getClosed()) {
      buffer.delete(key);
      inFlight = Math.max(0, inFlight - 1);
      return;
    }
    TraceModel trace = TraceModel.of(ByteString.copyFrom(id), state);
    trace.markClosed();
    Pairing.run(trace, sink(Math.max(streamTimeMs, trace.lastSeenMs())));
    long purge = streamTimeMs + settings.retentionMs();
    expiry.put(expiryKey(purge, key), new byte[0]);
    buffer.put(key, trace.toState(purge));
  }

  /** Too many traces in flight: resolve the one due soonest now. */
  private void evictOldest() {
    try (KeyValueIterator<Bytes, byte[]> oldest = expiry.all()) {
      while (oldest.hasNext()) {
        KeyValue<Bytes, byte[]> entry = oldest.next();
        TraceState state = buffer.get(Bytes.wrap(traceIdOf(entry.key)));
        if (state == null) {
          expiry.delete(entry.key);
          continue;
        }
        // Resolves an open trace at once; forgets a finished one.
        expireOneNow(entry.key, state);
        metrics.tracesEvicted();
        return;
      }
    }
  }

  private Pairing.Sink sink(long timestamp) {
    return new Pairing.Sink() {
      @Override
      public void call(Call call) {
        context.forward(new Record<byte[], Observation>(null, call, timestamp));
      }

      @Override
      public void visit(Visit visit) {
        context.forward(new Record<byte[], Observation>(null, visit, timestamp));
      }
    };
  }

  /**
   * Expiry index key: the deadline (sign bit flipped, so byte order is numeric order) followed by
   * the trace id; {@code null} id for range bounds.
   */
  static Bytes expiryKey(long deadline, Bytes traceId) {
    int idLength = traceId == null ? 0 : traceId.get().length;
    ByteBuffer out = ByteBuffer.allocate(Long.BYTES + idLength);
    out.putLong(deadline ^ Long.MIN_VALUE);
    if (traceId != null) {
      out.put(traceId.get());
    }
    return Bytes.wrap(out.array());
  }

  private static byte[] traceIdOf(Bytes expiryKey) {
    byte[] all = expiryKey.get();
    byte[] id = new byte[all.length - Long.BYTES];
    System.arraycopy(all, Long.BYTES, id, 0, id.length);
    return id;
  }
}
