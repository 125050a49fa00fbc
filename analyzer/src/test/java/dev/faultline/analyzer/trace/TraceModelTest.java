package dev.faultline.analyzer.trace;

import static dev.faultline.analyzer.testing.SpanFixtures.TRACE;
import static dev.faultline.analyzer.testing.SpanFixtures.client;
import static dev.faultline.analyzer.testing.SpanFixtures.error;
import static dev.faultline.analyzer.testing.SpanFixtures.server;
import static org.assertj.core.api.Assertions.assertThat;

import dev.faultline.analyzer.testing.Recorder;
import dev.faultline.schemas.proto.Span;
import dev.faultline.schemas.span.SpanRecord;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The model resolves parents and children once per change of its spans; these check that what it
 * answers follows every batch, not the spans it had when first asked.
 */
class TraceModelTest {
  private static final long T = 1_000;

  @Test
  void parentsAndChildrenFollowSpansThatArriveLater() {
    TraceModel model = new TraceModel(TRACE);
    add(model, List.of(server(3, 2, "cart", "Get", 15, 65).build()), T, 100);
    assertThat(model.parent(0)).isEqualTo(TraceModel.ABSENT);
    assertThat(model.children(0)).isEmpty();

    add(
        model,
        List.of(
            server(1, 0, "frontend", "GET /cart", 0, 100).build(),
            client(2, 1, "frontend", "cart.Get", 10, 70).build()),
        T,
        100);

    assertThat(model.parent(0)).isEqualTo(2); // cart Get under the client span
    assertThat(model.parent(1)).isEqualTo(TraceModel.ROOT);
    assertThat(model.parent(2)).isEqualTo(1);
    assertThat(model.children(1)).containsExactly(2);
    assertThat(model.children(2)).containsExactly(0);
  }

  @Test
  void aServerSharingItsClientsIdBecomesItsChildWhenItArrives() {
    TraceModel model = new TraceModel(TRACE);
    add(
        model,
        List.of(
            server(1, 0, "frontend", "GET /cart", 0, 100).build(),
            client(2, 1, "frontend", "cart.Get", 10, 70).build()),
        T,
        100);
    assertThat(model.children(1)).isEmpty();

    // B3 single-span RPC: the server half reuses the client's span id and parent.
    add(model, List.of(server(2, 1, "cart", "Get", 15, 65).build()), T, 100);

    assertThat(model.parent(2)).isEqualTo(1);
    assertThat(model.children(1)).containsExactly(2);
    assertThat(model.children(0)).containsExactly(1);
  }

  @Test
  void spansArrivingOneAtATimeInAnyOrderPairAsOneBatchDoes() {
    List<Span> spans =
        List.of(
            server(1, 0, "frontend", "GET /checkout", 0, 200).build(),
            client(2, 1, "frontend", "cart.Get", 10, 60).build(),
            server(3, 2, "cart", "Get", 15, 55).build(),
            client(4, 3, "cart", "db.query", 20, 40).build(),
            error(client(5, 1, "frontend", "pay.Charge", 70, 150)).build(),
            error(server(6, 5, "payment", "Charge", 75, 145)).build(),
            client(7, 1, "frontend", "pay.Charge", 155, 190).build(),
            server(8, 7, "payment", "Charge", 160, 185).build());
    Recorder whole = new Recorder().batch(spans).close();
    Recorder oneByOne = new Recorder();
    for (int i = spans.size() - 1; i >= 0; i--) {
      oneByOne.batch(List.of(spans.get(i)));
    }
    oneByOne.close();

    assertThat(oneByOne.calls).containsExactlyInAnyOrderElementsOf(whole.calls);
    assertThat(oneByOne.visits).containsExactlyInAnyOrderElementsOf(whole.visits);
    assertThat(whole.calls).extracting(Call::attempt).contains(2); // the second pay.Charge
  }

  @Test
  void eachSpanKeepsItsOwnFailure() {
    TraceModel model = new TraceModel(TRACE);
    Span ok = server(1, 0, "frontend", "GET /cart", 0, 100).build();
    Span failed = error(client(2, 1, "frontend", "cart.Get", 10, 70)).build();
    add(model, List.of(ok, failed), T, 100);
    add(model, List.of(ok), T, 100); // a duplicate changes nothing

    assertThat(model.size()).isEqualTo(2);
    assertThat(model.isError(0)).isFalse();
    assertThat(model.isError(1)).isTrue();
  }

  private static int add(TraceModel model, List<Span> spans, long timeMs, int maxSpans) {
    return model.add(SpanRecord.of(spans), timeMs, maxSpans);
  }
}
