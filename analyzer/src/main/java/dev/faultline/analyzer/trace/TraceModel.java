package dev.faultline.analyzer.trace;

import static java.util.Objects.requireNonNull;

import com.google.protobuf.ByteString;
import dev.faultline.schemas.proto.SpanKind;
import dev.faultline.schemas.proto.TraceMeta;
import dev.faultline.schemas.span.SpanRecord;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The spans of one trace with their parent/child structure and what has been emitted for each.
 * Mutable and single-threaded; stored as its batches and a {@link TraceMeta}.
 *
 * <p>Real instrumentation breaks the tree in known ways, handled here once for all users: a span
 * delivered twice (exporter retries) is kept once; a server span that shares its span id with its
 * client span (B3 single-span RPCs) has that client as parent; parent chains that loop are cut.
 */
public final class TraceModel {
  /** {@link #parent} of a root span (no parent id). */
  public static final int ROOT = -1;

  /** {@link #parent} of a span whose parent has not arrived (yet). */
  public static final int ABSENT = -2;

  private final ByteString traceId;
  private final List<SpanRecord> spans = new ArrayList<>();
  private int[] flags = new int[8];
  private final Map<ByteString, int[]> byId = new HashMap<>();
  private final Map<ByteString, List<Integer>> byParentId = new HashMap<>();

  /**
   * Each span's parent and children, resolved when first asked for after the spans last changed
   * (pairing asks for them many times per span; resolving means hashing ids). A new span makes them
   * all stale, and only what is asked for again is resolved again: pairing a batch looks at the
   * spans not yet done, so a large trace arriving in small batches does not resolve all its spans
   * per batch.
   */
  private int[] parents = new int[8];

  private Object[] childLists = new Object[8];

  private static final int UNRESOLVED = Integer.MIN_VALUE;

  /** Whether each span reports a failure ({@link Spans#isError}), judged once when it arrives. */
  private boolean[] errors = new boolean[8];

  private long firstSeenMs;
  private long lastSeenMs;
  private boolean closed;
  private int dropped;

  public TraceModel(ByteString traceId) {
    this.traceId = requireNonNull(traceId, "traceId");
  }

  /**
   * Rebuilds the model of a stored trace from the batches that brought its spans, in arrival order,
   * and its bookkeeping.
   */
  public static TraceModel restore(
      ByteString traceId, List<List<SpanRecord>> batches, TraceMeta meta, int maxSpans) {
    TraceModel model = new TraceModel(traceId);
    for (List<SpanRecord> batch : batches) {
      model.add(batch, meta.getFirstSeenMs(), maxSpans);
    }
    for (int i = 0; i < model.spans.size() && i < meta.getFlagsCount(); i++) {
      model.flags[i] = meta.getFlags(i);
    }
    model.firstSeenMs = meta.getFirstSeenMs();
    model.lastSeenMs = meta.getLastSeenMs();
    model.closed = meta.getClosed();
    model.dropped = meta.getDroppedSpans();
    return model;
  }

  /** The bookkeeping to store, with {@code deadlineMs} as the next expiry check. */
  public TraceMeta meta(long deadlineMs, int batches) {
    return metaBuilder(deadlineMs, batches).build();
  }

  /** {@link #meta}, for the caller to add to. */
  public TraceMeta.Builder metaBuilder(long deadlineMs, int batches) {
    TraceMeta.Builder meta =
        TraceMeta.newBuilder()
            .setFirstSeenMs(firstSeenMs)
            .setLastSeenMs(lastSeenMs)
            .setClosed(closed)
            .setDeadlineMs(deadlineMs)
            .setDroppedSpans(dropped)
            .setBatches(batches);
    for (int i = 0; i < spans.size(); i++) {
      meta.addFlags(flags[i]);
    }
    return meta;
  }

  /**
   * Adds the spans of a batch that arrived at event time {@code timeMs}, skipping duplicates and
   * anything beyond {@code maxSpans}.
   *
   * @return how many spans were refused because the trace was full
   */
  public int add(List<SpanRecord> batch, long timeMs, int maxSpans) {
    if (spans.isEmpty()) {
      firstSeenMs = timeMs;
    }
    lastSeenMs = Math.max(lastSeenMs, timeMs);
    int refused = 0;
    int before = spans.size();
    for (SpanRecord span : batch) {
      if (isDuplicate(span)) {
        continue;
      }
      if (spans.size() >= maxSpans) {
        refused++;
        continue;
      }
      append(span, 0);
    }
    if (spans.size() > before) {
      // New spans can be anyone's parent or child: what was resolved is stale.
      Arrays.fill(parents, 0, spans.size(), UNRESOLVED);
      Arrays.fill(childLists, 0, spans.size(), null);
    }
    dropped += refused;
    return refused;
  }

