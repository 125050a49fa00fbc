package dev.faultline.ingest.receiver;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.google.protobuf.CodedOutputStream;
import dev.faultline.ingest.otlp.OtlpEncoding;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * The {@code google.rpc.Status} body that OTLP/HTTP servers answer errors with, in the request's
 * encoding. Only {@code code} (field 1) and {@code message} (field 2) are set.
 */
final class RpcStatus {
  /** gRPC code INVALID_ARGUMENT. */
  static final int INVALID_ARGUMENT = 3;

  /** gRPC code RESOURCE_EXHAUSTED. */
  static final int RESOURCE_EXHAUSTED = 8;

  /** gRPC code UNAUTHENTICATED. */
  static final int UNAUTHENTICATED = 16;

  /** gRPC code UNAVAILABLE. */
  static final int UNAVAILABLE = 14;

  private static final JsonFactory JSON = new JsonFactory();

  private RpcStatus() {}

  static byte[] encode(int code, String message, OtlpEncoding encoding) {
    try {
      ByteArrayOutputStream bytes = new ByteArrayOutputStream();
      if (encoding == OtlpEncoding.JSON) {
        try (JsonGenerator json = JSON.createGenerator(bytes)) {
          json.writeStartObject();
          json.writeNumberField("code", code);
          json.writeStringField("message", message);
          json.writeEndObject();
        }
      } else {
        CodedOutputStream out = CodedOutputStream.newInstance(bytes);
        out.writeInt32(1, code);
        out.writeString(2, message);
        out.flush();
      }
      return bytes.toByteArray();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
