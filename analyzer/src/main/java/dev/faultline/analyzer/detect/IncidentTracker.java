package dev.faultline.analyzer.detect;

import dev.faultline.analyzer.trace.NodeKey;
import dev.faultline.schemas.incident.BlastRadius;
import dev.faultline.schemas.incident.Candidate;
import dev.faultline.schemas.incident.Containment;
import dev.faultline.schemas.incident.Hop;
import dev.faultline.schemas.incident.Incident;
import dev.faultline.schemas.incident.IncidentStatus;
import dev.faultline.schemas.incident.IncidentType;
import dev.faultline.schemas.incident.RootCause;
import dev.faultline.schemas.incident.Severity;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * One incident per propagating failure: a diagnosis opens an incident once it has lasted {@code
 * openWindows}; later diagnoses of the same failure (same root, or a root on its path, or its root
 * on theirs) update it, with a new revision only when something a responder would act on changed
 * (root cause, type, severity, the path, a storm turning metastable, a queue's cause or state); it
 * resolves after {@code resolveWindows} without one. Ids are stable and deterministic: start time,
 * root node and type.
 *
 * <p>Several failures may be diagnosed in one window. Queue growth is tracked apart from the
 * failures that propagate along calls (cascades, retry storms, shared dependencies, drift): a
 * diagnosis only continues an incident of its own track, and a pending failure is keyed by its root
 * and track, so a backlog at a consumer and a cascade rooted at the same service stay two
 * incidents; except that a young incident of calls with no entry point, rooted at a node on a
 * backlog's path, is taken over by the backlog (a slow consumer shows in its own figures before its
 * queue grows). When two diagnoses of one window describe the same open incident, the first (the
 * engine orders them by priority) updates it and the others are dropped.
 */
final class IncidentTracker {

  private final DetectionSettings settings;
  private final Map<String, Pending> pending = new LinkedHashMap<>();
  private final Map<String, Open> open = new LinkedHashMap<>();

  IncidentTracker(DetectionSettings settings) {
    this.settings = settings;
  }

  private static final class Pending {
    int windows;
    long firstSeenMs;
  }

  private static final class Open {
    Incident incident;
    Diagnosis diagnosis;
    int quietWindows;

    /** Consecutive windows whose diagnosis was milder than the severity published. */
    int milderWindows;

    final Map<NodeKey, Long> anomalousSince = new HashMap<>();
  }

  /** Whether anything is open or about to open (the baseline should not learn from now). */
  boolean busy() {
    return !open.isEmpty() || !pending.isEmpty();
  }

  /** When the earliest open or pending failure started, if any. */
  Optional<Long> earliestStartMs() {
    Long earliest = null;
    for (Pending p : pending.values()) {
      earliest = earliest == null ? p.firstSeenMs : Math.min(earliest, p.firstSeenMs);
    }
    for (Open o : open.values()) {
      long started = Instant.parse(o.incident.startedAt()).toEpochMilli();
      earliest = earliest == null ? started : Math.min(earliest, started);
    }
    return Optional.ofNullable(earliest);
  }

  Collection<Incident> open() {
    return open.values().stream().map(o -> o.incident).toList();
  }

  void restore(Collection<Incident> incidents) {
    for (Incident incident : incidents) {
      Open state = new Open();
      state.incident = incident;
      open.put(incident.id(), state);
    }
  }

