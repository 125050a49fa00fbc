package dev.faultline.analyzer.detect.queue;

import static dev.faultline.analyzer.testing.WindowModel.op;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.faultline.analyzer.detect.DetectionSettings;
import dev.faultline.analyzer.detect.Diagnosis;
import dev.faultline.analyzer.detect.Findings;
import dev.faultline.analyzer.graph.GraphSnapshot;
import dev.faultline.analyzer.graph.GraphWindow;
import dev.faultline.analyzer.testing.WindowModel;
import dev.faultline.analyzer.trace.NodeKey;
import dev.faultline.schemas.incident.Evidence;
import dev.faultline.schemas.incident.IncidentType;
import dev.faultline.schemas.incident.Severity;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class QueueDetectorTest {
  private static final NodeKey CHECKOUT = NodeKey.service("checkout");
  private static final NodeKey FULFILLMENT = NodeKey.service("fulfillment");

  private final DetectionSettings settings = DetectionSettings.defaults();
  private final WindowModel.Op web = op("web", "POST /checkout", 1);
  private final WindowModel.Op checkout = op("checkout", "PlaceOrder", 3);
  private final WindowModel model = WindowModel.of(web, 20);
  private final WindowModel.Queue orders = model.queue("kafka/orders");
  // Each consumer can take three times the usual 20 orders per window.
  private final WindowModel.Consumer fulfillment =
      orders.consumedBy("fulfillment", "process orders", 20, 60);
  private final WindowModel.Consumer mailer = orders.consumedBy("mailer", "send mail", 5, 200);
  private final List<GraphWindow> history = new ArrayList<>();
  private GraphSnapshot baseline;

  QueueDetectorTest() {
    web.calls(checkout, 1);
    checkout.produces(orders, 1);
    history.addAll(model.windows(40));
    baseline = GraphSnapshot.merge(history);
  }

  /** The next {@code windows} windows, then the detector's verdict on the latest ones. */
  private List<Diagnosis> after(int windows) {
    history.addAll(model.windows(windows));
    List<GraphWindow> recent =
        history.subList(history.size() - settings.currentWindows(), history.size());
    Findings findings = Findings.of(baseline, GraphSnapshot.merge(recent), settings);
    return new QueueDetector(settings).diagnose(findings, baseline, history);
  }

  private static Evidence evidence(Diagnosis diagnosis, String signal) {
    return diagnosis.evidence().stream()
        .filter(e -> e.signal().equals(signal))
        .findFirst()
        .orElseThrow(
            () -> new AssertionError("no evidence " + signal + ": " + diagnosis.evidence()));
  }

  @Test
  void consumersThatKeepUpHaveNoFinding() {
    assertThat(after(5)).isEmpty();
  }

  @Test
  void twiceTheOrdersWithinTheConsumersCapacityHaveNoFinding() {
    model.requestsPerWindow(40);

    assertThat(after(5)).isEmpty();
  }

  @Test
  void aConsumerSlowerThanItsProducersIsASlowConsumerWithItsBacklog() {
    fulfillment.perWindow(10).selfMs(200);

    List<Diagnosis> diagnoses = after(3);

    assertThat(diagnoses).hasSize(1); // the mailer keeps up
    Diagnosis d = diagnoses.get(0);
    assertThat(d.type()).isEqualTo(IncidentType.QUEUE_GROWTH);
    assertThat(d.root()).isEqualTo(FULFILLMENT);
    assertThat(d.rootOperation()).isEqualTo("process orders");
    assertThat(d.severity()).isEqualTo(Severity.MINOR); // Burrow's warning
    assertThat(d.details())
        .containsEntry("queue", "kafka/orders")
        .containsEntry("cause", "slow consumer")
        .containsEntry("state", "growing")
        .containsEntry("draining", false)
        .containsEntry("producers", List.of("checkout"))
        .containsEntry("consumers", List.of("fulfillment"))
        .doesNotContainKey("timeToDrainSeconds");
    // 20 produced and 10 consumed per window, for 3 windows.
    assertThat((Long) d.details().get("backlogMessages")).isBetween(28L, 32L);
    Evidence consumeRate = evidence(d, "consumeRate kafka/orders->fulfillment");
    assertThat(consumeRate.before()).isCloseTo(10.0, within(0.01));
    assertThat(consumeRate.now()).isCloseTo(5.0, within(0.01));
    // Messages wait longer every window: about 1 s more per window.
    assertThat(evidence(d, "queueWaitP90 kafka/orders->fulfillment").now()).isGreaterThan(1_500);
    assertThat(d.path())
        .extracting(p -> p.node() + ":" + p.role())
        .containsExactly("service:fulfillment:root", "queue:kafka/orders:propagating");
    assertThat(d.atRisk()).containsExactly(CHECKOUT); // blocked if the queue fills up
  }

  @Test
  void aConsumerThatStoppedIsAnError() {
    fulfillment.perWindow(0);

    List<Diagnosis> diagnoses = after(3);

    assertThat(diagnoses)
        .singleElement()
        .satisfies(
            d -> {
              assertThat(d.root()).isEqualTo(FULFILLMENT);
              assertThat(d.severity()).isEqualTo(Severity.MAJOR);
              assertThat(d.details())
                  .containsEntry("cause", "stopped consumer")
                  .containsEntry("state", "stopped")
                  .containsEntry("status", "ERROR")
                  .containsEntry("backlogMessages", 60L)
                  .containsEntry(
                      "imbalanceSince",
                      java.time.Instant.ofEpochMilli(WindowModel.startOf(40)).toString());
              assertThat(evidence(d, "consumeRate kafka/orders->fulfillment").now()).isZero();
            });
  }

  /**
   * A consumer of one message a window that keeps that pace while forty arrive (a burst, or produce
   * calls counted late in one window) took a tenth of what arrived, but it has not stopped: the
   * backlog is the producer's, a warning.
   */
  @Test
  void aRareConsumerThatKeepsItsPaceUnderABurstHasNotStopped() {
    WindowModel.Op api = op("api", "POST /audit", 1);
    WindowModel rare = WindowModel.of(api, 1);
    WindowModel.Queue audits = rare.queue("kafka/audits");
    audits.consumedBy("auditor", "audit", 5, 1);
    api.produces(audits, 1);
    List<GraphWindow> windows = new ArrayList<>(rare.windows(40));
    GraphSnapshot before = GraphSnapshot.merge(windows);
    rare.requestsPerWindow(40);
    windows.addAll(rare.windows(3));
    Findings now =
        Findings.of(
            before,
            GraphSnapshot.merge(windows.subList(windows.size() - settings.currentWindows(), 43)),
            settings);

    List<Diagnosis> diagnoses = new QueueDetector(settings).diagnose(now, before, windows);

    assertThat(diagnoses)
        .singleElement()
        .satisfies(
            d -> {
              assertThat(d.details())
                  .containsEntry("state", "growing")
                  .containsEntry("cause", "producer burst");
              assertThat(d.severity()).isEqualTo(Severity.MINOR);
            });
  }

  @Test
  void aBurstOfOrdersAboveWhatTheConsumerCanTakeNamesTheProducer() {
    model.requestsPerWindow(120); // six times the usual; fulfillment takes at most 60

    List<Diagnosis> diagnoses = after(3);

    assertThat(diagnoses)
        .singleElement()
        .satisfies(
            d -> {
              assertThat(d.root()).isEqualTo(CHECKOUT);
              assertThat(d.rootOperation()).isEqualTo("PlaceOrder");
              assertThat(d.details())
                  .containsEntry("cause", "producer burst")
                  .containsEntry("consumers", List.of("fulfillment"));
              assertThat((Long) d.details().get("backlogMessages")).isBetween(175L, 185L);
              // Once orders are back to 20 per window, 60 - 20 drain per window: 180 / 20 per s = 9
              // s.
              assertThat((Double) d.details().get("timeToDrainAtBaselineSeconds"))
                  .isBetween(8.5, 9.5);
              Evidence produce = evidence(d, "produceRate checkout->kafka/orders");
              assertThat(produce.before()).isCloseTo(10.0, within(0.01));
              assertThat(produce.now()).isCloseTo(60.0, within(0.01));
              assertThat(d.path())
                  .extracting(p -> p.node() + ":" + p.role())
                  .containsExactly(
                      "service:checkout:root",
                      "queue:kafka/orders:propagating",
                      "service:fulfillment:propagating");
            });
  }

  @Test
  void aBacklogThatDrainsIsNoLongerAFinding() {
    fulfillment.perWindow(10);
    assertThat(after(5)).hasSize(1);
    fulfillment.perWindow(60); // back: 50 backlog, 40 more than arrive per window

    List<Diagnosis> draining = after(2);

    assertThat(draining).isEmpty();
  }

  @Test
  void aSlowConsumerWithAnUnchangedPaceIsNotABurstWhenTheProducerRoseALittle() {
    model.requestsPerWindow(30); // 1.5 x: below queue.burst.ratio
    fulfillment.perWindow(25);

    assertThat(after(3))
        .singleElement()
        .satisfies(
            d -> {
              assertThat(d.root()).isEqualTo(FULFILLMENT);
              assertThat(d.details()).containsEntry("cause", "slow consumer");
            });
  }
}
