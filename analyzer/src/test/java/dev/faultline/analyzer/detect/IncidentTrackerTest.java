package dev.faultline.analyzer.detect;

import static org.assertj.core.api.Assertions.assertThat;

import dev.faultline.analyzer.config.AnalyzerConfig;
import dev.faultline.analyzer.graph.GraphSnapshot;
import dev.faultline.analyzer.trace.NodeKey;
import dev.faultline.schemas.incident.Incident;
import dev.faultline.schemas.incident.IncidentStatus;
import dev.faultline.schemas.incident.IncidentType;
import dev.faultline.schemas.incident.Severity;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class IncidentTrackerTest {
  private static final long T0 = 1_700_000_000_000L;
  private static final long WALL = 1_800_000_000_000L;

  private final DetectionSettings settings =
      DetectionSettings.of(
          new AnalyzerConfig(
              Map.of(
                  AnalyzerConfig.DETECT_OPEN_WINDOWS, "3",
                  AnalyzerConfig.DETECT_RESOLVE_WINDOWS, "4")));
  private final IncidentTracker tracker = new IncidentTracker(settings);
  private final Findings noFindings =
      new Findings(Map.of(), Map.of(), 0, settings, GraphSnapshot.merge(List.of()));
  private int window;

  private static Diagnosis diagnosis(String root, Severity severity, String... path) {
    return diagnosis(root, severity, List.of(), path);
  }

  /** A diagnosis whose path reaches these entry points. */
  private static Diagnosis diagnosis(
      String root, Severity severity, List<String> entryPoints, String... path) {
    List<Diagnosis.PathNode> nodes = new ArrayList<>();
    nodes.add(new Diagnosis.PathNode(NodeKey.service(root), "Get", "root", List.of()));
    for (int i = 0; i < path.length; i++) {
      nodes.add(
          new Diagnosis.PathNode(
              NodeKey.service(path[i]),
              "Get",
              i == path.length - 1 ? "entry" : "propagating",
              List.of()));
    }
    return new Diagnosis(
        IncidentType.CASCADING_LATENCY,
        NodeKey.service(root),
        "Get",
        40,
        List.of(),
        List.of(new Diagnosis.Scored(NodeKey.service(root), "Get", 40)),
        nodes,
        List.of(),
        entryPoints,
        null,
        severity,
        List.of(),
        null,
        List.of());
  }

  private static long startOf(int window) {
    return T0 + window * 2_000L;
  }

  /** The next 2 s window, with these diagnoses. */
  private List<Incident> next(Diagnosis... diagnoses) {
    int w = window++;
    return tracker.update(List.of(diagnoses), noFindings, startOf(w), startOf(w) + 2_000, WALL);
  }

  @Test
  void opensOnlyAfterTheConfiguredConsecutiveWindows() {
    Diagnosis d = diagnosis("b", Severity.MAJOR, "a", "frontend");

    assertThat(next(d)).isEmpty();
    assertThat(tracker.busy()).isTrue(); // pending: the engine freezes its baseline
    assertThat(tracker.open()).isEmpty();
    assertThat(next(d)).isEmpty();
    List<Incident> raised = next(d);

    assertThat(raised)
        .singleElement()
        .satisfies(
            incident -> {
              assertThat(incident.status()).isEqualTo(IncidentStatus.OPEN);
              assertThat(incident.revision()).isEqualTo(1);
              assertThat(incident.rootCause().node()).isEqualTo("service:b");
              assertThat(incident.rootCause().operation()).isEqualTo("Get");
              // Started when the failure was first seen, not when the incident opened.
              assertThat(incident.startedAt()).isEqualTo(Instant.ofEpochMilli(T0).toString());
              assertThat(incident.eventTime())
                  .isEqualTo(Instant.ofEpochMilli(startOf(2) + 2_000).toString());
              assertThat(incident.detectedAt()).isEqualTo(Instant.ofEpochMilli(WALL).toString());
              assertThat(incident.id()).startsWith("inc-" + T0 + "-");
              assertThat(incident.path())
                  .extracting(h -> h.service() + ":" + h.role())
                  .containsExactly("b:root", "a:propagating", "frontend:entry");
              assertThat(incident.title()).isEqualTo("Latency from b Get propagating");
            });
    assertThat(tracker.open()).hasSize(1);
  }

  @Test
  void aWindowWithoutTheFindingRestartsThePendingCount() {
    Diagnosis d = diagnosis("b", Severity.MAJOR, "a");

    next(d);
    next(d);
    assertThat(next()).isEmpty();
    assertThat(tracker.busy()).isFalse();
    next(d);
    next(d);
    List<Incident> raised = next(d);

    assertThat(raised)
        .singleElement()
        .extracting(Incident::startedAt)
        .isEqualTo(Instant.ofEpochMilli(startOf(3)).toString());
  }

  @Test
  void materialChangesAreRevisionsAndRepeatsAreSilent() {
    Diagnosis d = diagnosis("b", Severity.MAJOR, "a");
    next(d);
    next(d);
    String id = next(d).get(0).id();

    assertThat(next(d)).isEmpty(); // nothing a responder would act on changed
    List<Incident> severer = next(diagnosis("b", Severity.CRITICAL, "a"));
    List<Incident> longer = next(diagnosis("b", Severity.CRITICAL, "a", "frontend"));

    assertThat(severer)
        .singleElement()
        .satisfies(
            i -> {
              assertThat(i.id()).isEqualTo(id);
              assertThat(i.status()).isEqualTo(IncidentStatus.UPDATED);
              assertThat(i.revision()).isEqualTo(2);
              assertThat(i.severity()).isEqualTo(Severity.CRITICAL);
            });
    assertThat(longer)
        .singleElement()
        .satisfies(
            i -> {
              assertThat(i.id()).isEqualTo(id);
              assertThat(i.revision()).isEqualTo(3);
              assertThat(i.path()).hasSize(3);
            });
  }

  @Test
  void aDiagnosisWhosePathHoldsTheRootUpdatesTheSameIncident() {
    Diagnosis d = diagnosis("b", Severity.MAJOR, "a");
    next(d);
    next(d);
    String id = next(d).get(0).id();

    // The same failure, now localized one hop further down (c under b).
    List<Incident> raised = next(diagnosis("c", Severity.MAJOR, "b", "a"));

    assertThat(raised)
        .singleElement()
        .satisfies(
            i -> {
              assertThat(i.id()).isEqualTo(id);
              assertThat(i.status()).isEqualTo(IncidentStatus.UPDATED);
              assertThat(i.rootCause().node()).isEqualTo("service:c");
            });
    assertThat(tracker.open()).hasSize(1);
  }

  @Test
  void resolvesAfterTheConfiguredQuietWindows() {
    Diagnosis d = diagnosis("b", Severity.MAJOR, "a");
    next(d);
    next(d);
    Incident opened = next(d).get(0);

    assertThat(next()).isEmpty();
    assertThat(next()).isEmpty();
    next(d); // back within the resolve windows: the quiet count starts over
    assertThat(next()).isEmpty();
    assertThat(next()).isEmpty();
    assertThat(next()).isEmpty();
    int last = window;
    List<Incident> raised = next();

    assertThat(raised)
        .singleElement()
        .satisfies(
            i -> {
              assertThat(i.id()).isEqualTo(opened.id());
              assertThat(i.status()).isEqualTo(IncidentStatus.RESOLVED);
              assertThat(i.revision()).isEqualTo(2);
              assertThat(i.startedAt()).isEqualTo(opened.startedAt());
              assertThat(i.eventTime())
                  .isEqualTo(Instant.ofEpochMilli(startOf(last) + 2_000).toString());
            });
    assertThat(tracker.open()).isEmpty();
    assertThat(tracker.busy()).isFalse();
  }

  @Test
  void idsAreDeterministicFromStartAndRoot() {
    Diagnosis d = diagnosis("b", Severity.MAJOR, "a");
    next(d);
    next(d);
    String first = next(d).get(0).id();

    IncidentTracker again = new IncidentTracker(settings);
    again.update(List.of(d), noFindings, startOf(0), startOf(0) + 2_000, WALL + 5);
    again.update(List.of(d), noFindings, startOf(1), startOf(1) + 2_000, WALL + 6);
    String second =
        again.update(List.of(d), noFindings, startOf(2), startOf(2) + 2_000, WALL + 7).get(0).id();
    IncidentTracker other = new IncidentTracker(settings);
    Diagnosis elsewhere = diagnosis("c", Severity.MAJOR, "a");
    other.update(List.of(elsewhere), noFindings, startOf(0), startOf(0) + 2_000, WALL);
    other.update(List.of(elsewhere), noFindings, startOf(1), startOf(1) + 2_000, WALL);
    String third =
        other
            .update(List.of(elsewhere), noFindings, startOf(2), startOf(2) + 2_000, WALL)
            .get(0)
            .id();

    assertThat(second).isEqualTo(first);
    assertThat(third).startsWith("inc-" + T0 + "-").isNotEqualTo(first);
  }

  @Test
  void aRestoredIncidentIsUpdatedNotReopened() {
    Diagnosis d = diagnosis("b", Severity.MAJOR, "a");
    next(d);
    next(d);
    Incident opened = next(d).get(0);
    IncidentTracker restarted = new IncidentTracker(settings);
    restarted.restore(List.of(opened));

    List<Incident> raised =
        restarted.update(List.of(d), noFindings, startOf(9), startOf(9) + 2_000, WALL);

    assertThat(raised)
        .singleElement()
        .satisfies(
            i -> {
              assertThat(i.id()).isEqualTo(opened.id());
              assertThat(i.status()).isEqualTo(IncidentStatus.UPDATED);
              assertThat(i.revision()).isEqualTo(2);
            });
  }

  private static Diagnosis ofType(Diagnosis d, IncidentType type) {
    return new Diagnosis(
        type,
        d.root(),
        d.rootOperation(),
        d.impactMs(),
        d.evidence(),
        d.candidates(),
        d.path(),
        d.atRisk(),
        d.entryPoints(),
        d.explainedShare(),
        d.severity(),
        d.amplification(),
        d.details(),
        d.exemplars());
  }

  @Test
  void aQueueBacklogAndACascadeAtTheSameRootAreTwoIncidentsWithTheirOwnIds() {
    // b serves requests (the cascade reaches an entry point) and consumes a queue.
    Diagnosis cascade = diagnosis("b", Severity.MAJOR, List.of("frontend/Get"), "a", "frontend");
    Diagnosis backlog = ofType(diagnosis("b", Severity.MINOR), IncidentType.QUEUE_GROWTH);

    next(cascade, backlog);
    next(cascade, backlog);
    List<Incident> raised = next(cascade, backlog);

    assertThat(raised)
        .extracting(Incident::type, Incident::status)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple(
                IncidentType.CASCADING_LATENCY, IncidentStatus.OPEN),
            org.assertj.core.groups.Tuple.tuple(IncidentType.QUEUE_GROWTH, IncidentStatus.OPEN));
    assertThat(raised.get(0).id()).isNotEqualTo(raised.get(1).id());
    // Each goes on being updated by its own kind of diagnosis only.
    assertThat(next(cascade, backlog)).isEmpty();
    assertThat(tracker.open()).hasSize(2);
  }

  @Test
  void aSecondDiagnosisOfTheSameIncidentInOneWindowIsDropped() {
    Diagnosis d = diagnosis("b", Severity.MAJOR, "a", "frontend");
    next(d);
    next(d);
    next(d);
    Diagnosis retry =
        ofType(diagnosis("b", Severity.CRITICAL, "a", "frontend"), IncidentType.RETRY_STORM);

    // The first diagnosis speaks for the incident; the other would have changed type and severity.
    assertThat(next(d, retry)).isEmpty();
    assertThat(tracker.open())
        .singleElement()
        .satisfies(i -> assertThat(i.type()).isEqualTo(IncidentType.CASCADING_LATENCY));
  }

  @Test
  void aBacklogAtTheConsumerOfAYoungSlowdownWithoutEntryPointsRetypesIt() {
    // A consumer slows down: its own figures show it first (no entry point is hit), the backlog
    // of its queue windows later. One failure, one incident, which becomes a queue growth.
    Diagnosis slowdown = diagnosis("worker", Severity.MINOR);
    Diagnosis backlog =
        ofType(diagnosis("worker", Severity.MAJOR, "orders-queue"), IncidentType.QUEUE_GROWTH);
    next(slowdown);
    next(slowdown);
    Incident opened = next(slowdown).get(0);
    assertThat(opened.type()).isEqualTo(IncidentType.CASCADING_LATENCY);

    // The engine drops the slowdown's diagnosis once its queue's backlog explains it.
    List<Incident> raised = next(backlog);

    assertThat(raised)
        .singleElement()
        .satisfies(
            i -> {
              assertThat(i.id()).isEqualTo(opened.id());
              assertThat(i.status()).isEqualTo(IncidentStatus.UPDATED);
              assertThat(i.type()).isEqualTo(IncidentType.QUEUE_GROWTH);
            });
    assertThat(tracker.open())
        .singleElement()
        .extracting(Incident::type)
        .isEqualTo(IncidentType.QUEUE_GROWTH);
  }

  @Test
  void aGraverSeverityShowsAtOnceAndAMilderOneOnlyOnceItLasts() {
    Diagnosis major = diagnosis("b", Severity.MAJOR, "a", "frontend");
    Diagnosis critical = diagnosis("b", Severity.CRITICAL, "a", "frontend");
    next(major);
    next(major);
    next(major);

    assertThat(next(critical))
        .singleElement()
        .extracting(Incident::severity)
        .isEqualTo(Severity.CRITICAL);
    // Milder for fewer than resolve.windows (4) windows: no revision, still critical.
    assertThat(next(major)).isEmpty();
    assertThat(next(major)).isEmpty();
    assertThat(next(critical)).isEmpty(); // the count starts again
    assertThat(next(major)).isEmpty();
    assertThat(next(major)).isEmpty();
    assertThat(next(major)).isEmpty();
    assertThat(tracker.open())
        .singleElement()
        .extracting(Incident::severity)
        .isEqualTo(Severity.CRITICAL);

    assertThat(next(major))
        .singleElement()
        .extracting(Incident::severity)
        .isEqualTo(Severity.MAJOR);
  }
}
