package dev.faultline.bench;

import dev.faultline.ingest.normalize.SpanBatchReader;
import dev.faultline.schemas.incident.Incident;
import dev.faultline.schemas.incident.IncidentJson;
import dev.faultline.schemas.serde.Serdes;
import dev.faultline.schemas.span.TraceSpans;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serializer;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * The serdes of the internal topics: a {@code SpanBatch} (one trace's spans from one request, as
 * ingest writes them to {@code faultline.spans}) through the topic's serde both ways, and an
 * incident as JSON both ways ({@code incident.json}: an incident of the deep-latency scenario as
 * {@code faultline replay} wrote it).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class SerdeBenchmark {
  private static final String TOPIC = "faultline.spans";

  private List<TraceSpans> batches;
  private List<byte[]> encoded;
  private Serializer<TraceSpans> serializer;
  private Deserializer<TraceSpans> deserializer;
  private final SpanBatchReader reader = new SpanBatchReader();
  private Incident incident;
  private byte[] incidentJson;
  private int next;

  @Setup
  public void setUp() throws IOException {
    batches = Traffic.get().batches;
    serializer = Serdes.traceSpans().serializer();
    deserializer = Serdes.traceSpans().deserializer();
    encoded = batches.stream().map(b -> serializer.serialize(TOPIC, b)).toList();
    try (InputStream in = SerdeBenchmark.class.getResourceAsStream("incident.json")) {
      if (in == null) {
        throw new UncheckedIOException(new IOException("incident.json is not on the class path"));
      }
      incidentJson = in.readAllBytes();
    }
    incident = IncidentJson.read(incidentJson);
    incidentJson = IncidentJson.write(incident);
    double spans = batches.stream().mapToInt(b -> b.spans().size()).average().orElse(0);
    System.out.printf(
        "(%d batches of %.1f spans on average, %.0f bytes; incident JSON %d bytes)%n",
        batches.size(),
        spans,
        encoded.stream().mapToInt(b -> b.length).average().orElse(0),
        incidentJson.length);
  }

  private int next() {
    int i = next;
    next = i + 1 == batches.size() ? 0 : i + 1;
    return i;
  }

  @Benchmark
  public byte[] spanBatchSerialize() {
    return serializer.serialize(TOPIC, batches.get(next()));
  }

  @Benchmark
  public TraceSpans spanBatchParse() {
    return deserializer.deserialize(TOPIC, encoded.get(next()));
  }

  /** The reader trace assembly uses for {@code faultline.spans} and the trace store. */
  @Benchmark
  public TraceSpans spanBatchRead() throws IOException {
    return reader.read(encoded.get(next()));
  }

  @Benchmark
  public byte[] incidentWrite() {
    return IncidentJson.write(incident);
  }

  @Benchmark
  public Incident incidentRead() throws IOException {
    return IncidentJson.read(incidentJson);
  }
}
