package dev.faultline.schemas.serde;

import dev.faultline.schemas.proto.SpanBatch;
import org.apache.kafka.common.serialization.Serde;

/** The serdes of Faultline's own records. */
public final class Serdes {
  private Serdes() {}

  /** Values of {@code faultline.spans}; written by {@link SpanBatchWriter}, ingest's hot path. */
  public static Serde<SpanBatch> spanBatch() {
    return new ProtobufSerde<>(SpanBatch.parser(), SpanBatch.class, SpanBatchWriter::toByteArray);
  }
}
