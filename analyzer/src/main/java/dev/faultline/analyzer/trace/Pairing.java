package dev.faultline.analyzer.trace;

import static java.util.Objects.requireNonNull;

import dev.faultline.schemas.proto.CallKind;
import dev.faultline.schemas.proto.SpanKind;
import dev.faultline.schemas.span.SpanRecord;

/**
 * The pairing rules: which span pairs are calls, and when each call, each visit and each unpaired
 * client is emitted. Stateless; all state is in the {@link TraceModel}'s flags, so running it again
 * after more spans arrived emits only what became known.
 *
 * <ul>
 *   <li>A pair (parent P, child C) is a call when their services differ (so traces without span
 *       kinds pair too), or when P is CLIENT and C is SERVER, or P is PRODUCER and C is CONSUMER
 *       (calls within one service).
 *   <li>A sync call is emitted once both sides are there and the caller's entry operation is known:
 *       the operation of the span through which the request entered the caller's service.
 *   <li>A producer call to its queue is emitted with the producer span; a consumer's call from the
 *       queue with the consumer span, with the queue wait when the producer is in the trace.
 *   <li>A database client span becomes a call to its database at once; any other client span
 *       without a server side becomes a call to a virtual peer when the trace closes.
 *   <li>A span without parent is entered from {@link NodeKey#ENTRY}; so is one whose parent never
 *       arrived, when the trace closes.
 * </ul>
 */
public final class Pairing {
  /** The span's inbound call (as callee) was emitted, or it has none. */
  public static final int INBOUND_DONE = 1;

  /** The span's visit was emitted, or it is not a local root. */
  public static final int VISIT_DONE = 2;

  /** The span's outbound call was emitted (or paired with a server side), or it makes none. */
  public static final int OUTBOUND_DONE = 4;

  private static final int BLOCKED = -3;

  /** Where pairing puts what it finds. */
  public interface Sink {
    void call(Call call);

    void visit(Visit visit);
  }

  private Pairing() {}

  /**
   * Emits everything that became known. When the model is closed, whatever is still unpaired is
   * resolved: missing parents become entries, unpaired clients virtual peers.
   */
  public static void run(TraceModel trace, Sink sink) {
    requireNonNull(trace, "trace");
    requireNonNull(sink, "sink");
    for (int i = 0; i < trace.size(); i++) {
      if (!trace.has(i, INBOUND_DONE)) {
        inbound(trace, i, sink);
      }
    }
    for (int i = 0; i < trace.size(); i++) {
      if (!trace.has(i, VISIT_DONE)) {
        visit(trace, i, sink);
      }
    }
    for (int i = 0; i < trace.size(); i++) {
      if (!trace.has(i, OUTBOUND_DONE)) {
        outbound(trace, i, sink);
      }
    }
  }

  /** Whether everything of every span has been emitted. */
  public static boolean complete(TraceModel trace) {
    for (int i = 0; i < trace.size(); i++) {
      if (!trace.has(i, INBOUND_DONE)
          || !trace.has(i, VISIT_DONE)
          || !trace.has(i, OUTBOUND_DONE)) {
        return false;
      }
    }
    return true;
  }

  /** Whether the pair (parent, child) is a call. */
  public static boolean isCall(SpanRecord parent, SpanRecord child) {
    if (!parent.getService().equals(child.getService())) {
      return true;
    }
    return (Spans.isClientKind(parent) && child.getKind() == SpanKind.SPAN_KIND_SERVER)
        || (Spans.isProducer(parent) && Spans.isConsumer(child));
  }

