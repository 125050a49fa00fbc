package dev.faultline.ingest.receiver;

import static java.util.Objects.requireNonNull;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.faultline.ingest.config.ReceiverSettings;
import dev.faultline.ingest.internal.BearerTokens;
import dev.faultline.ingest.internal.RateLimiter;
import dev.faultline.ingest.otlp.OtlpEncoding;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceResponse;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.zip.GZIPInputStream;
import java.util.zip.ZipException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * OTLP/HTTP: {@code POST /v1/traces} with a protobuf or JSON body, optionally gzip-compressed.
 *
 * <p>Answers as the OTLP specification asks: 200 with an {@code ExportTraceServiceResponse} in the
 * request's encoding once Kafka acknowledged; 400 for a malformed body, 413 for one over the limit,
 * 415 for an unknown media type or content encoding, all with a {@code google.rpc.Status}; 503 with
 * {@code Retry-After} when Kafka cannot take the request, which exporters retry. With a token
 * configured, a request without it gets 401 with {@code WWW-Authenticate}; with a rate limit, a
 * client over it gets 429 with {@code Retry-After}.
 */
final class OtlpHttpReceiver implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(OtlpHttpReceiver.class);
  private static final String PATH = "/v1/traces";
  private static final String TRANSPORT = "http";
  private static final int RETRY_AFTER_SECONDS = 1;
  private static final long DRAIN_LIMIT_BYTES = 256L * 1024 * 1024;

  private final ExportService service;
  private final ReceiverSettings settings;
  private final HttpServer server;
  private final ExecutorService executor;
  private final RateLimiter limiter;

  OtlpHttpReceiver(ExportService service, ReceiverSettings settings) throws IOException {
    this.service = requireNonNull(service, "service");
    this.settings = requireNonNull(settings, "settings");
    this.server =
        HttpServer.create(new InetSocketAddress(settings.host(), settings.httpPort()), 128);
    this.executor = Executors.newFixedThreadPool(settings.threads(), threads("otlp-http-"));
    this.limiter = RateLimiter.perClient(settings.rateLimit());
    server.setExecutor(executor);
    server.createContext("/", this::handle);
  }

  void start() {
    server.start();
    LOG.info("OTLP/HTTP receiver listening on {}", server.getAddress());
  }

  /** The bound port (the configured one, or the free one picked for port 0). */
  int port() {
    return server.getAddress().getPort();
  }

  @Override
  public void close() {
    server.stop(1);
    executor.shutdown();
    try {
      executor.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private void handle(HttpExchange exchange) throws IOException {
    try (exchange) {
      if (!exchange.getRequestURI().getPath().equals(PATH)) {
        sendText(exchange, 404, "not found: OTLP traces are accepted at POST " + PATH);
        return;
      }
      long wait = limiter.acquire(exchange.getRemoteAddress().getAddress().getHostAddress());
      if (wait > 0) {
        drain(exchange.getRequestBody(), DRAIN_LIMIT_BYTES);
        service.countRefused(TRANSPORT, new ExportResult.RateLimited(wait));
        exchange.getResponseHeaders().set("Retry-After", Long.toString(wait));
        send(
            exchange,
            429,
            RpcStatus.encode(
                RpcStatus.RESOURCE_EXHAUSTED, "too many requests; retry later", reply(exchange)),
            reply(exchange));
        return;
      }
      if (BearerTokens.required(settings.authToken()) && !authenticated(exchange)) {
        drain(exchange.getRequestBody(), DRAIN_LIMIT_BYTES);
        service.countRefused(TRANSPORT, new ExportResult.Unauthenticated("no valid token"));
        exchange.getResponseHeaders().set("WWW-Authenticate", "Bearer realm=\"faultline\"");
        send(
            exchange,
            401,
            RpcStatus.encode(
                RpcStatus.UNAUTHENTICATED,
                "missing or wrong token in header " + settings.authHeader(),
                reply(exchange)),
            reply(exchange));
        return;
      }
      if (!exchange.getRequestMethod().equals("POST")) {
        exchange.getResponseHeaders().set("Allow", "POST");
        sendText(exchange, 405, "method not allowed: use POST");
        return;
      }
      String contentType = exchange.getRequestHeaders().getFirst("Content-Type");
      OtlpEncoding encoding = OtlpEncoding.fromContentType(contentType);
      if (encoding == null) {
        refuse(
            exchange,
            415,
            "unsupported media type; send application/x-protobuf or application/json",
            OtlpEncoding.JSON);
        return;
      }
      String contentEncoding = exchange.getRequestHeaders().getFirst("Content-Encoding");
      boolean gzip = contentEncoding != null && contentEncoding.trim().equalsIgnoreCase("gzip");
      if (contentEncoding != null
          && !gzip
          && !contentEncoding.trim().toLowerCase(Locale.ROOT).equals("identity")) {
        refuse(exchange, 415, "unsupported content encoding; send gzip or identity", encoding);
        return;
      }
      String length = exchange.getRequestHeaders().getFirst("Content-Length");
      if (length != null && parseLength(length) > settings.maxRequestBytes() && !gzip) {
        refuseTooLarge(exchange, encoding);
        return;
      }
      byte[] body;
      try {
        // Not closed here: the raw stream may still have to be drained below.
        InputStream in =
            gzip ? new GZIPInputStream(exchange.getRequestBody()) : exchange.getRequestBody();
        body = readLimited(in, settings.maxRequestBytes());
      } catch (ZipException | java.io.EOFException e) {
        drain(exchange.getRequestBody(), DRAIN_LIMIT_BYTES);
        respond(exchange, new ExportResult.Invalid("body is not valid gzip"), encoding);
        return;
      }
      if (body == null) {
        refuseTooLarge(exchange, encoding);
        return;
      }
      ExportResult result;
      try {
        result = service.export(body, encoding, TRANSPORT).get();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        result = new ExportResult.Unavailable("receiver is shutting down");
      } catch (ExecutionException e) {
        result = new ExportResult.Unavailable("internal error: " + e.getCause());
      }
      respond(exchange, result, encoding);
    } catch (IOException e) {
      LOG.debug("OTLP/HTTP exchange failed", e);
    }
  }

  /** The encoding of the request when it names one, else JSON, for error bodies. */
  private static OtlpEncoding reply(HttpExchange exchange) {
    OtlpEncoding encoding =
        OtlpEncoding.fromContentType(exchange.getRequestHeaders().getFirst("Content-Type"));
    return encoding == null ? OtlpEncoding.JSON : encoding;
  }

  private boolean authenticated(HttpExchange exchange) {
    String value = exchange.getRequestHeaders().getFirst(settings.authHeader());
    return settings.authHeader().equalsIgnoreCase("Authorization")
        ? BearerTokens.matchesBearer(value, settings.authToken())
        : BearerTokens.matches(value == null ? null : value.trim(), settings.authToken());
  }

  private void refuseTooLarge(HttpExchange exchange, OtlpEncoding encoding) throws IOException {
    // A response sent while the client still writes its body is often lost to a connection reset;
    // read the rest (up to a bound) first.
    drain(exchange.getRequestBody(), DRAIN_LIMIT_BYTES);
    refuse(
        exchange,
        413,
        "request body is larger than " + settings.maxRequestBytes() + " bytes",
        encoding);
  }

  private void refuse(HttpExchange exchange, int status, String message, OtlpEncoding encoding)
      throws IOException {
    ExportResult result =
        status == 413 ? new ExportResult.TooLarge(message) : new ExportResult.Invalid(message);
    service.countRefused(TRANSPORT, result);
    int code = status == 413 ? RpcStatus.RESOURCE_EXHAUSTED : RpcStatus.INVALID_ARGUMENT;
    send(exchange, status, RpcStatus.encode(code, message, encoding), encoding);
  }

  private static void respond(HttpExchange exchange, ExportResult result, OtlpEncoding encoding)
      throws IOException {
    if (result instanceof ExportResult.Accepted) {
      byte[] body =
          encoding == OtlpEncoding.JSON
              ? "{}".getBytes(StandardCharsets.UTF_8)
              : ExportTraceServiceResponse.getDefaultInstance().toByteArray();
      send(exchange, 200, body, encoding);
    } else if (result instanceof ExportResult.Invalid invalid) {
      send(
          exchange,
          400,
          RpcStatus.encode(RpcStatus.INVALID_ARGUMENT, invalid.reason(), encoding),
          encoding);
    } else if (result instanceof ExportResult.TooLarge tooLarge) {
      send(
          exchange,
          413,
          RpcStatus.encode(RpcStatus.RESOURCE_EXHAUSTED, tooLarge.reason(), encoding),
          encoding);
    } else if (result instanceof ExportResult.Unavailable unavailable) {
      exchange.getResponseHeaders().set("Retry-After", Integer.toString(RETRY_AFTER_SECONDS));
      send(
          exchange,
          503,
          RpcStatus.encode(RpcStatus.UNAVAILABLE, unavailable.reason(), encoding),
          encoding);
    }
  }

  private static void send(HttpExchange exchange, int status, byte[] body, OtlpEncoding encoding)
      throws IOException {
    exchange.getResponseHeaders().set("Content-Type", encoding.mediaType());
    exchange.sendResponseHeaders(status, body.length == 0 ? -1 : body.length);
    if (body.length > 0) {
      exchange.getResponseBody().write(body);
    }
  }

  private static void sendText(HttpExchange exchange, int status, String text) throws IOException {
    byte[] body = text.getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().set("Content-Type", "text/plain; charset=utf-8");
    exchange.sendResponseHeaders(status, body.length);
    exchange.getResponseBody().write(body);
  }

  /** Reads at most {@code limit} bytes; {@code null} when there are more. */
  private static byte[] readLimited(InputStream in, int limit) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream(Math.min(limit, 64 * 1024));
    byte[] buffer = new byte[16 * 1024];
    int total = 0;
    for (int n; (n = in.read(buffer)) > 0; ) {
      total += n;
      if (total > limit) {
        return null;
      }
      out.write(buffer, 0, n);
    }
    return out.toByteArray();
  }

  private static void drain(InputStream in, long limit) throws IOException {
    byte[] buffer = new byte[64 * 1024];
    long total = 0;
    for (int n; total < limit && (n = in.read(buffer)) > 0; ) {
      total += n;
    }
  }

  private static long parseLength(String value) {
    try {
      return Long.parseLong(value.trim());
    } catch (NumberFormatException e) {
      return -1;
    }
  }

  static ThreadFactory threads(String prefix) {
    AtomicInteger counter = new AtomicInteger();
    return runnable -> {
      Thread thread = new Thread(runnable, prefix + counter.incrementAndGet());
      thread.setDaemon(true);
      return thread;
    };
  }
}
