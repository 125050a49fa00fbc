package dev.faultline.ingest.otlp;

import com.google.protobuf.InvalidProtocolBufferException;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;

/** Decodes OTLP trace export requests in either encoding. Thread-safe. */
public final class OtlpDecoder {
  private final OtlpJsonDecoder json = new OtlpJsonDecoder();

  /** Decodes {@code bytes} in {@code encoding}. */
  public ExportTraceServiceRequest decode(byte[] bytes, OtlpEncoding encoding)
      throws OtlpDecodeException {
    return switch (encoding) {
      case PROTOBUF -> decodeProtobuf(bytes);
      case JSON -> json.decode(bytes);
    };
  }

  private static ExportTraceServiceRequest decodeProtobuf(byte[] bytes) throws OtlpDecodeException {
    try {
      return ExportTraceServiceRequest.parseFrom(bytes);
    } catch (InvalidProtocolBufferException e) {
      throw new OtlpDecodeException(
          "not an OTLP protobuf ExportTraceServiceRequest: " + e.getMessage(), e);
    }
  }
}
