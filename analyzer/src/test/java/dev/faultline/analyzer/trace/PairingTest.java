package dev.faultline.analyzer.trace;

import static dev.faultline.analyzer.testing.SpanFixtures.client;
import static dev.faultline.analyzer.testing.SpanFixtures.error;
import static dev.faultline.analyzer.testing.SpanFixtures.internal;
import static dev.faultline.analyzer.testing.SpanFixtures.server;
import static dev.faultline.analyzer.testing.SpanFixtures.shifted;
import static dev.faultline.analyzer.testing.SpanFixtures.span;
import static dev.faultline.analyzer.testing.SpanFixtures.withoutKind;
import static org.assertj.core.api.Assertions.assertThat;

import dev.faultline.analyzer.testing.Recorder;
import dev.faultline.schemas.proto.CallKind;
import dev.faultline.schemas.proto.Span;
import dev.faultline.schemas.proto.SpanKind;
import dev.faultline.schemas.span.SpanRecord;
import java.util.List;
import org.junit.jupiter.api.Test;

class PairingTest {

  /** frontend GET /cart -> (client cart.Get) -> cart Get. */
  private static List<Span.Builder> cartRequest() {
    return List.of(
        server(1, 0, "frontend", "GET /cart", 0, 100),
        client(2, 1, "frontend", "cart.Get", 10, 70),
        server(3, 2, "cart", "Get", 15, 65));
  }

  @Test
  void aClientServerPairIsOneSyncCallFromTheCallersEntryOperation() {
    Recorder recorder = new Recorder().batch(cartRequest().toArray(Span.Builder[]::new));

    assertThat(recorder.edges())
        .containsExactly(
            "entry:entry -entry-> service:frontend(GET /cart)",
            "service:frontend(GET /cart) -sync-> service:cart(Get)");
    Call call = recorder.callsOfKind(CallKind.CALL_KIND_SYNC).get(0);
    assertThat(call.clientDurationUs()).isEqualTo(60_000);
    assertThat(call.serverDurationUs()).isEqualTo(50_000);
    assertThat(call.networkGapUs()).isEqualTo(10_000);
    assertThat(call.attempt()).isEqualTo(1);
    assertThat(recorder.visits)
        .extracting(Visit::service, Visit::operation, Visit::selfTimeUs, Visit::entry)
        .containsExactlyInAnyOrder(
            org.assertj.core.groups.Tuple.tuple("frontend", "GET /cart", 40_000L, true),
            org.assertj.core.groups.Tuple.tuple("cart", "Get", 50_000L, false));
  }

  @Test
  void aTraceWithoutSpanKindsGivesTheSameGraph() {
    Recorder withKinds = new Recorder().batch(cartRequest().toArray(Span.Builder[]::new));
    Recorder withoutKinds =
        new Recorder().batch(cartRequest().stream().map(s -> withoutKind(s.build())).toList());

    assertThat(withoutKinds.edges()).isEqualTo(withKinds.edges());
    assertThat(withoutKinds.visits).isEqualTo(withKinds.visits);
    assertThat(withoutKinds.calls).isEqualTo(withKinds.calls);
  }

  @Test
  void theCallIsEmittedAsSoonAsBothSidesAreThereNotWhenTheTraceEnds() {
    Recorder recorder = new Recorder();

    recorder.batch(server(3, 2, "cart", "Get", 15, 65));
    assertThat(recorder.calls).isEmpty();
    assertThat(recorder.visits).extracting(Visit::service).containsExactly("cart");

    recorder.batch(
        server(1, 0, "frontend", "GET /cart", 0, 100),
        client(2, 1, "frontend", "cart.Get", 10, 70));
    assertThat(recorder.edges()).contains("service:frontend(GET /cart) -sync-> service:cart(Get)");
    assertThat(recorder.trace.isClosed()).isFalse();
  }

  @Test
  void aCallWaitsForTheCallersEntryOperationToBeKnown() {
    Recorder recorder = new Recorder();

    recorder.batch(
        client(2, 1, "frontend", "cart.Get", 10, 70), server(3, 2, "cart", "Get", 15, 65));
    assertThat(recorder.callsOfKind(CallKind.CALL_KIND_SYNC)).isEmpty();

    recorder.batch(server(1, 0, "frontend", "GET /cart", 0, 100));
    assertThat(recorder.callsOfKind(CallKind.CALL_KIND_SYNC))
        .singleElement()
        .satisfies(call -> assertThat(call.callerOperation()).isEqualTo("GET /cart"));
  }

