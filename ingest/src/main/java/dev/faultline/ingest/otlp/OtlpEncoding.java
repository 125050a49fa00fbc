package dev.faultline.ingest.otlp;

import java.util.Locale;

/** The two OTLP encodings: binary protobuf and the OTLP flavour of protobuf JSON. */
public enum OtlpEncoding {
  PROTOBUF("application/x-protobuf"),
  JSON("application/json");

  /** Name of the Kafka record header that carries the encoding's media type. */
  public static final String CONTENT_TYPE_HEADER = "content-type";

  private final String mediaType;

  OtlpEncoding(String mediaType) {
    this.mediaType = mediaType;
  }

  /** The media type, as in an HTTP Content-Type or a Kafka content-type header. */
  public String mediaType() {
    return mediaType;
  }

  /**
   * The encoding named by a content type, or {@code null} when it names neither. Parameters such as
   * {@code ; charset=utf-8} are ignored; {@code application/protobuf} is accepted too.
   */
  public static OtlpEncoding fromContentType(String contentType) {
    if (contentType == null) {
      return null;
    }
    String type = contentType;
    int semicolon = type.indexOf(';');
    if (semicolon >= 0) {
      type = type.substring(0, semicolon);
    }
    type = type.trim().toLowerCase(Locale.ROOT);
    return switch (type) {
      case "application/x-protobuf", "application/protobuf", "application/octet-stream" -> PROTOBUF;
      case "application/json", "text/json" -> JSON;
      default -> null;
    };
  }

  /**
   * Detects the encoding from the content type when it names one, else from the bytes: an OTLP JSON
   * document starts with '{' after optional white space, which no valid {@code
   * ExportTraceServiceRequest} does (0x7b would be field 15 opening a group).
   */
  public static OtlpEncoding detect(String contentType, byte[] bytes) {
    OtlpEncoding declared = fromContentType(contentType);
    if (declared != null) {
      return declared;
    }
    for (byte b : bytes) {
      if (b == ' ' || b == '\n' || b == '\r' || b == '\t') {
        continue;
      }
      return b == '{' ? JSON : PROTOBUF;
    }
    return PROTOBUF;
  }
}