  private static void inbound(TraceModel trace, int i, Sink sink) {
    SpanRecord span = trace.span(i);
    int p = trace.parent(i);
    if (p == TraceModel.ABSENT && trace.isClosed() && isOutgoing(span)) {
      // A client whose own service's span above it is missing: not an entry into anything.
      trace.set(i, INBOUND_DONE);
      return;
    }
    if (p == TraceModel.ROOT || (p == TraceModel.ABSENT && trace.isClosed())) {
      NodeKey queue = Spans.isConsumer(span) ? Spans.queue(span) : null;
      if (queue != null) {
        sink.call(consume(trace, queue, null, i));
      } else {
        sink.call(entry(trace, i));
      }
      trace.set(i, INBOUND_DONE);
      return;
    }
    if (p == TraceModel.ABSENT) {
      return; // the parent may still come
    }
    SpanRecord parent = trace.span(p);
    if (!isCall(parent, span)) {
      trace.set(i, INBOUND_DONE);
      return;
    }
    if (Spans.isProducer(parent) || Spans.isConsumer(span)) {
      NodeKey queue = Spans.queue(span) != null ? Spans.queue(span) : Spans.queue(parent);
      if (queue != null) {
        // The producer's own call to the queue is emitted with the producer span.
        sink.call(consume(trace, queue, Spans.isProducer(parent) ? parent : null, i));
        trace.set(i, INBOUND_DONE);
        return;
      }
    }
    int root = localRoot(trace, p);
    if (root == BLOCKED) {
      return; // the caller's entry operation is not known yet
    }
    SpanRecord callerRoot = trace.span(root);
    // An INTERNAL or server parent spans more than this call: its duration is not the client's
    // view.
    boolean clientView =
        parent.getKind() != SpanKind.SPAN_KIND_INTERNAL && !Spans.isServerSide(parent);
    long client = clientView ? Spans.durationUs(parent) : Call.UNKNOWN;
    long server = Spans.durationUs(span);
    sink.call(
        new Call(
            NodeKey.service(parent.getService()),
            callerRoot.getName(),
            NodeKey.service(span.getService()),
            span.getName(),
            CallKind.CALL_KIND_SYNC,
            clientView ? Spans.startMs(parent) : callerClockStartMs(parent, span),
            client,
            server,
            client == Call.UNKNOWN ? Call.UNKNOWN : client - server,
            Call.UNKNOWN,
            trace.isError(p) || trace.isError(i),
            trace.isError(i),
            attempt(trace, p),
            parent.getServiceInstance(),
            parent.getServiceVersion(),
            span.getServiceInstance(),
            span.getServiceVersion(),
            trace.traceId()));
    trace.set(i, INBOUND_DONE);
    trace.set(p, OUTBOUND_DONE);
  }

  private static void visit(TraceModel trace, int i, Sink sink) {
    SpanRecord span = trace.span(i);
    int p = trace.parent(i);
    boolean localRoot;
    if (p == TraceModel.ROOT) {
      localRoot = true;
    } else if (p == TraceModel.ABSENT) {
      if (!Spans.isServerSide(span) && !trace.isClosed()) {
        return; // whether it entered its service depends on the parent still to come
      }
      localRoot = !isOutgoing(span);
    } else {
      localRoot = isCall(trace.span(p), span);
    }
    if (localRoot) {
      boolean entry = p == TraceModel.ROOT || (p == TraceModel.ABSENT && trace.isClosed());
      long timeMs = p >= 0 ? callerClockStartMs(trace.span(p), span) : Spans.startMs(span);
      sink.visit(
          new Visit(
              span.getService(),
              span.getName(),
              span.getServiceInstance(),
              span.getServiceVersion(),
              timeMs,
              Spans.durationUs(span),
              SelfTime.ofService(trace, i),
              trace.isError(i),
              entry,
              trace.traceId()));
    }
    trace.set(i, VISIT_DONE);
  }

  /**
   * The start of {@code span} on its caller's clock: its own start when it lies within its parent
   * of another service, else the start that centres it in the parent (as the trace view shifts a
   * skewed host). So a call and the visit it caused count in the same window even when the callee's
   * host clock is seconds off.
   */
  static long callerClockStartMs(SpanRecord parent, SpanRecord span) {
    long start = span.getStartUnixNano();
    long end = span.getEndUnixNano();
    if (parent.getService().equals(span.getService())
        || (start >= parent.getStartUnixNano() && end <= parent.getEndUnixNano())) {
      return Spans.startMs(span);
    }
    long parentDuration = parent.getEndUnixNano() - parent.getStartUnixNano();
    long duration = end - start;
    long aligned =
        duration >= 0 && duration <= parentDuration
            ? parent.getStartUnixNano() + (parentDuration - duration) / 2
            : parent.getStartUnixNano();
    return aligned / 1_000_000L;
  }