  /**
   * Takes this window's diagnoses (with the findings they came from) and returns the incident
   * states they raise.
   */
  List<Incident> update(
      List<Diagnosis> diagnoses,
      Findings findings,
      long windowStartMs,
      long windowEndMs,
      long wallMs) {
    List<Incident> raised = new ArrayList<>();
    Map<String, Boolean> matched = new HashMap<>();
    Map<String, Boolean> seenRoots = new HashMap<>();
    for (Diagnosis diagnosis : diagnoses) {
      Open same = find(diagnosis, findings, windowEndMs);
      if (same != null) {
        if (matched.containsKey(same.incident.id())) {
          continue; // a diagnosis of higher priority already spoke for this incident
        }
        matched.put(same.incident.id(), true);
        Incident updated = revise(same, diagnosis, findings, windowStartMs, windowEndMs, wallMs);
        if (updated != null) {
          raised.add(updated);
        }
        continue;
      }
      String key = pendingKey(diagnosis);
      if (seenRoots.containsKey(key)) {
        continue; // counted once per window
      }
      seenRoots.put(key, true);
      Pending p = pending.computeIfAbsent(key, k -> new Pending());
      if (p.windows == 0) {
        p.firstSeenMs = windowStartMs;
      }
      p.windows++;
      if (p.windows >= settings.openWindows()) {
        pending.remove(key);
        raised.add(
            openIncident(diagnosis, findings, p.firstSeenMs, windowStartMs, windowEndMs, wallMs));
        matched.put(raised.get(raised.size() - 1).id(), true);
      }
    }
    pending.keySet().removeIf(root -> !seenRoots.containsKey(root));
    Iterator<Map.Entry<String, Open>> it = open.entrySet().iterator();
    while (it.hasNext()) {
      Open state = it.next().getValue();
      if (matched.containsKey(state.incident.id())) {
        state.quietWindows = 0;
        continue;
      }
      if (++state.quietWindows >= settings.resolveWindows()) {
        it.remove();
        raised.add(
            with(
                state.incident,
                IncidentStatus.RESOLVED,
                windowEndMs,
                wallMs,
                state.incident.revision() + 1));
      }
    }
    return raised;
  }

  /**
   * An open incident describing the same failure, if any: same root, a root on its path or its root
   * on theirs, or roots that call each other (a better localization of the same failure).
   */
  private Open find(Diagnosis diagnosis, Findings findings, long windowEndMs) {
    for (Open state : open.values()) {
      if (isQueue(state.incident.type()) != isQueue(diagnosis.type())) {
        if (backlogOfSlowConsumer(state, diagnosis, windowEndMs)) {
          return state;
        }
        continue;
      }
      String rootId = state.incident.rootCause().node();
      if (diagnosis.root().toString().equals(rootId)) {
        return state;
      }
      for (Diagnosis.PathNode node : diagnosis.path()) {
        if (node.node().toString().equals(rootId)) {
          return state;
        }
      }
      for (Hop hop : state.incident.path()) {
        if (hop.node().equals(diagnosis.root().toString()) && !hop.role().equals("at-risk")) {
          return state;
        }
      }
      // A neighbour of the root, while the incident is young, is the same failure seen better.
      if (findings != null
          && young(state, windowEndMs)
          && neighbours(findings, diagnosis.root().toString(), rootId)) {
        return state;
      }
    }
    return null;
  }

  /**
   * Whether a queue's backlog is what a young incident of calls was the start of: a slowdown rooted
   * at a node on the backlog's path (its consumer) that reached no entry point. A consumer that
   * slows down shows first in its own figures and only some windows later as a backlog that does
   * not drain; that is one failure, a queue growth, and the incident becomes one. A slowdown that
   * also reaches entry points (the consumer serves requests too) stays an incident of its own.
   */
  private boolean backlogOfSlowConsumer(Open state, Diagnosis diagnosis, long windowEndMs) {
    if (!isQueue(diagnosis.type())
        || isQueue(state.incident.type())
        || !state.incident.blastRadius().entryPoints().isEmpty()) {
      return false;
    }
    String rootId = state.incident.rootCause().node();
    return young(state, windowEndMs)
        && diagnosis.path().stream().anyMatch(node -> node.node().toString().equals(rootId));
  }

  /**
   * Whether the incident may still be refined: within faultline.detect.refinement.ms of its start.
   */
  private boolean young(Open state, long windowEndMs) {
    long age = windowEndMs - Instant.parse(state.incident.startedAt()).toEpochMilli();
    return age <= settings.limits().refinementMs();
  }

  /** Queue growth is tracked apart from the failures that travel along calls. */
  private static boolean isQueue(IncidentType type) {
    return type == IncidentType.QUEUE_GROWTH;
  }

