package dev.faultline.schemas.serde;

import com.google.protobuf.InvalidProtocolBufferException;
import dev.faultline.schemas.proto.GraphRecord;
import dev.faultline.schemas.proto.SpanBatch;
import dev.faultline.schemas.proto.WindowPartial;
import dev.faultline.schemas.span.TraceSpans;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serializer;

/** The serdes of Faultline's own records. */
public final class Serdes {
  private Serdes() {}

  /** Values of {@code faultline.spans}; written by {@link SpanBatchWriter}, ingest's hot path. */
  public static Serde<SpanBatch> spanBatch() {
    return new ProtobufSerde<>(SpanBatch.parser(), SpanBatch.class, SpanBatchWriter::toByteArray);
  }

  /**
   * Values of {@code faultline.spans} as ingest writes them: the spans of one trace, written as a
   * {@code SpanBatch} message by {@link SpanBatchWriter}; read back with the generated parser (the
   * analyzer reads this topic with its own, faster reader).
   */
  public static Serde<TraceSpans> traceSpans() {
    Serializer<TraceSpans> serializer =
        (topic, value) -> value == null ? null : SpanBatchWriter.toByteArray(value);
    Deserializer<TraceSpans> deserializer =
        (topic, bytes) -> {
          if (bytes == null) {
            return null;
          }
          try {
            return TraceSpans.of(SpanBatch.parseFrom(bytes));
          } catch (InvalidProtocolBufferException e) {
            throw new SerializationException("not a SpanBatch", e);
          }
        };
    return org.apache.kafka.common.serialization.Serdes.serdeFrom(serializer, deserializer);
  }

  /** Values of the graph-partials repartition topic. */
  public static Serde<WindowPartial> windowPartial() {
    return new ProtobufSerde<>(WindowPartial.parser(), WindowPartial.class);
  }

  /** Values of {@code faultline.graph}. */
  public static Serde<GraphRecord> graphRecord() {
    return new ProtobufSerde<>(GraphRecord.parser(), GraphRecord.class);
  }
}