  private static void outbound(TraceModel trace, int i, Sink sink) {
    SpanRecord span = trace.span(i);
    boolean database =
        Spans.isDatabase(span) && (Spans.isClientKind(span) || Spans.kindUnknown(span));
    NodeKey queue = Spans.isProducer(span) ? Spans.queue(span) : null;
    if (!database && queue == null) {
      if (!Spans.isClientKind(span) && !Spans.isProducer(span)) {
        trace.set(i, OUTBOUND_DONE);
        return;
      }
      if (!trace.isClosed()) {
        return; // a server side may still come
      }
      if (hasCalledChild(trace, i)) {
        trace.set(i, OUTBOUND_DONE);
        return;
      }
    }
    int root = localRoot(trace, i);
    if (root == BLOCKED) {
      return;
    }
    NodeKey callee;
    CallKind kind;
    if (database) {
      callee = Spans.database(span);
      kind = CallKind.CALL_KIND_DATABASE;
    } else if (queue != null) {
      callee = queue;
      kind = CallKind.CALL_KIND_PRODUCE;
    } else {
      callee = Spans.virtualPeer(span);
      kind = CallKind.CALL_KIND_VIRTUAL;
    }
    long duration = Spans.durationUs(span);
    sink.call(
        new Call(
            NodeKey.service(span.getService()),
            trace.span(root).getName(),
            callee,
            span.getName(),
            kind,
            Spans.startMs(span),
            duration,
            Call.UNKNOWN,
            Call.UNKNOWN,
            Call.UNKNOWN,
            trace.isError(i),
            false,
            attempt(trace, i),
            span.getServiceInstance(),
            span.getServiceVersion(),
            "",
            "",
            trace.traceId()));
    trace.set(i, OUTBOUND_DONE);
  }

  private static Call entry(TraceModel trace, int i) {
    SpanRecord span = trace.span(i);
    long duration = Spans.durationUs(span);
    return new Call(
        NodeKey.ENTRY,
        "",
        NodeKey.service(span.getService()),
        span.getName(),
        CallKind.CALL_KIND_ENTRY,
        Spans.startMs(span),
        Call.UNKNOWN,
        duration,
        Call.UNKNOWN,
        Call.UNKNOWN,
        trace.isError(i),
        trace.isError(i),
        1,
        "",
        "",
        span.getServiceInstance(),
        span.getServiceVersion(),
        trace.traceId());
  }

  private static Call consume(TraceModel trace, NodeKey queue, SpanRecord producer, int i) {
    SpanRecord consumer = trace.span(i);
    long wait =
        producer == null
            ? Call.UNKNOWN
            : Math.max(0, consumer.getStartUnixNano() - producer.getEndUnixNano()) / 1_000L;
    return new Call(
        queue,
        "",
        NodeKey.service(consumer.getService()),
        consumer.getName(),
        CallKind.CALL_KIND_CONSUME,
        Spans.startMs(consumer),
        Call.UNKNOWN,
        Spans.durationUs(consumer),
        Call.UNKNOWN,
        wait,
        trace.isError(i),
        trace.isError(i),
        1,
        producer == null ? "" : producer.getServiceInstance(),
        producer == null ? "" : producer.getServiceVersion(),
        consumer.getServiceInstance(),
        consumer.getServiceVersion(),
        trace.traceId());
  }

  /**
   * The span through which the request entered {@code index}'s service: walk up while the parent is
   * in the same service and not a call. {@link #BLOCKED} when an ancestor has not arrived yet (once
   * the trace is closed, the topmost known ancestor).
   */
  static int localRoot(TraceModel trace, int index) {
    int current = index;
    for (int steps = 0; steps <= trace.size(); steps++) {
      int p = trace.parent(current);
      if (p == TraceModel.ROOT) {
        return current;
      }
      if (p == TraceModel.ABSENT) {
        return Spans.isServerSide(trace.span(current)) || trace.isClosed() ? current : BLOCKED;
      }
      if (isCall(trace.span(p), trace.span(current))) {
        return current;
      }
      current = p;
    }
    return current; // a parent loop: stop where we are
  }

  private static boolean isOutgoing(SpanRecord span) {
    return Spans.isClientKind(span) || Spans.isProducer(span);
  }

  private static boolean hasCalledChild(TraceModel trace, int index) {
    for (int child : trace.children(index)) {
      if (isCall(trace.span(index), trace.span(child))) {
        return true;
      }
    }
    return false;
  }

  /**
   * The attempt number of a client span: from {@code http.request.resend_count}, else 1 plus the
   * number of failed earlier siblings with the same target that ended before it started
   * (overlapping siblings are fan-out, not retries).
   */
  static int attempt(TraceModel trace, int client) {
    SpanRecord span = trace.span(client);
    int resends = Spans.resendCount(span);
    if (resends > 0) {
      return resends + 1;
    }
    int p = trace.parent(client);
    if (p < 0) {
      return 1;
    }
    String target = null;
    int attempt = 1;
    for (int sibling : trace.children(p)) {
      if (sibling == client || !trace.isError(sibling)) {
        continue;
      }
      SpanRecord other = trace.span(sibling);
      if (other.getEndUnixNano() <= span.getStartUnixNano()) {
        if (target == null) {
          target = Spans.target(span);
        }
        if (Spans.target(other).equals(target)) {
          attempt++;
        }
      }
    }
    return attempt;
  }
}