  @Test
  void whenTheCallersEntryNeverComesTheTopmostKnownSpanNamesIt() {
    Recorder recorder =
        new Recorder()
            .batch(
                internal(2, 1, "frontend", "render", 5, 80),
                client(4, 2, "frontend", "cart.Get", 10, 70),
                server(3, 4, "cart", "Get", 15, 65))
            .close();

    assertThat(recorder.edges())
        .contains("service:frontend(render) -sync-> service:cart(Get)")
        .contains("entry:entry -entry-> service:frontend(render)");
  }

  /**
   * OpenTelemetry service-graph connector and Tempo: a client span whose server side never comes
   * becomes an edge to a virtual node named by peer.service, else server.address.
   */
  @Test
  void anUnpairedClientBecomesACallToAVirtualPeerWhenTheTraceCloses() {
    Recorder recorder =
        new Recorder()
            .batch(
                server(1, 0, "checkout", "PlaceOrder", 0, 100),
                client(2, 1, "checkout", "POST", 10, 50)
                    .putAttributes("peer.service", "payments-gateway"),
                client(3, 1, "checkout", "GET", 50, 60)
                    .putAttributes("server.address", "api.fx.example"),
                client(4, 1, "checkout", "GET", 60, 70));

    assertThat(recorder.callsOfKind(CallKind.CALL_KIND_VIRTUAL)).isEmpty();
    recorder.close();

    assertThat(recorder.edges())
        .contains(
            "service:checkout(PlaceOrder) -virtual-> virtual:payments-gateway(POST)",
            "service:checkout(PlaceOrder) -virtual-> virtual:api.fx.example(GET)",
            "service:checkout(PlaceOrder) -virtual-> virtual:unknown(GET)");
  }

  /** Database client spans complete at once, named by db.namespace (db.name before 1.26). */
  @Test
  void aDatabaseClientSpanIsACallToItsDatabaseAtOnce() {
    Recorder recorder =
        new Recorder()
            .batch(
                server(1, 0, "cart", "Get", 0, 100),
                client(2, 1, "cart", "HGET", 10, 20)
                    .putAttributes("db.system.name", "redis")
                    .putAttributes("db.namespace", "carts"),
                client(3, 1, "cart", "SELECT", 20, 30).putAttributes("db.system", "postgresql"));

    assertThat(recorder.edges())
        .contains(
            "service:cart(Get) -database-> database:carts(HGET)",
            "service:cart(Get) -database-> database:postgresql(SELECT)");
  }

  /**
   * Redis instrumentations put the database index in db.namespace ("0"): a number names nothing, so
   * the server's address does (else the system with the index).
   */
  @Test
  void aNumericNamespaceGivesWayToTheServerAddress() {
    Recorder recorder =
        new Recorder()
            .batch(
                server(1, 0, "cart", "Get", 0, 100),
                client(2, 1, "cart", "HGETALL", 10, 20)
                    .putAttributes("db.system", "redis")
                    .putAttributes("db.namespace", "0")
                    .putAttributes("server.address", "session-cache"),
                client(3, 1, "cart", "GET", 20, 30)
                    .putAttributes("db.system", "redis")
                    .putAttributes("db.namespace", "3"));

    assertThat(recorder.edges())
        .contains(
            "service:cart(Get) -database-> database:session-cache(HGETALL)",
            "service:cart(Get) -database-> database:redis/3(GET)");
  }

  @Test
  void aProducerAndItsConsumerGoThroughTheQueueWithTheQueueWait() {
    Recorder recorder =
        new Recorder()
            .batch(
                server(1, 0, "orders", "POST /orders", 0, 50),
                span(2, 1, "orders", "orders publish", SpanKind.SPAN_KIND_PRODUCER, 10, 12)
                    .putAttributes("messaging.system", "kafka")
                    .putAttributes("messaging.destination.name", "orders"),
                span(3, 2, "shipping", "orders process", SpanKind.SPAN_KIND_CONSUMER, 40, 55)
                    .putAttributes("messaging.system", "kafka")
                    .putAttributes("messaging.destination.name", "orders"));

    assertThat(recorder.edges())
        .containsExactly(
            "entry:entry -entry-> service:orders(POST /orders)",
            "queue:kafka/orders -consume-> service:shipping(orders process)",
            "service:orders(POST /orders) -produce-> queue:kafka/orders(orders publish)");
    assertThat(recorder.callsOfKind(CallKind.CALL_KIND_CONSUME).get(0).queueWaitUs())
        .isEqualTo(28_000);
  }

