package dev.faultline.analyzer.trace;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import dev.faultline.analyzer.testing.NezhaData;
import dev.faultline.analyzer.testing.SpanFixtures;
import dev.faultline.schemas.proto.Span;
import dev.faultline.schemas.span.SpanRecord;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;

/**
 * The graph rebuilt from a real recording of OnlineBoutique (Nezha data set) is the system's real
 * service dependency graph, with span kinds and without.
 *
 * <p>The expected edges were read off the data itself, by listing every (parent service, child
 * service) pair of spans in the case file whose services differ, plus the services of root spans:
 * 13 dependencies and one entry point. They are not the architecture diagram from memory.
 */
class NezhaGraphTest {
  private static final String CASE = "20220822T071755-shippingservice-network_delay.jsonl.gz";

  private static final List<String> EXPECTED =
      List.of(
          "entry -entry-> frontend",
          "frontend -sync-> adservice",
          "frontend -sync-> cartservice",
          "frontend -sync-> checkoutservice",
          "frontend -sync-> currencyservice",
          "frontend -sync-> productcatalogservice",
          "frontend -sync-> recommendationservice",
          "frontend -sync-> shippingservice",
          "checkoutservice -sync-> cartservice",
          "checkoutservice -sync-> emailservice",
          "checkoutservice -sync-> paymentservice",
          "checkoutservice -sync-> productcatalogservice",
          "checkoutservice -sync-> shippingservice",
          "recommendationservice -sync-> productcatalogservice");

  private static TreeSet<String> graph(
      Map<ByteString, List<Span>> traces, UnaryOperator<Span> edit) {
    TreeSet<String> edges = new TreeSet<>();
    for (Map.Entry<ByteString, List<Span>> trace : traces.entrySet()) {
      TraceModel model = new TraceModel(trace.getKey());
      model.add(SpanRecord.of(trace.getValue().stream().map(edit).toList()), 0, 10_000);
      Pairing.Sink sink =
          new Pairing.Sink() {
            @Override
            public void call(Call call) {
              edges.add(
                  call.caller().name()
                      + " -"
                      + call.kind()
                          .name()
                          .replace("CALL_KIND_", "")
                          .toLowerCase(java.util.Locale.ROOT)
                      + "-> "
                      + call.callee().name());
            }

            @Override
            public void visit(Visit visit) {}
          };
      Pairing.run(model, sink);
      model.markClosed();
      Pairing.run(model, sink);
    }
    return edges;
  }

  @Test
  void theRebuiltGraphIsTheSystemsDependencyGraphWithAndWithoutSpanKinds() throws Exception {
    Map<ByteString, List<Span>> traces = NezhaData.traces(CASE);

    TreeSet<String> withKinds = graph(traces, span -> span);
    TreeSet<String> withoutKinds = graph(traces, SpanFixtures::withoutKind);

    assertThat(withKinds).containsExactlyInAnyOrderElementsOf(EXPECTED);
    assertThat(withoutKinds).isEqualTo(withKinds);
  }
}
