package dev.faultline.schemas.serde;

import dev.faultline.schemas.proto.GraphRecord;
import dev.faultline.schemas.proto.SpanBatch;
import dev.faultline.schemas.proto.WindowPartial;
import org.apache.kafka.common.serialization.Serde;

/** The serdes of Faultline's own records. */
public final class Serdes {
  private Serdes() {}

  /** Values of {@code faultline.spans}; written by {@link SpanBatchWriter}, ingest's hot path. */
  public static Serde<SpanBatch> spanBatch() {
    return new ProtobufSerde<>(SpanBatch.parser(), SpanBatch.class, SpanBatchWriter::toByteArray);
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
