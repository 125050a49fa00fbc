package dev.faultline.analyzer.trace;

import static java.util.Objects.requireNonNull;

import com.google.protobuf.ByteString;
import dev.faultline.schemas.proto.CallKind;

/**
 * One call from a caller (a node and the operation it was serving) to a callee (a node and the
 * operation that served it).
 *
 * @param caller calling node
 * @param callerOperation the operation the caller was serving (the caller's entry operation in this
 *     trace), or the client span's name when unknown
 * @param callee called node
 * @param calleeOperation the callee's operation (its server/consumer span's name); for queues,
 *     databases and virtual peers, the client span's name
 * @param kind sync, produce, consume, database, virtual, entry
 * @param timeMs event time: the start of the call
 * @param clientDurationUs the caller's view of the call, or {@link #UNKNOWN}
 * @param serverDurationUs the callee's view (its span duration), or {@link #UNKNOWN}
 * @param networkGapUs client minus server duration (time spent between them), or {@link #UNKNOWN}
 * @param queueWaitUs consumer start minus producer end, or {@link #UNKNOWN}
 * @param error either side reported a failure
 * @param serverError the callee reported a failure
 * @param attempt 1 for a first attempt, 2 for the first retry, ...
 * @param callerInstance caller's service.instance.id
 * @param callerVersion caller's service.version
 * @param calleeInstance callee's service.instance.id
 * @param calleeVersion callee's service.version
 * @param traceId the trace, as an exemplar
 */
public record Call(
    NodeKey caller,
    String callerOperation,
    NodeKey callee,
    String calleeOperation,
    CallKind kind,
    long timeMs,
    long clientDurationUs,
    long serverDurationUs,
    long networkGapUs,
    long queueWaitUs,
    boolean error,
    boolean serverError,
    int attempt,
    String callerInstance,
    String callerVersion,
    String calleeInstance,
    String calleeVersion,
    ByteString traceId)
    implements Observation {

  /** A figure that the call's spans do not give. */
  public static final long UNKNOWN = Long.MIN_VALUE;

  public Call {
    requireNonNull(caller, "caller");
    requireNonNull(callerOperation, "callerOperation");
    requireNonNull(callee, "callee");
    requireNonNull(calleeOperation, "calleeOperation");
    requireNonNull(kind, "kind");
    requireNonNull(callerInstance, "callerInstance");
    requireNonNull(callerVersion, "callerVersion");
    requireNonNull(calleeInstance, "calleeInstance");
    requireNonNull(calleeVersion, "calleeVersion");
    requireNonNull(traceId, "traceId");
    if (attempt < 1) {
      throw new IllegalArgumentException("attempt must be at least 1");
    }
  }

  /** Whether this call repeated an earlier attempt. */
  public boolean isRetry() {
    return attempt > 1;
  }
}
