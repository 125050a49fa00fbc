package dev.faultline.analyzer.testing;

import dev.faultline.analyzer.trace.Call;
import dev.faultline.analyzer.trace.Pairing;
import dev.faultline.analyzer.trace.TraceModel;
import dev.faultline.analyzer.trace.Visit;
import dev.faultline.schemas.proto.CallKind;
import dev.faultline.schemas.proto.Span;
import dev.faultline.schemas.span.SpanRecord;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/** Runs pairing over batches of spans and records what it emits. */
public final class Recorder implements Pairing.Sink {
  public final List<Call> calls = new ArrayList<>();
  public final List<Visit> visits = new ArrayList<>();
  public final TraceModel trace = new TraceModel(SpanFixtures.TRACE);

  @Override
  public void call(Call call) {
    calls.add(call);
  }

  @Override
  public void visit(Visit visit) {
    visits.add(visit);
  }

  /** Adds one batch and pairs. */
  public Recorder batch(Span.Builder... spans) {
    List<Span> built = new ArrayList<>();
    for (Span.Builder span : spans) {
      built.add(span.build());
    }
    return batch(built);
  }

  public Recorder batch(List<Span> spans) {
    trace.add(SpanRecord.of(spans), 0, 10_000);
    Pairing.run(trace, this);
    return this;
  }

  /** Closes the trace (pairing timeout) and pairs what is left. */
  public Recorder close() {
    trace.markClosed();
    Pairing.run(trace, this);
    return this;
  }

  /** Calls as "caller(op) -kind-> callee(op)" strings, sorted, for readable assertions. */
  public List<String> edges() {
    return calls.stream().map(Recorder::describe).sorted().collect(Collectors.toList());
  }

  public static String describe(Call call) {
    String kind = call.kind().name().replace("CALL_KIND_", "").toLowerCase(java.util.Locale.ROOT);
    return call.caller()
        + (call.callerOperation().isEmpty() ? "" : "(" + call.callerOperation() + ")")
        + " -"
        + kind
        + "-> "
        + call.callee()
        + "("
        + call.calleeOperation()
        + ")";
  }

  public List<Call> callsOfKind(CallKind kind) {
    return calls.stream().filter(c -> c.kind() == kind).toList();
  }
}