  /** Tempo #5408: the consumer's trace only links to the producer's; the queue still pairs it. */
  @Test
  void aConsumerInATraceOfItsOwnIsCalledByItsQueue() {
    Recorder recorder =
        new Recorder()
            .batch(
                span(3, 0, "shipping", "orders process", SpanKind.SPAN_KIND_CONSUMER, 40, 55)
                    .putAttributes("messaging.system", "kafka")
                    .putAttributes("messaging.destination.name", "orders"));

    assertThat(recorder.edges())
        .containsExactly("queue:kafka/orders -consume-> service:shipping(orders process)");
    assertThat(recorder.calls.get(0).queueWaitUs()).isEqualTo(Call.UNKNOWN);
  }

  /** Zipkin "headless trace": the root never arrives; its children are entered from outside. */
  @Test
  void aSpanWhoseParentNeverArrivesIsAnEntryOnceTheTraceCloses() {
    Recorder recorder = new Recorder().batch(server(3, 99, "cart", "Get", 15, 65));
    assertThat(recorder.calls).isEmpty();

    recorder.close();

    assertThat(recorder.edges()).containsExactly("entry:entry -entry-> service:cart(Get)");
  }

  /** Zipkin "missing parent in the middle": the spans on either side of the gap still pair. */
  @Test
  void aMissingMiddleSpanLeavesTheRestOfTheTraceIntact() {
    Recorder recorder =
        new Recorder()
            .batch(
                server(1, 0, "frontend", "GET /", 0, 100),
                client(2, 1, "frontend", "checkout.Place", 5, 95),
                // checkout's server span (id 3) is missing
                client(4, 3, "checkout", "payment.Charge", 20, 40),
                server(5, 4, "payment", "Charge", 22, 38))
            .close();

    assertThat(recorder.edges())
        .containsExactlyInAnyOrder(
            "entry:entry -entry-> service:frontend(GET /)",
            "service:checkout(payment.Charge) -sync-> service:payment(Charge)",
            "service:frontend(GET /) -virtual-> virtual:unknown(checkout.Place)");
    assertThat(recorder.visits)
        .extracting(Visit::service)
        .containsExactlyInAnyOrder("frontend", "payment");
  }

  @Test
  void retriesAreCountedFromResendCountAndFromFailedEarlierSiblings() {
    Recorder recorder =
        new Recorder()
            .batch(
                server(1, 0, "frontend", "GET /", 0, 200),
                error(client(2, 1, "frontend", "cart.Get", 0, 50)),
                server(3, 2, "cart", "Get", 1, 49),
                client(4, 1, "frontend", "cart.Get", 60, 100),
                server(5, 4, "cart", "Get", 61, 99),
                client(6, 1, "frontend", "ads.Get", 100, 150)
                    .putAttributes("http.request.resend_count", "2"),
                server(7, 6, "ads", "Get", 101, 149));

    assertThat(recorder.callsOfKind(CallKind.CALL_KIND_SYNC))
        .extracting(c -> c.callee().name() + ":" + c.attempt())
        .containsExactlyInAnyOrder("cart:1", "cart:2", "ads:3");
  }

  @Test
  void concurrentSiblingCallsAreFanOutNotRetries() {
    Recorder recorder =
        new Recorder()
            .batch(
                server(1, 0, "frontend", "GET /", 0, 200),
                error(client(2, 1, "frontend", "price.Get", 0, 50)),
                server(3, 2, "price", "Get", 1, 49),
                client(4, 1, "frontend", "price.Get", 10, 60),
                server(5, 4, "price", "Get", 11, 59));

    assertThat(recorder.callsOfKind(CallKind.CALL_KIND_SYNC)).allMatch(c -> c.attempt() == 1);
  }

  /** Zipkin keeps loopback links: a service calling itself is an edge to itself. */
  @Test
  void aServiceCallingItselfIsASelfEdge() {
    Recorder recorder =
        new Recorder()
            .batch(
                server(1, 0, "catalog", "List", 0, 100),
                client(2, 1, "catalog", "Get", 10, 40),
                server(3, 2, "catalog", "Get", 12, 38));

    assertThat(recorder.edges()).contains("service:catalog(List) -sync-> service:catalog(Get)");
  }

