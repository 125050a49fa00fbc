package dev.faultline.ingest.config;

import static java.util.Objects.requireNonNull;

import org.apache.kafka.common.config.types.Password;

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
 * @param authToken the token requests must carry, or null for none (prints as {@code [hidden]})
 * @param authHeader the header that carries it
 * @param rateLimit requests a second per client address, 0 for no limit
 */
public record ReceiverSettings(
    String host,
    int httpPort,
    int grpcPort,
    int maxRequestBytes,
    long ackTimeoutMs,
    int threads,
    String topic,
    Password authToken,
    String authHeader,
    double rateLimit) {

  public ReceiverSettings {
    requireNonNull(host, "host");
    requireNonNull(topic, "topic");
    requireNonNull(authHeader, "authHeader");
  }

  /** Settings without authentication or rate limit. */
  public ReceiverSettings(
      String host,
      int httpPort,
      int grpcPort,
      int maxRequestBytes,
      long ackTimeoutMs,
      int threads,
      String topic) {
    this(
        host,
        httpPort,
        grpcPort,
        maxRequestBytes,
        ackTimeoutMs,
        threads,
        topic,
        null,
        "Authorization",
        0);
  }
}
