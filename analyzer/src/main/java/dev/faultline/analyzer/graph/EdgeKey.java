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

  // Written out: the generated record methods go through method handles that the JIT did not
  // inline here, and these keys are looked up for every call (a third of window aggregation).
  @Override
  public boolean equals(Object other) {
    return this == other
        || other instanceof EdgeKey that
            && kind == that.kind
            && callerOperation.equals(that.callerOperation)
            && calleeOperation.equals(that.calleeOperation)
            && caller.equals(that.caller)
            && callee.equals(that.callee);
  }

  @Override
  public int hashCode() {
    int hash = caller.hashCode();
    hash = 31 * hash + callerOperation.hashCode();
    hash = 31 * hash + callee.hashCode();
    hash = 31 * hash + calleeOperation.hashCode();
    return 31 * hash + kind.ordinal();
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

  /**
   * The order of {@link #id()}, without building the ids: the two ids are compared character by
   * character as they would be spelled, segment by segment. Sorting edges is the graph stage's and
   * the detectors' most frequent operation, and the order must stay the ids' (reports and ties
   * depend on it).
   */
  @Override
  public int compareTo(EdgeKey other) {
    if (this == other) {
      return 0;
    }
    int segmentA = 0;
    int segmentB = 0;
    String a = segment(0);
    String b = other.segment(0);
    int atA = 0;
    int atB = 0;
    while (true) {
      while (atA == a.length() && segmentA < SEGMENTS) {
        segmentA++;
        a = segmentA < SEGMENTS ? segment(segmentA) : "";
        atA = 0;
      }
      while (atB == b.length() && segmentB < SEGMENTS) {
        segmentB++;
        b = segmentB < SEGMENTS ? other.segment(segmentB) : "";
        atB = 0;
      }
      boolean endA = segmentA == SEGMENTS;
      boolean endB = segmentB == SEGMENTS;
      if (endA || endB) {
        return endA == endB ? 0 : endA ? -1 : 1;
      }
      char charA = a.charAt(atA++);
      char charB = b.charAt(atB++);
      if (charA != charB) {
        return charA - charB;
      }
    }
  }

  private static final int SEGMENTS = 13;
  private static final String[] KIND_NUMBERS = new String[16];

  static {
    for (int i = 0; i < KIND_NUMBERS.length; i++) {
      KIND_NUMBERS[i] = Integer.toString(i);
    }
  }

  /** The pieces {@link #id()} is spelled from, in order. */
  private String segment(int index) {
    return switch (index) {
      case 0 -> caller.typeName();
      case 1, 7 -> ":";
      case 2 -> caller.name();
      case 3, 5, 9, 11 -> "|";
      case 4 -> callerOperation;
      case 6 -> callee.typeName();
      case 8 -> callee.name();
      case 10 -> calleeOperation;
      default -> {
        int number = kind.getNumber();
        yield number >= 0 && number < KIND_NUMBERS.length
            ? KIND_NUMBERS[number]
            : Integer.toString(number);
      }
    };
  }
}
