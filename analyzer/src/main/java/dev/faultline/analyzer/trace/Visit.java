package dev.faultline.analyzer.trace;

import static java.util.Objects.requireNonNull;

import com.google.protobuf.ByteString;

/**
 * One request handled by a service operation: a span that entered the service (a local root).
 *
 * @param service the service
 * @param operation the operation (the span's name)
 * @param instance service.instance.id
 * @param version service.version
 * @param timeMs event time: the span's start
 * @param durationUs the span's duration
 * @param selfTimeUs time spent in the service itself: the duration minus the time covered by its
 *     outgoing calls (same-service spans only, so other hosts' clocks do not enter it)
 * @param error the request failed
 * @param entry the request entered the system here (no caller span)
 * @param traceId the trace, as an exemplar
 */
public record Visit(
    String service,
    String operation,
    String instance,
    String version,
    long timeMs,
    long durationUs,
    long selfTimeUs,
    boolean error,
    boolean entry,
    ByteString traceId)
    implements Observation {
  public Visit {
    requireNonNull(service, "service");
    requireNonNull(operation, "operation");
    requireNonNull(instance, "instance");
    requireNonNull(version, "version");
    requireNonNull(traceId, "traceId");
  }
}
