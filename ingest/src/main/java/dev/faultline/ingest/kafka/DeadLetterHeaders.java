package dev.faultline.ingest.kafka;

import java.nio.charset.StandardCharsets;
import org.apache.kafka.common.header.Headers;

/** Names of the headers that every dead-letter record carries, and how they are written. */
public final class DeadLetterHeaders {
  /** Short reason code, e.g. {@code undecodable} or {@code invalid_trace_id}. */
  public static final String REASON = "faultline.dlq.reason";

  /** Human-readable description of the error. */
  public static final String MESSAGE = "faultline.dlq.message";

  /** Topic the bad input came from. */
  public static final String SOURCE_TOPIC = "faultline.dlq.source.topic";

  /** Partition the bad input came from. */
  public static final String SOURCE_PARTITION = "faultline.dlq.source.partition";

  /** Offset of the bad input. */
  public static final String SOURCE_OFFSET = "faultline.dlq.source.offset";

  /** Timestamp of the bad input's record, in epoch milliseconds. */
  public static final String SOURCE_TIMESTAMP = "faultline.dlq.source.timestamp";

  /** Number of spans in the value, for rejected spans (absent for undecodable records). */
  public static final String SPAN_COUNT = "faultline.dlq.span.count";

  private static final int MAX_MESSAGE_LENGTH = 1_000;

  private DeadLetterHeaders() {}

  /** Replaces {@code name} with the UTF-8 text {@code value}. */
  public static void put(Headers headers, String name, String value) {
    headers.remove(name);
    headers.add(name, value.getBytes(StandardCharsets.UTF_8));
  }

  /** Writes the headers that name the error and the source position. */
  public static void describe(
      Headers headers,
      String reason,
      String message,
      String topic,
      int partition,
      long offset,
      long timestamp) {
    put(headers, REASON, reason);
    put(
        headers,
        MESSAGE,
        message.length() > MAX_MESSAGE_LENGTH ? message.substring(0, MAX_MESSAGE_LENGTH) : message);
    put(headers, SOURCE_TOPIC, topic);
    put(headers, SOURCE_PARTITION, Integer.toString(partition));
    put(headers, SOURCE_OFFSET, Long.toString(offset));
    put(headers, SOURCE_TIMESTAMP, Long.toString(timestamp));
  }

  /** The UTF-8 text of the last header named {@code name}, or {@code null}. */
  public static String get(Headers headers, String name) {
    var header = headers.lastHeader(name);
    return header == null || header.value() == null
        ? null
        : new String(header.value(), StandardCharsets.UTF_8);
  }
}
