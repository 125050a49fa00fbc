package dev.faultline.ingest.receiver;

import static java.util.Objects.requireNonNull;

import dev.faultline.ingest.config.ReceiverSettings;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.util.Map;

/**
 * The OTLP receiver: OTLP/HTTP and OTLP/gRPC endpoints that write every request to the input topic
 * and acknowledge it once Kafka has it.
 */
public final class OtlpReceiver implements AutoCloseable {
  private final RequestWriter writer;
  private final OtlpHttpReceiver http;
  private final OtlpGrpcReceiver grpc;

  private OtlpReceiver(RequestWriter writer, OtlpHttpReceiver http, OtlpGrpcReceiver grpc) {
    this.writer = writer;
    this.http = http;
    this.grpc = grpc;
  }

  /**
   * Starts both endpoints.
   *
   * @param settings ports, limits and the topic
   * @param kafkaClientConfig client settings (bootstrap servers, security) for the producer
   * @param registry where the receiver's counters go
   */
  public static OtlpReceiver start(
      ReceiverSettings settings, Map<String, Object> kafkaClientConfig, MeterRegistry registry)
      throws IOException {
    requireNonNull(settings, "settings");
    RequestWriter writer =
        RequestWriter.create(kafkaClientConfig, settings.topic(), settings.ackTimeoutMs());
    ExportService service = new ExportService(writer, settings.ackTimeoutMs(), registry);
    OtlpHttpReceiver http = null;
    OtlpGrpcReceiver grpc = null;
    try {
      http = new OtlpHttpReceiver(service, settings);
      grpc = new OtlpGrpcReceiver(service, settings);
      http.start();
      grpc.start();
      return new OtlpReceiver(writer, http, grpc);
    } catch (IOException | RuntimeException e) {
      if (http != null) {
        http.close();
      }
      if (grpc != null) {
        grpc.close();
      }
      writer.close();
      throw e;
    }
  }

  /** Port of OTLP/HTTP. */
  public int httpPort() {
    return http.port();
  }

  /** Port of OTLP/gRPC. */
  public int grpcPort() {
    return grpc.port();
  }

  /** Stops taking requests, lets the ones in flight finish, then closes the producer. */
  @Override
  public void close() {
    grpc.close();
    http.close();
    writer.close();
  }
}
