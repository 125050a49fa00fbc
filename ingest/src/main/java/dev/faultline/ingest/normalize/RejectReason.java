package dev.faultline.ingest.normalize;

/** Why a record or a span went to the dead-letter topic. The code is its header value. */
public enum RejectReason {
  /** The record is not an OTLP trace request in either encoding. */
  UNDECODABLE("undecodable"),
  /** The trace id is not 16 bytes or is all zero. */
  INVALID_TRACE_ID("invalid_trace_id"),
  /** The span id is not 8 bytes or is all zero, or the parent id is not 8 bytes. */
  INVALID_SPAN_ID("invalid_span_id"),
  /** Missing start, end before start, too long, or too far from the record's time. */
  ABSURD_TIMESTAMP("absurd_timestamp"),
  /** A kept attribute value is longer than the limit. */
  OVERSIZE_ATTRIBUTE("oversize_attribute"),
  /** The service or operation name is longer than the limit. */
  OVERSIZE_NAME("oversize_name");

  private final String code;

  RejectReason(String code) {
    this.code = code;
  }

  /** Stable short name, used in DLQ headers and metric tags. */
  public String code() {
    return code;
  }
}
