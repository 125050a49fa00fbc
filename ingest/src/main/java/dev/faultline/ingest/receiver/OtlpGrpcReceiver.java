package dev.faultline.ingest.receiver;

import static java.util.Objects.requireNonNull;

import dev.faultline.ingest.config.ReceiverSettings;
import dev.faultline.ingest.otlp.OtlpEncoding;
import io.grpc.MethodDescriptor;
import io.grpc.Server;
import io.grpc.ServerServiceDefinition;
import io.grpc.Status;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.ServerCalls;
import io.grpc.stub.StreamObserver;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceResponse;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * OTLP/gRPC: the {@code opentelemetry.proto.collector.trace.v1.TraceService/Export} method.
 *
 * <p>The request is taken as raw bytes so that a malformed message is answered INVALID_ARGUMENT
 * with the reason rather than a transport error; gzip-compressed messages are accepted (grpc-java
 * registers gzip by default). Kafka not taking the request is answered UNAVAILABLE, which OTLP
 * exporters retry.
 */
final class OtlpGrpcReceiver implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(OtlpGrpcReceiver.class);
  static final String SERVICE = "opentelemetry.proto.collector.trace.v1.TraceService";
  private static final String TRANSPORT = "grpc";

  private final ExportService service;
  private final Server server;
  private final ExecutorService executor;

  OtlpGrpcReceiver(ExportService service, ReceiverSettings settings) {
    this.service = requireNonNull(service, "service");
    this.executor =
        Executors.newFixedThreadPool(settings.threads(), OtlpHttpReceiver.threads("otlp-grpc-"));
    MethodDescriptor<byte[], byte[]> export =
        MethodDescriptor.<byte[], byte[]>newBuilder()
            .setType(MethodDescriptor.MethodType.UNARY)
            .setFullMethodName(MethodDescriptor.generateFullMethodName(SERVICE, "Export"))
            .setRequestMarshaller(BytesMarshaller.INSTANCE)
            .setResponseMarshaller(BytesMarshaller.INSTANCE)
            .build();
    ServerServiceDefinition definition =
        ServerServiceDefinition.builder(SERVICE)
            .addMethod(export, ServerCalls.asyncUnaryCall(this::export))
            .build();
    this.server =
        NettyServerBuilder.forAddress(new InetSocketAddress(settings.host(), settings.grpcPort()))
            .maxInboundMessageSize(settings.maxRequestBytes())
            .executor(executor)
            .addService(definition)
            .build();
  }

  void start() throws IOException {
    server.start();
    LOG.info("OTLP/gRPC receiver listening on port {}", server.getPort());
  }

  int port() {
    return server.getPort();
  }

  @Override
  public void close() {
    server.shutdown();
    try {
      if (!server.awaitTermination(5, TimeUnit.SECONDS)) {
        server.shutdownNow();
      }
    } catch (InterruptedException e) {
      server.shutdownNow();
      Thread.currentThread().interrupt();
    }
    executor.shutdown();
  }

  private void export(byte[] request, StreamObserver<byte[]> response) {
    service
        .export(request, OtlpEncoding.PROTOBUF, TRANSPORT)
        .whenComplete(
            (result, error) -> {
              if (result instanceof ExportResult.Accepted) {
                response.onNext(ExportTraceServiceResponse.getDefaultInstance().toByteArray());
                response.onCompleted();
              } else if (result instanceof ExportResult.Invalid invalid) {
                response.onError(
                    Status.INVALID_ARGUMENT.withDescription(invalid.reason()).asRuntimeException());
              } else if (result instanceof ExportResult.TooLarge tooLarge) {
                response.onError(
                    Status.RESOURCE_EXHAUSTED
                        .withDescription(tooLarge.reason())
                        .asRuntimeException());
              } else if (result instanceof ExportResult.Unavailable unavailable) {
                response.onError(
                    Status.UNAVAILABLE.withDescription(unavailable.reason()).asRuntimeException());
              } else {
                response.onError(Status.INTERNAL.withCause(error).asRuntimeException());
              }
            });
  }

  /** Passes message bytes through unparsed. */
  private enum BytesMarshaller implements MethodDescriptor.Marshaller<byte[]> {
    INSTANCE;

    @Override
    public InputStream stream(byte[] value) {
      return new ByteArrayInputStream(value);
    }

    @Override
    public byte[] parse(InputStream stream) {
      try {
        return stream.readAllBytes();
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
  }
}