  private static String pendingKey(Diagnosis diagnosis) {
    return diagnosis.root() + (isQueue(diagnosis.type()) ? "|queue" : "|calls");
  }

  private static boolean neighbours(Findings findings, String a, String b) {
    for (dev.faultline.analyzer.graph.EdgeKey edge : findings.edges().keySet()) {
      String caller = edge.caller().toString();
      String callee = edge.callee().toString();
      if ((caller.equals(a) && callee.equals(b)) || (caller.equals(b) && callee.equals(a))) {
        return true;
      }
    }
    return false;
  }

  private Incident openIncident(
      Diagnosis diagnosis,
      Findings findings,
      long startedMs,
      long windowStartMs,
      long windowEndMs,
      long wallMs) {
    Open state = new Open();
    String id =
        "inc-"
            + startedMs
            + "-"
            + Integer.toHexString(
                Objects.hash(diagnosis.root().toString(), diagnosis.type().name()));
    state.diagnosis = diagnosis;
    for (Diagnosis.PathNode node : diagnosis.path()) {
      state.anomalousSince.putIfAbsent(
          node.node(), node.role().equals("root") ? startedMs : windowStartMs);
    }
    state.incident =
        build(
            id, IncidentStatus.OPEN, 1, diagnosis, findings, state, startedMs, windowEndMs, wallMs);
    open.put(id, state);
    return state.incident;
  }

  /** A new revision when the diagnosis changed materially; null when nothing worth saying. */
  private Incident revise(
      Open state,
      Diagnosis diagnosis,
      Findings findings,
      long windowStartMs,
      long windowEndMs,
      long wallMs) {
    for (Diagnosis.PathNode node : diagnosis.path()) {
      state.anomalousSince.putIfAbsent(node.node(), windowStartMs);
    }
    diagnosis = steadySeverity(state, diagnosis);
    Diagnosis before = state.diagnosis;
    state.diagnosis = diagnosis;
    boolean changed =
        before == null
            || !before.root().equals(diagnosis.root())
            || before.type() != diagnosis.type()
            || before.severity() != diagnosis.severity()
            || before.path().size() != diagnosis.path().size()
            // A storm outliving its trigger, or a queue's cause or state, changes what to do.
            || !Objects.equals(
                before.details().get("metastable"), diagnosis.details().get("metastable"))
            || !Objects.equals(before.details().get("cause"), diagnosis.details().get("cause"))
            || !Objects.equals(before.details().get("state"), diagnosis.details().get("state"));
    if (!changed) {
      return null;
    }
    long started = Instant.parse(state.incident.startedAt()).toEpochMilli();
    state.incident =
        build(
            state.incident.id(),
            IncidentStatus.UPDATED,
            state.incident.revision() + 1,
            diagnosis,
            findings,
            state,
            started,
            windowEndMs,
            wallMs);
    return state.incident;
  }

  /**
   * The diagnosis with the severity to publish: a graver one at once (it may page someone), a
   * milder one only once it has lasted {@code resolve.windows} windows, as long as the incident's
   * resolution would need. An incident whose figures sit at a severity's threshold otherwise flaps
   * between two severities every few windows, a revision each time.
   */
  private Diagnosis steadySeverity(Open state, Diagnosis diagnosis) {
    Severity shown = state.incident.severity();
    if (diagnosis.severity().ordinal() <= shown.ordinal()) {
      state.milderWindows = 0;
      return diagnosis;
    }
    if (++state.milderWindows >= settings.resolveWindows()) {
      state.milderWindows = 0;
      return diagnosis;
    }
    return diagnosis.withSeverity(shown);
  }

