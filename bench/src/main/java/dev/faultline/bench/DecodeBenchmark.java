package dev.faultline.bench;

import dev.faultline.ingest.otlp.OtlpDecodeException;
import dev.faultline.ingest.otlp.OtlpDecoder;
import dev.faultline.ingest.otlp.OtlpEncoding;
import dev.faultline.ingest.otlp.OtlpJsonDecoder;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/** OTLP decoding of one request of about 100 spans into the OTLP objects, protobuf and JSON. */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class DecodeBenchmark {
  private final OtlpDecoder decoder = new OtlpDecoder();
  private final OtlpJsonDecoder jsonDecoder = new OtlpJsonDecoder();
  private List<byte[]> protobuf;
  private List<byte[]> json;
  private int next;

  @Setup
  public void setUp() {
    protobuf = Traffic.get().protobuf;
    json = Traffic.get().json;
  }

  /** The requests in turn, so that no one request's shape is all the JIT sees. */
  private int next() {
    int i = next;
    next = i + 1 == protobuf.size() ? 0 : i + 1;
    return i;
  }

  @Benchmark
  public ExportTraceServiceRequest protobuf() throws OtlpDecodeException {
    return decoder.decode(protobuf.get(next()), OtlpEncoding.PROTOBUF);
  }

  @Benchmark
  public ExportTraceServiceRequest json() throws OtlpDecodeException {
    return jsonDecoder.decode(json.get(next()));
  }
}
