package dev.faultline.ingest.normalize;

import static java.util.Objects.requireNonNull;

import com.google.protobuf.ByteString;
import dev.faultline.ingest.config.NormalizerSettings;
import dev.faultline.schemas.Ids;

/**
 * The rules a span must meet to enter the model: valid ids, plausible times, bounded names and
 * attribute values. Both decoding paths (the OTLP object graph and the protobuf wire reader) ask
 * here, so that a span is judged the same whichever way it arrived.
 */
final class SpanRules {
  private static final long NANOS_PER_MILLI = 1_000_000L;

  private final NormalizerSettings settings;
  private final Problem oversizeAttribute;

  SpanRules(NormalizerSettings settings) {
    this.settings = requireNonNull(settings, "settings");
    this.oversizeAttribute =
        new Problem(
            RejectReason.OVERSIZE_ATTRIBUTE,
            "an attribute value is longer than " + settings.maxAttributeLength() + " characters");
  }

  /**
   * The first rule the span breaks, or {@code null} when it keeps them all. Attribute values are
   * judged later, by {@link #fits}, because only the kept ones count.
   *
   * @param recordTsMs the Kafka record's timestamp; 0 or less skips the age and future checks
   */
  Problem check(
      ByteString traceId,
      ByteString spanId,
      ByteString parentSpanId,
      long startNanos,
      long endNanos,
      String service,
      String name,
      long recordTsMs) {
    if (!Ids.isValidTraceId(traceId)) {
      return new Problem(
          RejectReason.INVALID_TRACE_ID,
          "trace id must be 16 bytes, not all zero; got " + describeId(traceId));
    }
    if (!Ids.isValidSpanId(spanId)) {
      return new Problem(
          RejectReason.INVALID_SPAN_ID,
          "span id must be 8 bytes, not all zero; got " + describeId(spanId));
    }
    int parentLength = parentSpanId.size();
    if (parentLength != 0 && parentLength != Ids.SPAN_ID_BYTES) {
      return new Problem(
          RejectReason.INVALID_SPAN_ID,
          "parent span id must be empty or 8 bytes; got " + parentLength + " bytes");
    }
    Problem times = checkTimes(startNanos, endNanos, recordTsMs);
    if (times != null) {
      return times;
    }
    if (service.length() > settings.maxNameLength()) {
      return new Problem(
          RejectReason.OVERSIZE_NAME,
          "service name has " + service.length() + " characters, over the limit");
    }
    if (name.length() > settings.maxNameLength()) {
      return new Problem(
          RejectReason.OVERSIZE_NAME,
          "operation name has " + name.length() + " characters, over the limit");
    }
    return null;
  }

  private Problem checkTimes(long start, long end, long recordTsMs) {
    if (start <= 0 || end <= 0) {
      return new Problem(RejectReason.ABSURD_TIMESTAMP, "start and end time must be set");
    }
    if (Long.compareUnsigned(end, start) < 0) {
      return new Problem(RejectReason.ABSURD_TIMESTAMP, "span ends before it starts");
    }
    if (end - start > settings.maxSpanDurationMs() * NANOS_PER_MILLI) {
      return new Problem(
          RejectReason.ABSURD_TIMESTAMP,
          "span lasts " + (end - start) / NANOS_PER_MILLI + " ms, over the limit");
    }
    if (recordTsMs > 0) {
      long startMs = start / NANOS_PER_MILLI;
      long endMs = end / NANOS_PER_MILLI;
      if (startMs < recordTsMs - settings.maxSpanAgeMs()) {
        return new Problem(
            RejectReason.ABSURD_TIMESTAMP,
            "span starts " + (recordTsMs - startMs) + " ms before its record's timestamp");
      }
      if (endMs > recordTsMs + settings.maxFutureSkewMs()) {
        return new Problem(
            RejectReason.ABSURD_TIMESTAMP,
            "span ends " + (endMs - recordTsMs) + " ms after its record's timestamp");
      }
    }
    return null;
  }

  /** Whether a kept attribute value is short enough to keep. */
  boolean fits(String attributeValue) {
    return attributeValue.length() <= settings.maxAttributeLength();
  }

  /** The problem of a span with a kept attribute value that does not {@link #fits fit}. */
  Problem oversizeAttribute() {
    return oversizeAttribute;
  }

  /** A link is kept only when both its ids are valid; a bad link does not reject its span. */
  static boolean keepsLink(ByteString traceId, ByteString spanId) {
    return Ids.isValidTraceId(traceId) && Ids.isValidSpanId(spanId);
  }

  /** An empty or all-zero parent id marks a root span; some SDKs send eight zero bytes. */
  static boolean isRoot(ByteString parentSpanId) {
    return Ids.allZero(parentSpanId);
  }

  private static String describeId(ByteString id) {
    if (id.isEmpty()) {
      return "empty";
    }
    return id.size() + " bytes " + (id.size() <= 32 ? Ids.toHex(id) : "");
  }

  /** A broken rule: the reason (the dead-letter header) and what was wrong. */
  record Problem(RejectReason reason, String message) {
    Problem {
      requireNonNull(reason, "reason");
      requireNonNull(message, "message");
    }
  }
}