  private static Incident build(
      String id,
      IncidentStatus status,
      int revision,
      Diagnosis diagnosis,
      Findings findings,
      Open state,
      long startedMs,
      long eventMs,
      long wallMs) {
    double total = diagnosis.candidates().stream().mapToDouble(Diagnosis.Scored::impactMs).sum();
    List<Candidate> candidates = new ArrayList<>();
    for (Diagnosis.Scored scored :
        diagnosis.candidates().subList(0, Math.min(5, diagnosis.candidates().size()))) {
      candidates.add(
          new Candidate(
              scored.node().toString(),
              scored.node().name(),
              scored.operation(),
              total <= 0 ? 0 : Propagation.round(scored.impactMs() / total)));
    }
    List<Hop> path = new ArrayList<>();
    for (Diagnosis.PathNode node : diagnosis.path()) {
      Long since = state.anomalousSince.get(node.node());
      path.add(
          new Hop(
              node.node().toString(),
              node.node().name(),
              node.operation(),
              node.role(),
              since == null ? null : Instant.ofEpochMilli(since).toString(),
              node.evidence()));
    }
    for (NodeKey risk : diagnosis.atRisk()) {
      path.add(new Hop(risk.toString(), risk.name(), null, "at-risk", null, List.of()));
    }
    List<String> services = new ArrayList<>();
    for (Diagnosis.PathNode node : diagnosis.path()) {
      if (!services.contains(node.node().name())) {
        services.add(node.node().name());
      }
    }
    List<Containment> containment = ContainmentPlanner.plan(findings, diagnosis);
    String title = title(diagnosis);
    return new Incident(
        id,
        diagnosis.type(),
        status,
        diagnosis.severity(),
        title,
        Instant.ofEpochMilli(eventMs).toString(),
        Instant.ofEpochMilli(wallMs).toString(),
        Instant.ofEpochMilli(startedMs).toString(),
        revision,
        new RootCause(
            diagnosis.root().toString(),
            diagnosis.root().name(),
            diagnosis.rootOperation(),
            candidates.isEmpty() ? 1 : candidates.get(0).score(),
            diagnosis.evidence()),
        candidates,
        path,
        new BlastRadius(
            services,
            diagnosis.entryPoints(),
            diagnosis.atRisk().stream().map(NodeKey::name).toList(),
            diagnosis.explainedShare()),
        diagnosis.amplification(),
        containment,
        exemplars(findings, diagnosis),
        diagnosis.details());
  }

  private static List<String> exemplars(Findings findings, Diagnosis diagnosis) {
    return List.copyOf(diagnosis.exemplars());
  }

  private static String title(Diagnosis diagnosis) {
    String root =
        diagnosis.root().name()
            + (diagnosis.rootOperation() == null ? "" : " " + diagnosis.rootOperation());
    String reach =
        diagnosis.entryPoints().isEmpty()
            ? ""
            : " reaching "
                + String.join(
                    ", ",
                    diagnosis
                        .entryPoints()
                        .subList(0, Math.min(2, diagnosis.entryPoints().size())));
    return switch (diagnosis.type()) {
      case CASCADING_LATENCY -> "Latency from " + root + " propagating" + reach;
      case ERROR_CASCADE -> "Errors from " + root + " propagating" + reach;
      case RETRY_STORM ->
          (Boolean.TRUE.equals(diagnosis.details().get("metastable"))
                  ? "Metastable retry storm"
                  : "Retry storm")
              + " on the path to "
              + root
              + reach;
      case QUEUE_GROWTH ->
          "Queue "
              + diagnosis.details().getOrDefault("queue", diagnosis.root().name())
              + " is growing: "
              + diagnosis.details().getOrDefault("cause", "cause")
              + " "
              + root;
      case SHARED_DEPENDENCY -> "Shared dependency " + root + " degrading its callers" + reach;
      case TOPOLOGY_DRIFT -> "Behaviour of " + root + " changed" + reach;
    };
  }

  private static Incident with(
      Incident incident, IncidentStatus status, long eventMs, long wallMs, int revision) {
    return new Incident(
        incident.id(),
        incident.type(),
        status,
        incident.severity(),
        incident.title(),
        Instant.ofEpochMilli(eventMs).toString(),
        Instant.ofEpochMilli(wallMs).toString(),
        incident.startedAt(),
        revision,
        incident.rootCause(),
        incident.candidates(),
        incident.path(),
        incident.blastRadius(),
        incident.amplification(),
        incident.containment(),
        incident.exemplarTraceIds(),
        incident.details());
  }
}
