package dev.faultline.analyzer.graph;

import static java.util.Objects.requireNonNull;

import dev.faultline.analyzer.trace.Call;
import dev.faultline.analyzer.trace.NodeKey;
import dev.faultline.schemas.proto.CallKind;
import dev.faultline.schemas.proto.EdgeStats;

/**
 * An edge of the operation-level graph: who calls whom, from which operation to which.
 *
 * @param caller calling node
 * @param callerOperation operation the caller was serving
 * @param callee called node
 * @param calleeOperation operation called
 * @param kind the kind of call
 */
public record EdgeKey(
    NodeKey caller, String callerOperation, NodeKey callee, String calleeOperation, CallKind kind)
    implements Comparable<EdgeKey> {
  public EdgeKey {
    requireNonNull(caller, "caller");
    requireNonNull(callerOperation, "callerOperation");
    requireNonNull(callee, "callee");
    requireNonNull(calleeOperation, "calleeOperation");
    requireNonNull(kind, "kind");
  }

  public static EdgeKey of(Call call) {
    return new EdgeKey(
        call.caller(), call.callerOperation(), call.callee(), call.calleeOperation(), call.kind());
  }

  public static EdgeKey of(EdgeStats stats) {
    return new EdgeKey(
        NodeKey.of(stats.getCaller()),
        stats.getCallerOperation(),
        NodeKey.of(stats.getCallee()),
        stats.getCalleeOperation(),
        stats.getKind());
  }

  /** A stable text form, used as a store key and an API id. */
  public String id() {
    return caller
        + "|"
        + callerOperation
        + "|"
        + callee
        + "|"
        + calleeOperation
        + "|"
        + kind.getNumber();
  }

  @Override
  public int compareTo(EdgeKey other) {
    return id().compareTo(other.id());
  }
}
