package dev.faultline.analyzer.testing;

import com.google.protobuf.ByteString;
import dev.faultline.analyzer.graph.EdgeAccumulator;
import dev.faultline.analyzer.graph.EdgeKey;
import dev.faultline.analyzer.graph.GraphWindow;
import dev.faultline.analyzer.graph.NodeAccumulator;
import dev.faultline.analyzer.graph.OperationKey;
import dev.faultline.analyzer.trace.Call;
import dev.faultline.analyzer.trace.NodeKey;
import dev.faultline.analyzer.trace.Visit;
import dev.faultline.schemas.proto.CallKind;
import dev.faultline.schemas.proto.EdgeStats;
import dev.faultline.schemas.proto.NodeStats;
import dev.faultline.schemas.proto.NodeType;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.Random;
import java.util.TreeMap;

/**
 * Window statistics without spans or Kafka: a request tree of service operations (self time, error
 * rate, calls with their network gap and count per request) that is walked once per request and fed
 * into the production accumulators. Values jitter log-normally around their means from a seeded
 * random, so a run is noisy yet reproducible; change a parameter between windows to inject a fault.
 *
 * <p>Operations may produce into queues ({@link Op#produces}); each consumer of a queue takes every
 * message (a consumer group of its own) one after the other, at most {@link Consumer#perWindow} per
 * window, so a consumer slower than its producers builds a backlog whose queue wait grows.
 */
public final class WindowModel {
  /** Window length, as the analyzer's default. */
  public static final long WINDOW_MS = 2_000;

  private static final long T0_MS = 1_700_000_000_000L;

  private final List<Op> roots = new ArrayList<>();
  private final List<Queue> queues = new ArrayList<>();
  private final List<Long> rates = new ArrayList<>();
  private final Random random;
  private final double sigma;
  private long next;
  private long traces;

  private WindowModel(Op root, long requestsPerWindow, long seed, double sigma) {
    this.roots.add(root);
    this.rates.add(requestsPerWindow);
    this.random = new Random(seed);
    this.sigma = sigma;
  }

  /** A model whose requests enter at {@code root}, {@code requestsPerWindow} of them per window. */
  public static WindowModel of(Op root, long requestsPerWindow) {
    return new WindowModel(root, requestsPerWindow, 42, 0.25);
  }

  /** A service operation with its mean self time. */
  public static Op op(String service, String operation, double selfMs) {
    return new Op(service, operation, selfMs);
  }

  /** A queue (named as the analyzer names them, e.g. {@code kafka/orders}). */
  public Queue queue(String name) {
    Queue queue = new Queue(name);
    queues.add(queue);
    return queue;
  }

  /** Changes the load of entry operation {@code index} (0 is the first) from the next window on. */
  public WindowModel requestsPerWindow(int index, long requests) {
    rates.set(index, requests);
    return this;
  }

  /** Another entry operation, with its own load. */
  public WindowModel alsoEntering(Op root, long requestsPerWindow) {
    roots.add(root);
    rates.add(requestsPerWindow);
    return this;
  }

  /** Changes the load of the first entry operation from the next window on. */
  public WindowModel requestsPerWindow(long requests) {
    rates.set(0, requests);
    return this;
  }

  /** Start of window {@code index} (event time, ms). */
  public static long startOf(long index) {
    return T0_MS + index * WINDOW_MS;
  }

  /** The next window. */
  public GraphWindow window() {
    long start = startOf(next++);
    Map<EdgeKey, EdgeAccumulator> edges = new TreeMap<>();
    Map<OperationKey, NodeAccumulator> nodes = new TreeMap<>();
    for (int r = 0; r < roots.size(); r++) {
      request(roots.get(r), rates.get(r), start, edges, nodes);
    }
    for (Queue queue : queues) {
      for (Consumer consumer : queue.consumers) {
        consume(queue, consumer, start, edges, nodes);
      }
    }
    List<EdgeStats> edgeStats = edges.values().stream().map(EdgeAccumulator::toStats).toList();
    List<NodeStats> nodeStats = nodes.values().stream().map(NodeAccumulator::toStats).toList();
    return new GraphWindow(start, start + WINDOW_MS, edgeStats, nodeStats, true);
  }

