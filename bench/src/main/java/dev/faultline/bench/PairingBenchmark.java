package dev.faultline.bench;

import com.google.protobuf.ByteString;
import dev.faultline.analyzer.trace.Call;
import dev.faultline.analyzer.trace.Pairing;
import dev.faultline.analyzer.trace.TraceModel;
import dev.faultline.analyzer.trace.Visit;
import dev.faultline.schemas.span.SpanRecord;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.infra.Blackhole;

/**
 * Trace assembly's pure part for one trace of about 20 spans (the simulated trace closest to 20)
 * arriving in one batch: adding it to a fresh {@link TraceModel}, pairing it, then closing it and
 * pairing what is left, as the pairing timeout does.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class PairingBenchmark {
  private List<SpanRecord> spans;
  private ByteString traceId;

  @Setup
  public void setUp() {
    spans = Traffic.get().traceOfAbout(20);
    traceId = spans.get(0).getTraceId();
    System.out.printf("(pairing a trace of %d spans)%n", spans.size());
  }

  @Benchmark
  public TraceModel pairTrace(Blackhole blackhole) {
    Pairing.Sink sink =
        new Pairing.Sink() {
          @Override
          public void call(Call call) {
            blackhole.consume(call);
          }

          @Override
          public void visit(Visit visit) {
            blackhole.consume(visit);
          }
        };
    TraceModel model = new TraceModel(traceId);
    model.add(spans, Traffic.RECORD_TIMESTAMP_MS, 10_000);
    Pairing.run(model, sink);
    model.markClosed();
    Pairing.run(model, sink);
    return model;
  }
}