  /** Zipkin B3 single-span RPC: client and server report the same span id. */
  @Test
  void aServerSharingItsClientsSpanIdIsPairedWithIt() {
    Recorder recorder =
        new Recorder()
            .batch(
                server(1, 0, "frontend", "GET /", 0, 100),
                client(2, 1, "frontend", "cart.Get", 10, 70),
                server(2, 1, "cart", "Get", 15, 65));

    assertThat(recorder.edges()).contains("service:frontend(GET /) -sync-> service:cart(Get)");
  }

  @Test
  void aSpanDeliveredTwiceCountsOnce() {
    Recorder recorder = new Recorder().batch(cartRequest().toArray(Span.Builder[]::new));
    int calls = recorder.calls.size();

    recorder.batch(cartRequest().toArray(Span.Builder[]::new));

    assertThat(recorder.calls).hasSize(calls);
    assertThat(recorder.trace.size()).isEqualTo(3);
  }

  /** A parent chain that loops (a bug seen in hand-rolled propagation) must not hang pairing. */
  @Test
  void aParentLoopEndsPairing() {
    Recorder recorder =
        new Recorder()
            .batch(internal(1, 2, "a", "x", 0, 10), internal(2, 1, "a", "y", 0, 10))
            .close();

    assertThat(recorder.trace.size()).isEqualTo(2);
  }

  @Test
  void spansBeyondTheLimitAreRefusedAndCounted() {
    TraceModel trace = new TraceModel(dev.faultline.analyzer.testing.SpanFixtures.TRACE);

    int refused =
        trace.add(SpanRecord.of(cartRequest().stream().map(Span.Builder::build).toList()), 0, 2);

    assertThat(refused).isEqualTo(1);
    assertThat(trace.size()).isEqualTo(2);
    assertThat(trace.droppedSpans()).isEqualTo(1);
  }

  /** Hosts whose clocks disagree by seconds: durations, and so the network gap, are unaffected. */
  @Test
  void clockSkewBetweenHostsDoesNotChangeTheCallFigures() {
    Recorder skewed =
        new Recorder()
            .batch(
                server(1, 0, "frontend", "GET /cart", 0, 100),
                client(2, 1, "frontend", "cart.Get", 10, 70),
                shifted(server(3, 2, "cart", "Get", 15, 65), 4_000));

    Call call = skewed.callsOfKind(CallKind.CALL_KIND_SYNC).get(0);
    assertThat(call.networkGapUs()).isEqualTo(10_000);
    assertThat(skewed.visits)
        .extracting(Visit::selfTimeUs)
        .containsExactlyInAnyOrder(40_000L, 50_000L);
  }

  @Test
  void errorsOnEitherSideMakeTheCallFailedAndTheServerSideIsKept() {
    Recorder recorder =
        new Recorder()
            .batch(
                server(1, 0, "frontend", "GET /cart", 0, 100),
                error(client(2, 1, "frontend", "cart.Get", 10, 70)),
                error(server(3, 2, "cart", "Get", 15, 65)),
                client(4, 1, "frontend", "ads.Get", 70, 80),
                server(5, 4, "ads", "Get", 71, 79)
                    .putAttributes("http.response.status_code", "503"));

    assertThat(recorder.callsOfKind(CallKind.CALL_KIND_SYNC))
        .extracting(c -> c.callee().name() + ":" + c.error() + ":" + c.serverError())
        .containsExactlyInAnyOrder("cart:true:true", "ads:true:true");
  }

  @Test
  void serviceSelfTimeSubtractsTheUnionOfOutgoingCalls() {
    Recorder recorder =
        new Recorder()
            .batch(
                server(1, 0, "frontend", "GET /", 0, 100),
                internal(2, 1, "frontend", "render", 0, 90),
                client(3, 2, "frontend", "a", 10, 40),
                client(4, 2, "frontend", "b", 30, 50),
                client(5, 1, "frontend", "c", 80, 95));

    Visit visit = recorder.visits.get(0);
    // Outgoing calls cover [10,50] and [80,95]: 55 ms of the 100.
    assertThat(visit.selfTimeUs()).isEqualTo(45_000);
  }
}