  private void request(
      Op root,
      long requestsPerWindow,
      long start,
      Map<EdgeKey, EdgeAccumulator> edges,
      Map<OperationKey, NodeAccumulator> nodes) {
    for (long i = 0; i < requestsPerWindow; i++) {
      long time = start + i * WINDOW_MS / Math.max(1, requestsPerWindow);
      ByteString trace =
          ByteString.copyFrom(ByteBuffer.allocate(16).putLong(9).putLong(++traces).array());
      Result result = visit(root, time, trace, true, edges, nodes);
      EdgeKey entry =
          new EdgeKey(
              NodeKey.ENTRY,
              "",
              NodeKey.service(root.service),
              root.operation,
              CallKind.CALL_KIND_ENTRY);
      edges
          .computeIfAbsent(entry, EdgeAccumulator::new)
          .add(call(entry, time, Call.UNKNOWN, result.durationUs, result.error, 1, trace, ""));
    }
  }

  /** The consumer takes the messages it can start before the window ends, oldest first. */
  private void consume(
      Queue queue,
      Consumer consumer,
      long start,
      Map<EdgeKey, EdgeAccumulator> edges,
      Map<OperationKey, NodeAccumulator> nodes) {
    if (consumer.perWindow <= 0) {
      return; // stopped: the backlog only grows
    }
    double serviceMs = (double) WINDOW_MS / consumer.perWindow;
    EdgeKey key =
        new EdgeKey(
            new NodeKey(NodeType.NODE_TYPE_QUEUE, queue.name),
            "",
            NodeKey.service(consumer.service),
            consumer.operation,
            CallKind.CALL_KIND_CONSUME);
    while (!consumer.backlog.isEmpty()) {
      long produced = consumer.backlog.peek();
      double begin = Math.max(produced, Math.max(consumer.freeAtMs, start));
      if (begin >= start + WINDOW_MS) {
        break;
      }
      consumer.backlog.poll();
      consumer.freeAtMs = begin + serviceMs;
      long time = (long) begin;
      ByteString trace =
          ByteString.copyFrom(ByteBuffer.allocate(16).putLong(7).putLong(++traces).array());
      long selfUs = jitter(consumer.selfMs);
      edges
          .computeIfAbsent(key, EdgeAccumulator::new)
          .add(
              new Call(
                  key.caller(),
                  "",
                  key.callee(),
                  consumer.operation,
                  CallKind.CALL_KIND_CONSUME,
                  time,
                  Call.UNKNOWN,
                  selfUs,
                  Call.UNKNOWN,
                  Math.round((begin - produced) * 1_000),
                  false,
                  false,
                  1,
                  "",
                  "",
                  consumer.service + "-1",
                  "1.0",
                  trace));
      nodes
          .computeIfAbsent(
              new OperationKey(consumer.service, consumer.operation), NodeAccumulator::new)
          .add(
              new Visit(
                  consumer.service,
                  consumer.operation,
                  consumer.service + "-1",
                  "1.0",
                  time,
                  selfUs,
                  selfUs,
                  false,
                  false,
                  trace));
    }
  }

