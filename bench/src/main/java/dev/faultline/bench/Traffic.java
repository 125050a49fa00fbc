package dev.faultline.bench;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.protobuf.ByteString;
import dev.faultline.analyzer.trace.Call;
import dev.faultline.analyzer.trace.Pairing;
import dev.faultline.analyzer.trace.TraceModel;
import dev.faultline.analyzer.trace.Visit;
import dev.faultline.ingest.config.IngestConfig;
import dev.faultline.ingest.config.NormalizerSettings;
import dev.faultline.ingest.normalize.Normalized;
import dev.faultline.ingest.normalize.ProtobufSpanReader;
import dev.faultline.ingest.otlp.OtlpDecodeException;
import dev.faultline.ingest.otlp.OtlpJsonEncoder;
import dev.faultline.ingest.simulate.Scenario;
import dev.faultline.ingest.simulate.ScenarioReader;
import dev.faultline.ingest.simulate.Simulator;
import dev.faultline.schemas.span.SpanRecord;
import dev.faultline.schemas.span.TraceSpans;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Realistic inputs, made once per JVM: {@value #SECONDS} s of {@code storefront-deep-latency}
 * (healthy part) through the simulator, its exports merged into requests of about {@value
 * #SPANS_PER_REQUEST} spans as a collector's batch processor sends them, then normalised by
 * ingest's wire reader. The scenario directory is {@code -Dfaultline.scenarios} (default {@code
 * scenarios}, the repository's, when run from its root).
 */
final class Traffic {
  static final int SECONDS = 20;
  static final int SPANS_PER_REQUEST = 100;

  /** Virtual time zero of the simulation (as {@code faultline simulate} without --realtime). */
  static final long START_MS = 1_767_225_600_000L; // 2026-01-01T00:00:00Z

  /** The record timestamp the requests are normalised with: within the run. */
  static final long RECORD_TIMESTAMP_MS = START_MS + SECONDS * 1_000L;

  private static Traffic instance;

  /** Requests of about {@value #SPANS_PER_REQUEST} spans, in the order they were exported. */
  final List<ExportTraceServiceRequest> requests;

  /** The same requests as protobuf bytes. */
  final List<byte[]> protobuf;

  /** The same requests as OTLP JSON. */
  final List<byte[]> json;

  /** What ingest makes of them: one batch per trace per request. */
  final List<TraceSpans> batches;

  /** Every span of each trace, in arrival order. */
  final Map<ByteString, List<SpanRecord>> traces;

  private Traffic() {
    Scenario scenario = scenario();
    List<ExportTraceServiceRequest> exports = Simulator.collect(scenario, START_MS);
    requests = regroup(exports);
    protobuf = requests.stream().map(ExportTraceServiceRequest::toByteArray).toList();
    OtlpJsonEncoder encoder = new OtlpJsonEncoder();
    json = requests.stream().map(encoder::encode).toList();
    NormalizerSettings settings = new IngestConfig(Map.of()).normalizer();
    ProtobufSpanReader reader = new ProtobufSpanReader(settings);
    List<TraceSpans> out = new ArrayList<>();
    Map<ByteString, List<SpanRecord>> byTrace = new LinkedHashMap<>();
    for (byte[] bytes : protobuf) {
      Normalized normalized;
      try {
        normalized = reader.read(bytes, RECORD_TIMESTAMP_MS);
      } catch (OtlpDecodeException e) {
        throw new IllegalStateException("the simulator's own output did not decode", e);
      }
      if (normalized.rejectedSpans() > 0) {
        throw new IllegalStateException(
            normalized.rejectedSpans() + " spans rejected: " + normalized.rejections());
      }
      for (TraceSpans batch : normalized.traces()) {
        out.add(batch);
        byTrace.computeIfAbsent(batch.traceId(), k -> new ArrayList<>()).addAll(batch.spans());
      }
    }
    batches = List.copyOf(out);
    traces = byTrace;
    System.out.printf(
        "(traffic: %d requests of %d spans, %.0f bytes protobuf and %.0f bytes JSON on average;"
            + " %d traces)%n",
        requests.size(),
        SPANS_PER_REQUEST,
        protobuf.stream().mapToInt(b -> b.length).average().orElse(0),
        json.stream().mapToInt(b -> b.length).average().orElse(0),
        traces.size());
  }

  static synchronized Traffic get() {
    if (instance == null) {
      instance = new Traffic();
    }
    return instance;
  }

  /** The trace whose span count is closest to {@code spans} (the first such). */
  List<SpanRecord> traceOfAbout(int spans) {
    return traces.values().stream()
        .min(Comparator.comparingInt(t -> Math.abs(t.size() - spans)))
        .orElseThrow();
  }

  /** Every call and visit of every trace, in trace order, as trace assembly emits them. */
  Observations observations() {
    List<Call> calls = new ArrayList<>();
    List<Visit> visits = new ArrayList<>();
    Pairing.Sink sink =
        new Pairing.Sink() {
          @Override
          public void call(Call call) {
            calls.add(call);
          }

          @Override
          public void visit(Visit visit) {
            visits.add(visit);
          }
        };
    for (Map.Entry<ByteString, List<SpanRecord>> trace : traces.entrySet()) {
      TraceModel model = new TraceModel(trace.getKey());
      model.add(trace.getValue(), RECORD_TIMESTAMP_MS, Integer.MAX_VALUE);
      Pairing.run(model, sink);
      model.markClosed();
      Pairing.run(model, sink);
    }
    return new Observations(List.copyOf(calls), List.copyOf(visits));
  }

  /** Calls and visits. */
  record Observations(List<Call> calls, List<Visit> visits) {}

  private static Scenario scenario() {
    Path file =
        Path.of(System.getProperty("faultline.scenarios", "scenarios"))
            .resolve("storefront-deep-latency.json");
    try {
      ObjectNode merged = ScenarioReader.merged(file);
      merged.put("durationSeconds", SECONDS);
      return ScenarioReader.read(
          new ByteArrayInputStream(merged.toString().getBytes(StandardCharsets.UTF_8)),
          file.toString());
    } catch (IOException e) {
      throw new UncheckedIOException(
          "cannot read "
              + file.toAbsolutePath()
              + " (run from the repository root or set"
              + " -Dfaultline.scenarios)",
          e);
    }
  }

  /**
   * The exports' spans regrouped, in order, into requests of {@value #SPANS_PER_REQUEST} spans
   * under their own resource and scope, as a collector's batch processor sends them (an SDK export
   * of a busy process holds many more).
   */
  private static List<ExportTraceServiceRequest> regroup(List<ExportTraceServiceRequest> exports) {
    List<ExportTraceServiceRequest> out = new ArrayList<>();
    ExportTraceServiceRequest.Builder current = ExportTraceServiceRequest.newBuilder();
    int spans = 0;
    for (ExportTraceServiceRequest export : exports) {
      for (ResourceSpans resource : export.getResourceSpansList()) {
        for (ScopeSpans scope : resource.getScopeSpansList()) {
          ScopeSpans.Builder part = null;
          for (io.opentelemetry.proto.trace.v1.Span span : scope.getSpansList()) {
            if (part == null) {
              part = scope.toBuilder().clearSpans();
            }
            part.addSpans(span);
            if (++spans == SPANS_PER_REQUEST) {
              current.addResourceSpans(resource.toBuilder().clearScopeSpans().addScopeSpans(part));
              out.add(current.build());
              current = ExportTraceServiceRequest.newBuilder();
              spans = 0;
              part = null;
            }
          }
          if (part != null) {
            current.addResourceSpans(resource.toBuilder().clearScopeSpans().addScopeSpans(part));
          }
        }
      }
    }
    if (out.isEmpty()) {
      throw new IllegalStateException(
          "the simulation made fewer than " + SPANS_PER_REQUEST + " spans");
    }
    return List.copyOf(out);
  }
}
