package dev.faultline.ingest.simulate;

import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.SpanId;
import io.opentelemetry.api.trace.TraceId;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.propagation.TextMapGetter;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.sdk.common.Clock;
import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.resources.Resource;
import io.opentelemetry.sdk.trace.IdGenerator;
import io.opentelemetry.sdk.trace.ReadWriteSpan;
import io.opentelemetry.sdk.trace.ReadableSpan;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.SpanProcessor;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.samplers.Sampler;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.Consumer;

/**
 * The OpenTelemetry side of the simulation: one SDK tracer provider per service process (its
 * resource names the service, instance and version), W3C trace-context propagation between them,
 * and a batching exporter per process that hands OTLP requests on, as each process's SDK would.
 * Clocks and ids are the simulation's, so a run is deterministic for a seed.
 */
final class Telemetry {
  /** Spans per export request, as the SDK's batch processor sends at most. */
  private static final int MAX_BATCH = 512;

  private static final TextMapGetter<Map<String, String>> GETTER =
      new TextMapGetter<>() {
        @Override
        public Iterable<String> keys(Map<String, String> carrier) {
          return carrier.keySet();
        }

        @Override
        public String get(Map<String, String> carrier, String key) {
          return carrier == null ? null : carrier.get(key);
        }
      };

  private final EventLoop loop;
  private final long startEpochNanos;
  private final Consumer<ExportTraceServiceRequest> sink;
  private final IdGenerator ids;
  private final Clock clock;
  private final List<Process> processes = new ArrayList<>();
  private long spans;

  Telemetry(
      EventLoop loop, long startEpochNanos, long seed, Consumer<ExportTraceServiceRequest> sink) {
    this.loop = loop;
    this.startEpochNanos = startEpochNanos;
    this.sink = sink;
    SplittableRandom random = new SplittableRandom(seed ^ 0x5DEECE66DL);
    this.ids =
        new IdGenerator() {
          @Override
          public String generateSpanId() {
            long id;
            do {
              id = random.nextLong();
            } while (id == 0);
            return SpanId.fromLong(id);
          }

          @Override
          public String generateTraceId() {
            long high = random.nextLong();
            long low;
            do {
              low = random.nextLong();
            } while (low == 0 && high == 0);
            return TraceId.fromLongs(high, low);
          }
        };
    this.clock =
        new Clock() {
          @Override
          public long now() {
            return epochNanos(loop.now());
          }

          @Override
          public long nanoTime() {
            return loop.now() * 1_000L;
          }
        };
  }

  /** Epoch nanoseconds of virtual time now. */
  long nowNanos() {
    return epochNanos(loop.now());
  }

  /** Epoch nanoseconds of virtual time {@code micros}. */
  long epochNanos(long micros) {
    return startEpochNanos + micros * 1_000L;
  }

  /** A new process (a service instance at one version) with its own SDK. */
  Process process(String service, String instanceId, String version, String host) {
    Process process = new Process(service, instanceId, version, host);
    processes.add(process);
    return process;
  }

  /** The remote parent carried in {@code carrier}. */
  static Context extract(Map<String, String> carrier) {
    return W3CTraceContextPropagator.getInstance().extract(Context.root(), carrier, GETTER);
  }

  /** Headers carrying {@code context} to another process. */
  static Map<String, String> inject(Context context) {
    Map<String, String> carrier = new HashMap<>(2);
    W3CTraceContextPropagator.getInstance().inject(context, carrier, Map::put);
    return carrier;
  }

  /** Exports what each process has buffered; with {@code all}, also partial batches. */
  void flush() {
    for (Process process : processes) {
      process.export();
    }
  }

  long spans() {
    return spans;
  }

  /** Ends every SDK. */
  void close() {
    flush();
    for (Process process : processes) {
      process.provider.close();
    }
  }

  /** A service process: its SDK, its tracer, and the spans it has ended but not exported yet. */
  final class Process implements SpanProcessor {
    final Tracer tracer;
    private final SdkTracerProvider provider;
    private final List<SpanData> buffer = new ArrayList<>();

    private Process(String service, String instanceId, String version, String host) {
      Resource resource =
          Resource.getDefault()
              .merge(
                  Resource.create(
                      Attributes.builder()
                          .put("service.name", service)
                          .put("service.instance.id", instanceId)
                          .put("service.version", version)
                          .put("host.name", host)
                          .build()));
      this.provider =
          SdkTracerProvider.builder()
              .setResource(resource)
              .setClock(clock)
              .setIdGenerator(ids)
              .setSampler(Sampler.alwaysOn())
              .addSpanProcessor(this)
              .build();
      this.tracer = provider.get("dev.faultline.simulator", "1.0");
    }

    @Override
    public void onStart(Context parentContext, ReadWriteSpan span) {}

    @Override
    public boolean isStartRequired() {
      return false;
    }

    @Override
    public void onEnd(ReadableSpan span) {
      buffer.add(span.toSpanData());
      spans++;
      if (buffer.size() >= MAX_BATCH) {
        export();
      }
    }

    @Override
    public boolean isEndRequired() {
      return true;
    }

    @Override
    public CompletableResultCode shutdown() {
      return CompletableResultCode.ofSuccess();
    }

    void export() {
      if (!buffer.isEmpty()) {
        sink.accept(OtlpMapping.request(buffer));
        buffer.clear();
      }
    }
  }
}
