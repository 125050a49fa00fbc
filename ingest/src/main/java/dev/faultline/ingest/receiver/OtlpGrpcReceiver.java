package dev.faultline.ingest.receiver;

import static java.util.Objects.requireNonNull;

import dev.faultline.ingest.config.ReceiverSettings;
import dev.faultline.ingest.internal.BearerTokens;
import dev.faultline.ingest.internal.RateLimiter;
import dev.faultline.ingest.otlp.OtlpEncoding;
import io.grpc.Grpc;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.Server;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.ServerInterceptors;
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
import java.net.SocketAddress;
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
            .addService(ServerInterceptors.intercept(definition, new Guard(service, settings)))
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

  /**
   * Refuses a call before its message is read: UNAUTHENTICATED without the configured token,
   * RESOURCE_EXHAUSTED over the client's rate limit.
   */
  private static final class Guard implements ServerInterceptor {
    private final ExportService service;
    private final ReceiverSettings settings;
    private final RateLimiter limiter;
    private final Metadata.Key<String> header;

    Guard(ExportService service, ReceiverSettings settings) {
      this.service = service;
      this.settings = settings;
      this.limiter = RateLimiter.perClient(settings.rateLimit());
      this.header =
          Metadata.Key.of(
              settings.authHeader().toLowerCase(java.util.Locale.ROOT),
              Metadata.ASCII_STRING_MARSHALLER);
    }

    @Override
    public <Q, R> ServerCall.Listener<Q> interceptCall(
        ServerCall<Q, R> call, Metadata headers, ServerCallHandler<Q, R> next) {
      SocketAddress remote = call.getAttributes().get(Grpc.TRANSPORT_ATTR_REMOTE_ADDR);
      String client =
          remote instanceof InetSocketAddress inet && inet.getAddress() != null
              ? inet.getAddress().getHostAddress()
              : String.valueOf(remote);
      long wait = limiter.acquire(client);
      if (wait > 0) {
        service.countRefused(TRANSPORT, new ExportResult.RateLimited(wait));
        call.close(
            Status.RESOURCE_EXHAUSTED.withDescription("too many requests; retry in " + wait + " s"),
            new Metadata());
        return new ServerCall.Listener<>() {};
      }
      if (BearerTokens.required(settings.authToken())) {
        String value = headers.get(header);
        boolean ok =
            settings.authHeader().equalsIgnoreCase("Authorization")
                ? BearerTokens.matchesBearer(value, settings.authToken())
                : BearerTokens.matches(value == null ? null : value.trim(), settings.authToken());
        if (!ok) {
          service.countRefused(TRANSPORT, new ExportResult.Unauthenticated("no valid token"));
          call.close(
              Status.UNAUTHENTICATED.withDescription(
                  "missing or wrong token in metadata " + header.name()),
              new Metadata());
          return new ServerCall.Listener<>() {};
        }
      }
      return next.startCall(call, headers);
    }
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
