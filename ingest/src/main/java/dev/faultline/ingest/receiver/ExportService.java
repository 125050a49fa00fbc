package dev.faultline.ingest.receiver;

import static java.util.Objects.requireNonNull;

import dev.faultline.ingest.otlp.OtlpDecodeException;
import dev.faultline.ingest.otlp.OtlpDecoder;
import dev.faultline.ingest.otlp.OtlpEncoding;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.common.errors.RetriableException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Checks an export request and writes it to Kafka; shared by the HTTP and gRPC transports. */
final class ExportService {
  private static final Logger LOG = LoggerFactory.getLogger(ExportService.class);

  private final RequestWriter writer;
  private final OtlpDecoder decoder = new OtlpDecoder();
  private final long ackTimeoutMs;
  private final MeterRegistry registry;

  ExportService(RequestWriter writer, long ackTimeoutMs, MeterRegistry registry) {
    this.writer = requireNonNull(writer, "writer");
    this.ackTimeoutMs = ackTimeoutMs;
    this.registry = requireNonNull(registry, "registry");
  }

  /** Checks and writes {@code body}; the future never fails, its value says what happened. */
  CompletableFuture<ExportResult> export(byte[] body, OtlpEncoding encoding, String transport) {
    ExportTraceServiceRequest request;
    try {
      request = decoder.decode(body, encoding);
    } catch (OtlpDecodeException e) {
      return CompletableFuture.completedFuture(
          count(transport, new ExportResult.Invalid(e.getMessage())));
    }
    int spans = spanCount(request);
    if (spans == 0) {
      return CompletableFuture.completedFuture(count(transport, new ExportResult.Accepted(0)));
    }
    return writer
        .write(body, encoding)
        .orTimeout(ackTimeoutMs, TimeUnit.MILLISECONDS)
        .handle(
            (ok, error) -> {
              if (error == null) {
                return count(transport, new ExportResult.Accepted(spans));
              }
              Throwable cause = error instanceof CompletionException ? error.getCause() : error;
              LOG.debug("Kafka did not take an export request", cause);
              return count(transport, new ExportResult.Unavailable(unavailableReason(cause)));
            });
  }

  private ExportResult count(String transport, ExportResult result) {
    Counter.builder("faultline.receiver.requests")
        .description("Export requests by transport and outcome")
        .tag("transport", transport)
        .tag("outcome", result.outcome())
        .register(registry)
        .increment();
    if (result instanceof ExportResult.Accepted accepted && accepted.spans() > 0) {
      Counter.builder("faultline.receiver.spans")
          .description("Spans written to Kafka and acknowledged")
          .tag("transport", transport)
          .register(registry)
          .increment(accepted.spans());
    }
    return result;
  }

  /** Counts a request refused before decoding (size, media type). */
  void countRefused(String transport, ExportResult result) {
    count(transport, result);
  }

  private static String unavailableReason(Throwable cause) {
    if (cause instanceof TimeoutException
        || cause instanceof org.apache.kafka.common.errors.TimeoutException) {
      return "Kafka did not acknowledge the request in time; retry later";
    }
    if (cause instanceof RetriableException) {
      return "Kafka is not available (" + cause.getClass().getSimpleName() + "); retry later";
    }
    return "Kafka refused the request (" + cause.getClass().getSimpleName() + "); retry later";
  }

  private static int spanCount(ExportTraceServiceRequest request) {
    int count = 0;
    for (ResourceSpans resource : request.getResourceSpansList()) {
      for (ScopeSpans scope : resource.getScopeSpansList()) {
        count += scope.getSpansCount();
      }
    }
    return count;
  }
}