  private boolean isDuplicate(SpanRecord span) {
    int[] same = byId.get(span.getSpanId());
    if (same == null) {
      return false;
    }
    for (int index : same) {
      SpanRecord other = spans.get(index);
      if (other.getKind() == span.getKind()
          && other.getService().equals(span.getService())
          && other.getStartUnixNano() == span.getStartUnixNano()) {
        return true;
      }
    }
    return false;
  }

  private void append(SpanRecord span, int flag) {
    int index = spans.size();
    spans.add(span);
    if (index >= flags.length) {
      flags = Arrays.copyOf(flags, flags.length * 2);
      errors = Arrays.copyOf(errors, flags.length);
      parents = new int[flags.length];
      childLists = new Object[flags.length];
    }
    flags[index] = flag;
    errors[index] = Spans.isError(span);
    int[] same = byId.get(span.getSpanId());
    if (same == null) {
      byId.put(span.getSpanId(), new int[] {index});
    } else {
      int[] grown = Arrays.copyOf(same, same.length + 1);
      grown[same.length] = index;
      byId.put(span.getSpanId(), grown);
    }
    if (!span.getParentSpanId().isEmpty()) {
      byParentId.computeIfAbsent(span.getParentSpanId(), id -> new ArrayList<>(2)).add(index);
    }
  }

  public ByteString traceId() {
    return traceId;
  }

  public int size() {
    return spans.size();
  }

  public SpanRecord span(int index) {
    return spans.get(index);
  }

  public List<SpanRecord> spans() {
    return List.copyOf(spans);
  }

  /** Whether the span at {@code index} reports a failure ({@link Spans#isError}). */
  public boolean isError(int index) {
    Objects.checkIndex(index, spans.size());
    return errors[index];
  }

  public boolean has(int index, int flag) {
    return (flags[index] & flag) != 0;
  }

  public void set(int index, int flag) {
    flags[index] |= flag;
  }

  public boolean isClosed() {
    return closed;
  }

  public void markClosed() {
    closed = true;
  }

  public long firstSeenMs() {
    return firstSeenMs;
  }

  public long lastSeenMs() {
    return lastSeenMs;
  }

  public int droppedSpans() {
    return dropped;
  }

  /**
   * The index of a span's parent, {@link #ROOT} when it has no parent id, or {@link #ABSENT} when
   * the parent has not arrived.
   */
  public int parent(int index) {
    Objects.checkIndex(index, spans.size());
    int parent = parents[index];
    if (parent == UNRESOLVED) {
      parent = findParent(index);
      parents[index] = parent;
    }
    return parent;
  }

  private int findParent(int index) {
    SpanRecord span = spans.get(index);
    if (span.getKind() == SpanKind.SPAN_KIND_SERVER) {
      int client = sharedIdClient(index, span);
      if (client >= 0) {
        return client;
      }
    }
    if (span.getParentSpanId().isEmpty()) {
      return ROOT;
    }
    int[] candidates = byId.get(span.getParentSpanId());
    if (candidates == null) {
      return ABSENT;
    }
    int pick = ABSENT;
    for (int candidate : candidates) {
      if (candidate == index) {
        continue;
      }
      // With a shared id, the server half is the parent of the server's children.
      if (pick == ABSENT || spans.get(candidate).getKind() == SpanKind.SPAN_KIND_SERVER) {
        pick = candidate;
      }
    }
    return pick;
  }

  /** The client span that shares this server span's id (B3 single-span RPC), or -1. */
  private int sharedIdClient(int index, SpanRecord span) {
    int[] same = byId.get(span.getSpanId());
    if (same == null || same.length < 2) {
      return -1;
    }
    for (int candidate : same) {
      if (candidate != index && spans.get(candidate).getKind() == SpanKind.SPAN_KIND_CLIENT) {
        return candidate;
      }
    }
    return -1;
  }

  /** The indexes of the spans whose parent is {@code index}; not to be modified. */
  @SuppressWarnings("unchecked")
  public List<Integer> children(int index) {
    Objects.checkIndex(index, spans.size());
    Object children = childLists[index];
    if (children == null) {
      children = findChildren(index);
      childLists[index] = children;
    }
    return (List<Integer>) children;
  }

  private List<Integer> findChildren(int index) {
    SpanRecord span = spans.get(index);
    List<Integer> byParent = byParentId.get(span.getSpanId());
    List<Integer> out = new ArrayList<>(byParent == null ? 1 : byParent.size());
    if (byParent != null) {
      for (int child : byParent) {
        if (child != index && parent(child) == index) {
          out.add(child);
        }
      }
    }
    if (span.getKind() == SpanKind.SPAN_KIND_CLIENT) {
      int[] same = byId.get(span.getSpanId());
      if (same != null && same.length > 1) {
        for (int other : same) {
          if (other != index && parent(other) == index && !out.contains(other)) {
            out.add(other);
          }
        }
      }
    }
    return out.isEmpty() ? List.of() : Collections.unmodifiableList(out);
  }
}