  /** The next {@code count} windows. */
  public List<GraphWindow> windows(int count) {
    List<GraphWindow> out = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      out.add(window());
    }
    return out;
  }

  private record Result(long durationUs, boolean error) {}

  private Result visit(
      Op op,
      long time,
      ByteString trace,
      boolean entry,
      Map<EdgeKey, EdgeAccumulator> edges,
      Map<OperationKey, NodeAccumulator> nodes) {
    long selfUs = jitter(op.selfMs);
    long durationUs = selfUs;
    boolean error = random.nextDouble() < op.errorRate;
    String instance = op.service + "-" + (1 + (op.visits++ % op.instances));
    for (Out out : op.calls) {
      EdgeKey key = out.key(op);
      boolean retrying = out.retryingInstance == null || out.retryingInstance.equals(instance);
      int count = retrying ? out.count : 1;
      for (int n = 0; n < count; n++) {
        if (out.queue != null) {
          for (Consumer consumer : out.queue.consumers) {
            consumer.backlog.add(time);
          }
          long client = jitter(out.latencyMs);
          edges
              .computeIfAbsent(key, EdgeAccumulator::new)
              .add(call(key, time, client, Call.UNKNOWN, false, 1, trace, instance));
          durationUs += client;
        } else if (out.target != null) {
          Result server = visit(out.target, time, trace, false, edges, nodes);
          long client = server.durationUs + jitter(out.gapMs);
          edges
              .computeIfAbsent(key, EdgeAccumulator::new)
              .add(
                  call(
                      key,
                      time,
                      client,
                      server.durationUs,
                      server.error,
                      retrying ? attempt(out) : 1,
                      trace,
                      instance));
          durationUs += client;
          error |= server.error;
        } else {
          long client = jitter(out.latencyMs);
          boolean failed = random.nextDouble() < out.errorRate;
          edges
              .computeIfAbsent(key, EdgeAccumulator::new)
              .add(
                  call(
                      key,
                      time,
                      client,
                      Call.UNKNOWN,
                      failed,
                      retrying ? attempt(out) : 1,
                      trace,
                      instance));
          durationUs += client;
          error |= failed;
        }
      }
    }
    nodes
        .computeIfAbsent(new OperationKey(op.service, op.operation), NodeAccumulator::new)
        .add(
            new Visit(
                op.service,
                op.operation,
                instance,
                "1.0",
                time,
                durationUs,
                selfUs,
                error,
                entry,
                trace));
    return new Result(durationUs, error);
  }

  private int attempt(Out out) {
    return random.nextDouble() < out.retryShare ? 2 : 1;
  }

  private static Call call(
      EdgeKey key,
      long time,
      long clientUs,
      long serverUs,
      boolean error,
      int attempt,
      ByteString trace,
      String callerInstance) {
    boolean sync = serverUs != Call.UNKNOWN && clientUs != Call.UNKNOWN;
    return new Call(
        key.caller(),
        key.callerOperation(),
        key.callee(),
        key.calleeOperation(),
        key.kind(),
        time,
        clientUs,
        serverUs,
        sync ? clientUs - serverUs : Call.UNKNOWN,
        Call.UNKNOWN,
        error,
        error && serverUs != Call.UNKNOWN,
        attempt,
        key.caller().isService() ? callerInstance : "",
        key.caller().isService() ? "1.0" : "",
        key.callee().isService() ? key.callee().name() + "-1" : "",
        key.callee().isService() ? "1.0" : "",
        trace);
  }

  private long jitter(double meanMs) {
    if (meanMs <= 0) {
      return 0;
    }
    // Log-normal around the mean; the median is meanMs * exp(-sigma^2 / 2).
    double factor = Math.exp(sigma * random.nextGaussian() - sigma * sigma / 2);
    return Math.max(1, Math.round(meanMs * 1_000 * factor));
  }

  /** A service operation of the model; mutable, so a test can inject a fault between windows. */
  public static final class Op {
    final String service;
    final String operation;
    double selfMs;
    double errorRate;
    int instances = 1;
    long visits;
    final List<Out> calls = new ArrayList<>();

    private Op(String service, String operation, double selfMs) {
      this.service = service;
      this.operation = operation;
      this.selfMs = selfMs;
    }

    /** Calls {@code callee} once per request, over a network gap of {@code gapMs} on average. */
    public Op calls(Op callee, double gapMs) {
      Out out = new Out(NodeKey.service(callee.service), callee.operation, CallKind.CALL_KIND_SYNC);
      out.target = callee;
      out.gapMs = gapMs;
      calls.add(out);
      return this;
    }

    /** Produces one message into {@code queue} per request, {@code latencyMs} on average. */
    public Op produces(Queue queue, double latencyMs) {
      Out out =
          new Out(
              new NodeKey(NodeType.NODE_TYPE_QUEUE, queue.name),
              "publish " + queue.name,
              CallKind.CALL_KIND_PRODUCE);
      out.queue = queue;
      out.latencyMs = latencyMs;
      calls.add(out);
      return this;
    }

    /** Serves requests round-robin from {@code count} instances ({@code service-1}, ...). */
    public Op instances(int count) {
      this.instances = count;
      return this;
    }

    /** Queries database {@code database} once per request, {@code latencyMs} on average. */
    public Op queries(String database, String statement, double latencyMs) {
      Out out =
          new Out(
              new NodeKey(NodeType.NODE_TYPE_DATABASE, database),
              statement,
              CallKind.CALL_KIND_DATABASE);
      out.latencyMs = latencyMs;
      calls.add(out);
      return this;
    }

    /** Sets the mean self time (ms). */
    public Op selfMs(double ms) {
      this.selfMs = ms;
      return this;
    }

    /** Sets the share of requests that fail here, whatever their callees did. */
    public Op errorRate(double rate) {
      this.errorRate = rate;
      return this;
    }

    /** The outgoing call to {@code callee} (a service or a database name). */
    public Out to(String callee) {
      for (Out out : calls) {
        if (out.callee.name().equals(callee)) {
          return out;
        }
      }
      throw new IllegalArgumentException(service + " does not call " + callee);
    }
  }

  /** An outgoing call of an operation: its count per request, network gap, or latency. */
  public static final class Out {
    final NodeKey callee;
    final String calleeOperation;
    final CallKind kind;
    Op target;
    double gapMs;
    double latencyMs;
    double errorRate;
    double retryShare;
    int count = 1;
    Queue queue;
    String retryingInstance;

    private Out(NodeKey callee, String calleeOperation, CallKind kind) {
      this.callee = callee;
      this.calleeOperation = calleeOperation;
      this.kind = kind;
    }

    EdgeKey key(Op caller) {
      return new EdgeKey(
          NodeKey.service(caller.service), caller.operation, callee, calleeOperation, kind);
    }

    /** Sets how many times per request the call is made (0: the call vanished). */
    public Out count(int count) {
      this.count = count;
      return this;
    }

    /** Sets the mean network gap of a service call (ms). */
    public Out gapMs(double ms) {
      this.gapMs = ms;
      return this;
    }

    /** Sets the mean latency of a database call (ms). */
    public Out latencyMs(double ms) {
      this.latencyMs = ms;
      return this;
    }

    /** Sets the share of calls that are a repeated attempt. */
    public Out retryShare(double share) {
      this.retryShare = share;
      return this;
    }

    /**
     * Only {@code instance} of the caller makes this call {@link #count} times with retries; its
     * siblings call once, never retrying (a drifted retry or timeout setting).
     */
    public Out onlyInstance(String instance) {
      this.retryingInstance = instance;
      return this;
    }

    /** Sets the share of database calls that fail. */
    public Out errorRate(double rate) {
      this.errorRate = rate;
      return this;
    }
  }

  /** A message queue: every consumer takes every message. */
  public static final class Queue {
    final String name;
    final List<Consumer> consumers = new ArrayList<>();

    private Queue(String name) {
      this.name = name;
    }

    /**
     * A consumer service that takes messages one after the other, at most {@code perWindow} per
     * window, spending {@code selfMs} on each.
     */
    public Consumer consumedBy(String service, String operation, double selfMs, int perWindow) {
      Consumer consumer = new Consumer(service, operation, selfMs, perWindow);
      consumers.add(consumer);
      return consumer;
    }
  }

  /** A consumer of a queue; mutable, so a test can slow it down or stop it between windows. */
  public static final class Consumer {
    final String service;
    final String operation;
    double selfMs;
    int perWindow;
    double freeAtMs;
    final PriorityQueue<Long> backlog = new PriorityQueue<>();

    private Consumer(String service, String operation, double selfMs, int perWindow) {
      this.service = service;
      this.operation = operation;
      this.selfMs = selfMs;
      this.perWindow = perWindow;
    }

    /** Sets how many messages it can take per window (0: stopped). */
    public Consumer perWindow(int messages) {
      this.perWindow = messages;
      return this;
    }

    /** Sets the mean time it spends on a message (ms). */
    public Consumer selfMs(double ms) {
      this.selfMs = ms;
      return this;
    }

    /** Messages waiting for it. */
    public int backlog() {
      return backlog.size();
    }
  }
}
