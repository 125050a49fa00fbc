package dev.faultline.cli.bench;

import com.google.protobuf.ByteString;
import dev.faultline.analyzer.query.SaramaCompatPartitioner;
import dev.faultline.schemas.Ids;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import io.opentelemetry.proto.trace.v1.Span;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Consumer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * Splits a request the way the collector's {@code kafkaexporter} does with {@code
 * partition_traces_by_id: true}: one request per trace, holding that trace's spans under their
 * resource and scope, keyed by the trace id in hex.
 */
final class CollectorSplit {
  private CollectorSplit() {}

  /**
   * Sends each request as the collector would with {@code partition_traces_by_id: true}: one record
   * per trace, keyed by its id in hex, on the partition the collector's partitioner picks.
   */
  static Consumer<ExportTraceServiceRequest> keyedSink(
      Producer<byte[], byte[]> producer, String topic, int partitions) {
    return request -> sendKeyed(producer, topic, partitions, request);
  }

  /** Sends one request as {@link #keyedSink} does; returns how many records that made. */
  static int sendKeyed(
      Producer<byte[], byte[]> producer,
      String topic,
      int partitions,
      ExportTraceServiceRequest request) {
    Map<String, ExportTraceServiceRequest> traces = byTrace(request);
    for (Map.Entry<String, ExportTraceServiceRequest> trace : traces.entrySet()) {
      String key = trace.getKey();
      producer.send(
          new ProducerRecord<>(
              topic,
              SaramaCompatPartitioner.partition(key, partitions),
              key.getBytes(StandardCharsets.UTF_8),
              trace.getValue().toByteArray()));
    }
    return traces.size();
  }

  static Map<String, ExportTraceServiceRequest> byTrace(ExportTraceServiceRequest request) {
    Map<ByteString, ExportTraceServiceRequest.Builder> traces = new LinkedHashMap<>();
    for (ResourceSpans resource : request.getResourceSpansList()) {
      for (ScopeSpans scope : resource.getScopeSpansList()) {
        Map<ByteString, ScopeSpans.Builder> here = new LinkedHashMap<>();
        for (Span span : scope.getSpansList()) {
          here.computeIfAbsent(
                  span.getTraceId(), id -> ScopeSpans.newBuilder().setScope(scope.getScope()))
              .addSpans(span);
        }
        here.forEach(
            (traceId, spans) ->
                traces
                    .computeIfAbsent(traceId, id -> ExportTraceServiceRequest.newBuilder())
                    .addResourceSpans(
                        ResourceSpans.newBuilder()
                            .setResource(resource.getResource())
                            .setSchemaUrl(resource.getSchemaUrl())
                            .addScopeSpans(spans)));
      }
    }
    Map<String, ExportTraceServiceRequest> out = new LinkedHashMap<>();
    traces.forEach((id, built) -> out.put(Ids.toHex(id), built.build()));
    return out;
  }
}
