package dev.faultline.bench;

import dev.faultline.ingest.config.IngestConfig;
import dev.faultline.ingest.config.NormalizerSettings;
import dev.faultline.ingest.normalize.Normalized;
import dev.faultline.ingest.normalize.ProtobufSpanReader;
import dev.faultline.ingest.normalize.SpanNormalizer;
import dev.faultline.ingest.otlp.OtlpDecodeException;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * Normalising one request of about 100 spans into span records: ingest's wire reader straight from
 * the protobuf bytes, and the object path ({@code SpanNormalizer}) from already decoded OTLP
 * objects, as JSON input takes it (add {@code DecodeBenchmark.json} for the whole JSON path).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class NormaliseBenchmark {
  private List<byte[]> protobuf;
  private List<ExportTraceServiceRequest> requests;
  private ProtobufSpanReader reader;
  private SpanNormalizer normalizer;
  private int next;

  @Setup
  public void setUp() {
    protobuf = Traffic.get().protobuf;
    requests = Traffic.get().requests;
    NormalizerSettings settings = new IngestConfig(Map.of()).normalizer();
    reader = new ProtobufSpanReader(settings);
    normalizer = new SpanNormalizer(settings);
  }

  private int next() {
    int i = next;
    next = i + 1 == protobuf.size() ? 0 : i + 1;
    return i;
  }

  @Benchmark
  public Normalized wireReader() throws OtlpDecodeException {
    return reader.read(protobuf.get(next()), Traffic.RECORD_TIMESTAMP_MS);
  }

  @Benchmark
  public Normalized objectPath() {
    return normalizer.normalize(requests.get(next()), Traffic.RECORD_TIMESTAMP_MS);
  }
}
