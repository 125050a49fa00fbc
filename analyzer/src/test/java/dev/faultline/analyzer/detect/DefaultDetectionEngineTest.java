package dev.faultline.analyzer.detect;

import static org.assertj.core.api.Assertions.assertThat;

import dev.faultline.analyzer.testing.WindowModel;
import dev.faultline.schemas.incident.Incident;
import dev.faultline.schemas.incident.IncidentStatus;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The engine over a stream of windows: warm-up, baseline, detectors and tracker together. */
class DefaultDetectionEngineTest {
  private final Chain chain = new Chain();
  private final DetectionSettings settings = chain.settings;
  private final DefaultDetectionEngine engine = new DefaultDetectionEngine(settings);

  /** Feeds windows; returns what each raised, by window index from the first fed. */
  private List<List<Incident>> feed(int windows) {
    List<List<Incident>> out = new ArrayList<>();
    for (int i = 0; i < windows; i++) {
      out.add(engine.onWindow(chain.model.window(), 0));
    }
    return out;
  }

  private static List<Incident> all(List<List<Incident>> raised) {
    return raised.stream().flatMap(List::stream).toList();
  }

  @Test
  void nothingIsJudgedBeforeTheBaselineExists() {
    int warmUp = settings.minBaselineWindows() + settings.currentMaxWindows();
    assertThat(warmUp).isEqualTo(70); // 70 s of 1 s windows, about a minute
    // A 5x slowdown from window 40 on: the engine only has a baseline at window 70.
    List<List<Incident>> raised = feed(40);
    chain.b.selfMs(50);
    raised.addAll(feed(40));

    for (int i = 0; i < warmUp - 1; i++) {
      assertThat(raised.get(i)).as("window %d", i).isEmpty();
    }
    // Window 69 is the first judged (pending), window 70 opens: open.windows = 2.
    assertThat(raised.get(warmUp - 1)).isEmpty();
    assertThat(raised.get(warmUp))
        .singleElement()
        .satisfies(
            i -> {
              assertThat(i.status()).isEqualTo(IncidentStatus.OPEN);
              assertThat(i.rootCause().node()).isEqualTo("service:b");
              assertThat(i.startedAt())
                  .isEqualTo(
                      Instant.ofEpochMilli(WindowModel.startOf(Chain.BASELINE_WINDOWS + warmUp - 1))
                          .toString());
            });
  }

  @Test
  void warmedWindowsCountAsBaseline() {
    for (int i = 0; i < settings.minBaselineWindows() + settings.currentMaxWindows(); i++) {
      engine.warm(chain.model.window());
    }
    chain.b.selfMs(50);

    List<List<Incident>> raised = feed(5);

    // Judged from the first window on: the fault, one window of the five in "now", is already
    // significant (pending); open.windows = 2 opens the incident on the second.
    assertThat(raised.get(0)).isEmpty();
    assertThat(raised.get(1))
        .singleElement()
        .extracting(Incident::status)
        .isEqualTo(IncidentStatus.OPEN);
  }

  @Test
  void aSlowerServiceOpensOneIncidentThatResolvesAfterRecovery() {
    feed(60); // steady
    chain.b.selfMs(50);
    List<List<Incident>> during = feed(30);
    assertThat(engine.open()).hasSize(1); // still open at the end of the failure
    chain.b.selfMs(10);
    List<List<Incident>> after = feed(40);

    List<Incident> opened =
        all(during).stream().filter(i -> i.status() == IncidentStatus.OPEN).toList();
    assertThat(opened)
        .singleElement()
        .satisfies(
            i -> {
              assertThat(i.rootCause().node()).isEqualTo("service:b");
              assertThat(i.rootCause().operation()).isEqualTo("Get");
              assertThat(i.blastRadius().entryPoints()).containsExactly("frontend/GET /checkout");
              assertThat(i.containment())
                  .extracting(c -> c.from() + " -> " + c.to())
                  .containsExactly("service:a -> service:b");
            });
    assertThat(all(during)).allSatisfy(i -> assertThat(i.id()).isEqualTo(opened.get(0).id()));

    List<Incident> resolved = all(after);
    assertThat(resolved)
        .singleElement()
        .satisfies(
            i -> {
              assertThat(i.id()).isEqualTo(opened.get(0).id());
              assertThat(i.status()).isEqualTo(IncidentStatus.RESOLVED);
            });
    // The fault leaves "now" within current.windows, then resolve.windows quiet windows pass.
    int resolvedAt = after.indexOf(after.stream().filter(l -> !l.isEmpty()).findFirst().get());
    assertThat(resolvedAt)
        .isBetween(
            settings.resolveWindows() - 1, settings.resolveWindows() + settings.currentWindows());
    assertThat(engine.open()).isEmpty();
  }

  @Test
  void twiceTheLoadAtTheSameLatenciesOpensNothing() {
    feed(60);
    chain.model.requestsPerWindow(100);

    assertThat(all(feed(60))).isEmpty();
  }

  @Test
  void steadyTrafficOpensNothing() {
    assertThat(all(feed(150))).isEmpty();
  }
}
