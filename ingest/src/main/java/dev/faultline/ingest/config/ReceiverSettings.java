package dev.faultline.ingest.config;

import static java.util.Objects.requireNonNull;

/**
 * Settings of the OTLP receiver.
 *
 * @param host bind address
 * @param httpPort OTLP/HTTP port, 0 for a free one
 * @param grpcPort OTLP/gRPC port, 0 for a free one
 * @param maxRequestBytes largest accepted body after decompression
 * @param ackTimeoutMs how long to wait for Kafka's acknowledgement
 * @param threads threads serving HTTP requests
 * @param topic where requests are written
 */
public record ReceiverSettings(
    String host,
    int httpPort,
    int grpcPort,
    int maxRequestBytes,
    long ackTimeoutMs,
    int threads,
    String topic) {

  public ReceiverSettings {
    requireNonNull(host, "host");
    requireNonNull(topic, "topic");
  }
}
