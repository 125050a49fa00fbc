package dev.faultline.analyzer.config;

import dev.faultline.ingest.config.IngestConfig;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Range;
import org.apache.kafka.common.config.ConfigDef.Type;
import org.apache.kafka.common.config.ConfigDef.ValidString;
import org.apache.kafka.common.config.types.Password;

/**
 * Every setting of a Faultline instance: the ingest keys plus the analyzer's. Parsed and validated
 * once at start-up; a bad value fails with a message naming the key. {@code docs/configuration.md}
 * lists them all (generated from {@link #CONFIG} by {@code faultline config --markdown}).
 */
public final class AnalyzerConfig extends AbstractConfig {
  public static final String APPLICATION_ID = "faultline.application.id";
  public static final String STATE_DIR = "faultline.state.dir";
  public static final String PROCESSING_GUARANTEE = "faultline.processing.guarantee";
  public static final String STREAM_THREADS = "faultline.stream.threads";
  public static final String STANDBY_REPLICAS = "faultline.standby.replicas";
  public static final String COMMIT_INTERVAL_MS = "faultline.commit.interval.ms";
  public static final String API_HOST = "faultline.api.host";
  public static final String API_PORT = "faultline.api.port";
  public static final String API_ADVERTISED_HOST = "faultline.api.advertised.host";
  public static final String API_AUTH_TOKEN = "faultline.api.auth.token";
  public static final String API_TLS_KEYSTORE_PATH = "faultline.api.tls.keystore.path";
  public static final String API_TLS_KEYSTORE_PASSWORD = "faultline.api.tls.keystore.password";
  public static final String API_TLS_KEYSTORE_TYPE = "faultline.api.tls.keystore.type";
  public static final String API_CORS_ORIGINS = "faultline.api.cors.allowed.origins";
  public static final String API_RATE_LIMIT = "faultline.api.rate.limit";
  public static final String API_MAX_REQUEST_BYTES = "faultline.api.max.request.bytes";
  public static final String WINDOW_MAX_NODES = "faultline.window.max.nodes";
  public static final String WINDOW_MAX_OPERATIONS = "faultline.window.max.operations";
  public static final String WINDOW_MAX_EDGES = "faultline.window.max.edges";
  public static final String GRAPH_TOPIC = "faultline.graph.topic";
  public static final String ALERTS_TOPIC = "faultline.alerts.topic";
  public static final String ALERTS_FORMAT = "faultline.alerts.format";
  public static final String PAIRING_TIMEOUT_MS = "faultline.trace.pairing.timeout.ms";
  public static final String TRACE_RETENTION_MS = "faultline.trace.retention.ms";
  public static final String TRACE_MAX_SPANS = "faultline.trace.max.spans";
  public static final String TRACE_MAX_IN_FLIGHT = "faultline.trace.max.in.flight";
  public static final String TRACE_CACHE_TRACES = "faultline.trace.cache.traces";
  public static final String TRACE_BATCHES_BY_REFERENCE = "faultline.trace.batches.by.reference";
  private static final int AUTO_TRACE_CACHE = -1;
  public static final String WINDOW_SIZE_MS = "faultline.window.size.ms";
  public static final String WINDOW_GRACE_MS = "faultline.window.grace.ms";
  public static final String WATERMARK_IDLE_MS = "faultline.watermark.idle.ms";
  public static final String GRAPH_FINALIZE_TIMEOUT_MS = "faultline.graph.finalize.timeout.ms";
  public static final String GRAPH_HISTORY_MS = "faultline.graph.history.ms";
  public static final String DETECT_CURRENT_WINDOWS = "faultline.detect.current.windows";
  public static final String DETECT_CURRENT_MAX_WINDOWS = "faultline.detect.current.max.windows";
  public static final String DETECT_MIN_EXPLAINED_SHARE = "faultline.detect.min.explained.share";
  public static final String DETECT_STRONG_RATIO = "faultline.detect.strong.ratio";
  public static final String DETECT_BASELINE_MIN_WINDOWS = "faultline.detect.baseline.min.windows";
  public static final String DETECT_BASELINE_MAX_WINDOWS = "faultline.detect.baseline.max.windows";
  public static final String DETECT_LATENCY_Z = "faultline.detect.latency.z";
  public static final String DETECT_LATENCY_RATIO = "faultline.detect.latency.ratio";
  public static final String DETECT_LATENCY_MIN_MS = "faultline.detect.latency.min.ms";
  public static final String DETECT_ERROR_Z = "faultline.detect.error.z";
  public static final String DETECT_ERROR_MIN_RATE = "faultline.detect.error.min.rate";
  public static final String DETECT_MIN_SAMPLES = "faultline.detect.min.samples";
  public static final String DETECT_STRUCTURE_Z = "faultline.detect.structure.z";
  public static final String DETECT_STRUCTURE_MIN_CHANGE = "faultline.detect.structure.min.change";
  public static final String DETECT_RETRY_MIN_SHARE = "faultline.detect.retry.min.share";
  public static final String DETECT_RETRY_MIN_AMPLIFICATION =
      "faultline.detect.retry.min.amplification";
  public static final String DETECT_QUEUE_WAIT_RATIO = "faultline.detect.queue.wait.ratio";
  public static final String DETECT_QUEUE_WAIT_MIN_MS = "faultline.detect.queue.wait.min.ms";
  public static final String DETECT_QUEUE_WINDOWS = "faultline.detect.queue.windows";
  public static final String DETECT_QUEUE_STOP_SHARE = "faultline.detect.queue.stop.share";
  public static final String DETECT_QUEUE_BURST_RATIO = "faultline.detect.queue.burst.ratio";
  public static final String DETECT_DRIFT_MIN_SHARE_DELTA =
      "faultline.detect.drift.min.share.delta";
  public static final String DETECT_DRIFT_RATIO = "faultline.detect.drift.ratio";
  public static final String DETECT_SEVERITY_ERROR_RISE =
      "faultline.detect.severity.critical.error.rise";
  public static final String DETECT_SEVERITY_LATENCY_RATIO =
      "faultline.detect.severity.critical.latency.ratio";
  public static final String DETECT_STRONG_ERROR_RISE = "faultline.detect.strong.error.rise";
  public static final String DETECT_STRUCTURE_MIN_IMPACT = "faultline.detect.structure.min.impact";
  public static final String DETECT_STRUCTURE_SHARED_FACTOR =
      "faultline.detect.structure.shared.callee.factor";
  public static final String DETECT_CONTAINMENT_RETRY_SHARE =
      "faultline.detect.containment.retry.share";
  public static final String DETECT_REFINEMENT_MS = "faultline.detect.refinement.ms";
  public static final String DETECT_QUEUE_BACKLOG_Z = "faultline.detect.queue.backlog.z";
  public static final String DETECT_RETRY_RECOVERED_RATIO =
      "faultline.detect.retry.recovered.ratio";
  public static final String DETECT_RETRY_INSTANCE_SHARE = "faultline.detect.retry.instance.share";
  public static final String DETECT_OPEN_WINDOWS = "faultline.detect.open.windows";
  public static final String DETECT_RESOLVE_WINDOWS = "faultline.detect.resolve.windows";
  public static final String DETECT_MIN_IMPACT_MS = "faultline.detect.min.impact.ms";

  /** Every key of a Faultline instance. */
  public static final ConfigDef CONFIG = define(IngestConfig.define(new ConfigDef()));

  private final IngestConfig ingest;

  public AnalyzerConfig(Map<?, ?> values) {
    super(CONFIG, values, false);
    this.ingest = new IngestConfig(ingestValues(values));
  }

  private static Map<?, ?> ingestValues(Map<?, ?> values) {
    Map<Object, Object> out = new java.util.HashMap<>();
    values.forEach(
        (key, value) -> {
          if (IngestConfig.CONFIG.names().contains(String.valueOf(key))) {
            out.put(key, value);
          }
        });
    return out;
  }

  private static ConfigDef define(ConfigDef def) {
    return def.define(
            APPLICATION_ID,
            Type.STRING,
            "faultline",
            new ConfigDef.NonEmptyString(),
            Importance.HIGH,
            "Kafka Streams application id: instances with the same id share the work; it"
                + " prefixes the internal topics and the consumer group.")
        .define(
            STATE_DIR,
            Type.STRING,
            System.getProperty("java.io.tmpdir") + "/faultline-state",
            Importance.HIGH,
            "Directory of the local state stores (RocksDB). Give each instance a persistent one"
                + " in production so that a restart does not rebuild state from the changelogs.")
        .define(
            PROCESSING_GUARANTEE,
            Type.STRING,
            "exactly_once_v2",
            ValidString.in("exactly_once_v2", "at_least_once"),
            Importance.MEDIUM,
            "Kafka Streams processing guarantee. exactly_once_v2 (the default) never duplicates"
                + " an incident state or a span after a crash, provided readers of the output"
                + " topics use isolation.level=read_committed; its costs are a transaction per"
                + " commit interval and output visible only at commits. at_least_once may repeat"
                + " the work since the last commit after a crash (duplicate states on"
                + " faultline.alerts); it measured no faster here (docs/reliability.md).")
        .define(
            STREAM_THREADS,
            Type.INT,
            1,
            Range.atLeast(0),
            Importance.MEDIUM,
            "Stream threads of this instance; 0 is one per processor the JVM sees (its"
                + " container's CPU limit). Threads beyond this instance's share of the input's"
                + " partitions stand idle. On 2 cores shared with a broker, two threads measured"
                + " no faster than one (docs/performance.md).")
        .define(
            STANDBY_REPLICAS,
            Type.INT,
            0,
            Range.between(0, 10),
            Importance.MEDIUM,
            "Standby replicas of every store (Kafka Streams' num.standby.replicas): other"
                + " instances keep a warm copy of each task's state by reading its changelog. With"
                + " 0 an instance that takes over a failed one's tasks first rebuilds their state"
                + " from the changelogs; with 1 or more it starts from its copy, at the price of"
                + " reading every changelog once more per standby.")
        .define(
            COMMIT_INTERVAL_MS,
            Type.LONG,
            200L,
            Range.atLeast(10),
            Importance.MEDIUM,
            "How often Kafka Streams commits (a transaction with exactly_once_v2). Each commit"
                + " flushes the stores and waits for the broker to acknowledge what was written, so"
                + " shorter commits can cost throughput (none measured between 100 ms and 1 s on"
                + " 2 cores); longer ones delay what others read under exactly_once_v2 (window"
                + " parts reach the graph stage, and incidents faultline.alerts, at a commit: with"
                + " 1 s the live detection latency was 1.5 s longer) and grow the work redone"
                + " after a crash. Until 2026-11-27 this was 1 s (Kafka Streams' own default under"
                + " exactly-once is 100 ms).")
        .define(
            API_HOST,
            Type.STRING,
            "0.0.0.0",
            Importance.MEDIUM,
            "Address the HTTP API and the web page bind to.")
        .define(
            API_PORT,
            Type.INT,
            8080,
            Range.between(0, 65_535),
            Importance.MEDIUM,
            "Port of the HTTP API and the web page; 0 picks a free one.")
        .define(
            API_ADVERTISED_HOST,
            Type.STRING,
            "",
            Importance.MEDIUM,
            "Host name other instances use to reach this one's API (interactive queries);"
                + " empty means this machine's host name.")
        .define(
            API_AUTH_TOKEN,
            Type.PASSWORD,
            null,
            Importance.MEDIUM,
            "When set, the API and /metrics answer only requests with 'Authorization: Bearer"
                + " <token>' (others get 401 with WWW-Authenticate); /health and the web page's"
                + " static files stay open. Instances forward trace queries to each other with it."
                + " Never logged.")
        .define(
            API_TLS_KEYSTORE_PATH,
            Type.STRING,
            "",
            Importance.MEDIUM,
            "A keystore (PKCS12 by default) with the API's key and certificate: when set, the"
                + " API and the web page are served over HTTPS only.")
        .define(
            API_TLS_KEYSTORE_PASSWORD,
            Type.PASSWORD,
            null,
            Importance.MEDIUM,
            "Password of the keystore (and of its key). Never logged.")
        .define(
            API_TLS_KEYSTORE_TYPE,
            Type.STRING,
            "PKCS12",
            ValidString.in("PKCS12", "JKS"),
            Importance.LOW,
            "Type of the keystore.")
        .define(
            API_CORS_ORIGINS,
            Type.LIST,
            List.of(),
            Importance.LOW,
            "Origins (e.g. https://grafana.example.com, or *) whose pages may call the API from"
                + " a browser. Empty (the default): no CORS headers, so browsers keep other"
                + " origins out.")
        .define(
            API_RATE_LIMIT,
            Type.DOUBLE,
            50.0,
            Range.atLeast(0),
            Importance.LOW,
            "Requests a second each client address may make to the API on average (bursts of"
                + " twice that, at least 10); more get 429 with Retry-After. 0 turns it off.")
        .define(
            API_MAX_REQUEST_BYTES,
            Type.INT,
            16_384,
            Range.atLeast(1_024),
            Importance.LOW,
            "Longest request target (path and query) and largest body the API accepts; longer"
                + " targets get 414, larger bodies 413.")
        .define(
            GRAPH_TOPIC,
            Type.STRING,
            "faultline.graph",
            new ConfigDef.NonEmptyString(),
            Importance.MEDIUM,
            "Topic of the merged per-window statistics of every edge and node (one partition);"
                + " every instance reads it into its copy of the live graph.")
        .define(
            ALERTS_TOPIC,
            Type.STRING,
            "faultline.alerts",
            new ConfigDef.NonEmptyString(),
            Importance.HIGH,
            "Topic of the incidents: key = incident id, value = the incident as JSON, published"
                + " again on every update until it resolves (compacted).")
        .define(
            ALERTS_FORMAT,
            Type.STRING,
            "json",
            ConfigDef.ValidString.in("json", "cloudevents"),
            Importance.MEDIUM,
            "Value format of the alerts topic: json (the incident itself) or cloudevents"
                + " (CloudEvents 1.0 structured mode: an envelope with specversion, id, source,"
                + " type dev.faultline.incident.opened|updated|resolved, subject = incident id,"
                + " time, and the incident in data; header content-type"
                + " application/cloudevents+json). Faultline's own readers accept both.")
        .define(
            PAIRING_TIMEOUT_MS,
            Type.LONG,
            10_000L,
            Range.atLeast(100),
            Importance.MEDIUM,
            "Event time after a trace's latest span at which its unpaired spans are resolved:"
                + " client spans without a server side become calls to virtual peers, spans whose"
                + " parent never came become entries. Longer catches slower exporters.")
        .define(
            TRACE_RETENTION_MS,
            Type.LONG,
            300_000L,
            Range.atLeast(1_000),
            Importance.MEDIUM,
            "How long a finished trace stays queryable (GET /api/v1/traces/{id}) after its"
                + " pairing timeout. Disk use grows with span rate times this.")
        .define(
            TRACE_MAX_SPANS,
            Type.INT,
            10_000,
            Range.atLeast(2),
            Importance.LOW,
            "Spans kept per trace; more are dropped and counted"
                + " (faultline_trace_spans_dropped_total).")
        .define(
            TRACE_MAX_IN_FLIGHT,
            Type.INT,
            1_000_000,
            Range.atLeast(100),
            Importance.LOW,
            "Traces being assembled per task; beyond it the oldest are resolved early and"
                + " counted (faultline_trace_evicted_total).")
        .define(
            TRACE_BATCHES_BY_REFERENCE,
            Type.BOOLEAN,
            true,
            Importance.LOW,
            "Trace assembly keeps the bytes of a batch that is an input record as it came in a"
                + " local store without a changelog, and logs only a reference to the record (topic,"
                + " partition, offset): the input topic is their changelog, and an instance that"
                + " takes a task over reads them from it when it needs them. The changelog then"
                + " carries no second copy of the input. Needs the input topic (or"
                + " faultline.spans when the input is not keyed by trace id) to keep records for"
                + " longer than the pairing timeout plus faultline.trace.retention.ms plus an"
                + " hour, under cleanup.policy=delete with no retention.bytes: the analyzer checks"
                + " at start and stores batches by value, saying why, when it does not or cannot"
                + " tell. A record gone anyway is counted (faultline_trace_batches_lost_total).")
        .define(
            TRACE_CACHE_TRACES,
            Type.INT,
            AUTO_TRACE_CACHE,
            Range.atLeast(AUTO_TRACE_CACHE),
            Importance.LOW,
            "Traces being assembled that each task keeps in memory between their batches; the"
                + " rest are read back from the store when their next batch comes (a trace all of"
                + " whose calls were emitted is resolved without reading it back). Each costs"
                + " about 1 KB of heap per span (6,000 cached traces, 102,000 spans, held about"
                + " 100 MB in the bench). -1, the default, sizes it to the heap: one trace per MiB"
                + " of the maximum heap, at least 100 and at most 2,000 (512 with -Xmx512m, 2,000"
                + " from 2 GiB).")
        .define(
            WINDOW_SIZE_MS,
            Type.LONG,
            1_000L,
            Range.atLeast(100),
            Importance.MEDIUM,
            "Length of the statistics windows. Shorter detects sooner (an incident needs"
                + " faultline.detect.open.windows of them after the fault starts, plus the grace);"
                + " longer is less noisy. The detectors' other settings counted in windows"
                + " (baseline, now, queue evaluation, resolution) assume 1 s windows: scale them"
                + " with it. Until 2026-11-27 this was 2 s (see docs/detection.md).")
        .define(
            WINDOW_GRACE_MS,
            Type.LONG,
            1_000L,
            Range.atLeast(0),
            Importance.LOW,
            "How far stream time must pass a window's end before it closes. Later data is not"
                + " dropped: it counts in the oldest open window and as late.")
        .define(
            WATERMARK_IDLE_MS,
            Type.LONG,
            30_000L,
            Range.atLeast(0),
            Importance.LOW,
            "Wall-clock time after which an ingest task (an input partition) that wrote nothing to"
                + " a partition of the spans topic is no longer waited for. Trace resolution and"
                + " windows follow the event time every active ingest task has passed, so that"
                + " tasks catching up on a backlog at different speeds cannot make the others'"
                + " data late; a silent one holds them back this long at most. Longer than the"
                + " time a failed instance's partitions take to move (session timeout plus state"
                + " restore, about 17 s in FailoverIT on a loaded machine), so its backlog is not"
                + " late either. On a first start the watermark waits for as many ingest tasks"
                + " as faultline.topics.partitions to show, or this long after the first batch.")
        .define(
            WINDOW_MAX_NODES,
            Type.INT,
            1_000,
            Range.atLeast(10),
            Importance.LOW,
            "Distinct nodes (services, queues, databases, peers) one task keeps per window; calls"
                + " and visits of further ones count under the node '(other)' of their type.")
        .define(
            WINDOW_MAX_OPERATIONS,
            Type.INT,
            10_000,
            Range.atLeast(10),
            Importance.LOW,
            "Distinct operations (of all nodes) one task keeps per window; further operations"
                + " count as their node's operation '(other)'.")
        .define(
            WINDOW_MAX_EDGES,
            Type.INT,
            20_000,
            Range.atLeast(10),
            Importance.LOW,
            "Distinct edges one task keeps per window; further edges count between the same"
                + " nodes from and to operation '(other)' (past a tenth more, they are dropped)."
                + " Every fold is counted in faultline_window_cardinality_overflow_total{kind} and"
                + " warned about at most every 10 s.")
        .define(
            GRAPH_FINALIZE_TIMEOUT_MS,
            Type.LONG,
            30_000L,
            Range.atLeast(0),
            Importance.LOW,
            "Wall-clock time after which the graph stage stops waiting for a window-stage task"
                + " that sent nothing (a failed instance's task not yet taken over): its windows"
                + " are then published without its part, which counts in a later window when it"
                + " comes. A task that is only behind is waited for, so that windows are not"
                + " published before its part. On a first start (nothing saved) it waits for"
                + " faultline.topics.partitions tasks to show, or this long after the first part."
                + " Until 2026-11 this was event time, 5 s.")
        .define(
            DETECT_CURRENT_WINDOWS,
            Type.INT,
            5,
            Range.atLeast(1),
            Importance.LOW,
            "Windows merged into \"now\", compared with the baseline. More is steadier, fewer is faster.")
        .define(
            DETECT_CURRENT_MAX_WINDOWS,
            Type.INT,
            30,
            Range.atLeast(1),
            Importance.LOW,
            "Windows merged into \"now\" for operations too rare to judge on the shorter one"
                + " (fewer than faultline.detect.min.samples requests): rare operations are judged"
                + " later rather than never.")
        .define(
            DETECT_MIN_EXPLAINED_SHARE,
            Type.DOUBLE,
            0.1,
            Range.between(0, 1),
            Importance.LOW,
            "Share of the entry points' extra latency (or errors) a root cause must explain for an"
                + " incident to open, unless its own change is strong (faultline.detect.strong.ratio):"
                + " users must see it, or it must be severe where it is.")
        .define(
            DETECT_STRONG_RATIO,
            Type.DOUBLE,
            5.0,
            Range.atLeast(1),
            Importance.LOW,
            "How many times its baseline p90 a root cause's own figure (self time, network gap,"
                + " latency into a dependency) must reach to open an incident whatever the entry"
                + " points show.")
        .define(
            DETECT_BASELINE_MIN_WINDOWS,
            Type.INT,
            40,
            Range.atLeast(1),
            Importance.LOW,
            "Windows of baseline needed before anything is judged; with the windows of \"now\" (faultline.detect.current.max.windows) that is the warm-up: 40 + 30 windows of 1 s, about a minute.")
        .define(
            DETECT_BASELINE_MAX_WINDOWS,
            Type.INT,
            300,
            Range.atLeast(1),
            Importance.LOW,
            "The longest history the baseline merges (300 windows of 1 s: five minutes).")
        .define(
            DETECT_LATENCY_Z,
            Type.DOUBLE,
            5.0,
            Range.atLeast(0),
            Importance.LOW,
            "Significance of a latency shift: how far the share of current values above the baseline p90 exceeds the 10 % expected, in standard errors.")
        .define(
            DETECT_LATENCY_RATIO,
            Type.DOUBLE,
            1.5,
            Range.atLeast(1),
            Importance.LOW,
            "How many times its baseline p90 a latency-like figure must reach to count as risen.")
        .define(
            DETECT_LATENCY_MIN_MS,
            Type.DOUBLE,
            2.0,
            Range.atLeast(0),
            Importance.LOW,
            "Smallest rise of a p90 (ms) that counts.")
        .define(
            DETECT_ERROR_Z,
            Type.DOUBLE,
            5.0,
            Range.atLeast(0),
            Importance.LOW,
            "Significance of an error-rate rise, in standard errors of the baseline rate.")
        .define(
            DETECT_ERROR_MIN_RATE,
            Type.DOUBLE,
            0.05,
            Range.between(0, 1),
            Importance.LOW,
            "Smallest rise of an error rate that counts.")
        .define(
            DETECT_MIN_SAMPLES,
            Type.INT,
            8,
            Range.atLeast(1),
            Importance.LOW,
            "Fewest values in \"now\" for any judgement on a node or edge.")
        .define(
            DETECT_STRUCTURE_Z,
            Type.DOUBLE,
            5.0,
            Range.atLeast(0),
            Importance.LOW,
            "Significance of a change in an operation\u2019s calls per request (Poisson standard errors).")
        .define(
            DETECT_STRUCTURE_MIN_CHANGE,
            Type.DOUBLE,
            0.5,
            Range.between(0, 1),
            Importance.LOW,
            "Smallest relative change of calls per request that counts as a structural change.")
        .define(
            DETECT_RETRY_MIN_SHARE,
            Type.DOUBLE,
            0.1,
            Range.between(0, 1),
            Importance.LOW,
            "Share of an edge\u2019s calls that are retries, above which retries drive an incident.")
        .define(
            DETECT_RETRY_MIN_AMPLIFICATION,
            Type.DOUBLE,
            1.3,
            Range.atLeast(1),
            Importance.LOW,
            "Load multiplication along a path (calls at the bottom per request at the top, relative to the baseline) that makes a retry storm.")
        .define(
            DETECT_RETRY_RECOVERED_RATIO,
            Type.DOUBLE,
            2.0,
            Range.atLeast(1),
            Importance.LOW,
            "A storm's root whose completed requests per second reach this many times their rate at the storm's onset, while retries go on, has its capacity back: the storm is metastable.")
        .define(
            DETECT_RETRY_INSTANCE_SHARE,
            Type.DOUBLE,
            0.25,
            Range.between(0, 1),
            Importance.LOW,
            "Largest share of a storm edge's retries made by the caller's other instances when one instance makes the rest: the retries are that instance's own (its retry or timeout settings), and its service is the root cause.")
        .define(
            DETECT_SEVERITY_ERROR_RISE,
            Type.DOUBLE,
            0.2,
            Range.between(0, 1),
            Importance.LOW,
            "Severity: an entry operation whose error rate rose by at least this much makes an incident CRITICAL.")
        .define(
            DETECT_SEVERITY_LATENCY_RATIO,
            Type.DOUBLE,
            3.0,
            Range.atLeast(1),
            Importance.LOW,
            "Severity: an entry operation whose p90 reached this many times its baseline makes an incident CRITICAL.")
        .define(
            DETECT_STRONG_ERROR_RISE,
            Type.DOUBLE,
            0.2,
            Range.between(0, 1),
            Importance.LOW,
            "A root cause whose own failure share rose by at least this much is strong enough to open an incident whatever share of the entry points' degradation it explains.")
        .define(
            DETECT_STRUCTURE_MIN_IMPACT,
            Type.DOUBLE,
            0.05,
            Range.atLeast(0),
            Importance.LOW,
            "Structural change: least change of calls per entry request (summed over a caller's changed edges) that makes a root cause.")
        .define(
            DETECT_STRUCTURE_SHARED_FACTOR,
            Type.DOUBLE,
            1.5,
            Range.atLeast(0),
            Importance.LOW,
            "Structural change: a callee still called by two or more changed callers scores this many times the sum of their changes (its answers changed, the callers reacted).")
        .define(
            DETECT_CONTAINMENT_RETRY_SHARE,
            Type.DOUBLE,
            0.05,
            Range.between(0, 1),
            Importance.LOW,
            "Containment: a cut edge whose retry share is above this gets a retry budget as its mechanism (else a circuit breaker or a bulkhead).")
        .define(
            DETECT_REFINEMENT_MS,
            Type.LONG,
            60_000L,
            Range.atLeast(0),
            Importance.LOW,
            "How long (event time) after it opened an incident may still move its root cause to a"
                + " neighbour on its path (a deeper or better-explained one); after that a new root"
                + " is a new incident.")
        .define(
            DETECT_DRIFT_MIN_SHARE_DELTA,
            Type.DOUBLE,
            0.2,
            Range.between(0, 1),
            Importance.LOW,
            "Instance drift: least difference between one caller instance's failure (or retry)"
                + " share on an edge and its siblings' pooled share, on an edge whose failures or"
                + " retries rose.")
        .define(
            DETECT_DRIFT_RATIO,
            Type.DOUBLE,
            3.0,
            Range.atLeast(1),
            Importance.LOW,
            "Instance drift: least factor between one caller instance's failure (or retry) share"
                + " and its siblings'.")
        .define(
            DETECT_QUEUE_WAIT_RATIO,
            Type.DOUBLE,
            3.0,
            Range.atLeast(1),
            Importance.LOW,
            "How many times its baseline p90 a queue wait must reach to count as a growing queue.")
        .define(
            DETECT_QUEUE_WAIT_MIN_MS,
            Type.DOUBLE,
            20.0,
            Range.atLeast(0),
            Importance.LOW,
            "Smallest queue wait (ms above the baseline p90) that counts as a backlog.")
        .define(
            DETECT_QUEUE_WINDOWS,
            Type.INT,
            3,
            Range.atLeast(2),
            Importance.LOW,
            "Windows a queue is evaluated over (as Burrow's window of lag values): a backlog must not drain in any of them.")
        .define(
            DETECT_QUEUE_STOP_SHARE,
            Type.DOUBLE,
            0.1,
            Range.between(0, 1),
            Importance.LOW,
            "A consumer that consumed less than this share of what its queue received over the evaluation windows has stopped.")
        .define(
            DETECT_QUEUE_BURST_RATIO,
            Type.DOUBLE,
            3.0,
            Range.atLeast(1),
            Importance.LOW,
            "How many times its baseline rate a producer must produce, while the consumers keep their pace, to be the cause of a growing queue.")
        .define(
            DETECT_QUEUE_BACKLOG_Z,
            Type.DOUBLE,
            5.0,
            Range.atLeast(0),
            Importance.LOW,
            "Significance of a backlog counted from produce and consume rates alone (consumers whose queue wait is unknown), in Poisson standard errors.")
        .define(
            DETECT_OPEN_WINDOWS,
            Type.INT,
            2,
            Range.atLeast(1),
            Importance.LOW,
            "Consecutive windows a finding must last before an incident opens.")
        .define(
            DETECT_RESOLVE_WINDOWS,
            Type.INT,
            30,
            Range.atLeast(1),
            Importance.LOW,
            "Consecutive windows without the finding before its incident resolves.")
        .define(
            DETECT_MIN_IMPACT_MS,
            Type.DOUBLE,
            1.0,
            Range.atLeast(0),
            Importance.LOW,
            "Smallest extra time per entry request (ms) a root cause must add to be worth an incident.")
        .define(
            GRAPH_HISTORY_MS,
            Type.LONG,
            900_000L,
            Range.atLeast(10_000),
            Importance.LOW,
            "How much graph history every instance keeps for queries (?at=, the time slider).");
  }

  public String graphTopic() {
    return getString(GRAPH_TOPIC);
  }

  public long commitIntervalMs() {
    return getLong(COMMIT_INTERVAL_MS);
  }

  /** Whether incidents go out as CloudEvents (structured mode). */
  public boolean alertsAsCloudEvents() {
    return "cloudevents".equals(getString(ALERTS_FORMAT));
  }

  public String alertsTopic() {
    return getString(ALERTS_TOPIC);
  }

  public long pairingTimeoutMs() {
    return getLong(PAIRING_TIMEOUT_MS);
  }

  public long traceRetentionMs() {
    return getLong(TRACE_RETENTION_MS);
  }

  public int traceMaxSpans() {
    return getInt(TRACE_MAX_SPANS);
  }

  public int traceMaxInFlight() {
    return getInt(TRACE_MAX_IN_FLIGHT);
  }

  public boolean traceBatchesByReference() {
    return getBoolean(TRACE_BATCHES_BY_REFERENCE);
  }

  public int traceCacheTraces() {
    int traces = getInt(TRACE_CACHE_TRACES);
    return traces == AUTO_TRACE_CACHE ? autoTraceCache(Runtime.getRuntime().maxMemory()) : traces;
  }

  /**
   * The trace cache per task for a heap of {@code maxHeapBytes}: see {@link #TRACE_CACHE_TRACES}.
   */
  static int autoTraceCache(long maxHeapBytes) {
    return (int) Math.max(100, Math.min(2_000, maxHeapBytes / (1024 * 1024)));
  }

  public long windowSizeMs() {
    return getLong(WINDOW_SIZE_MS);
  }

  public long watermarkIdleMs() {
    return getLong(WATERMARK_IDLE_MS);
  }

  public long windowGraceMs() {
    return getLong(WINDOW_GRACE_MS);
  }

  public long graphFinalizeTimeoutMs() {
    return getLong(GRAPH_FINALIZE_TIMEOUT_MS);
  }

  public long graphHistoryMs() {
    return getLong(GRAPH_HISTORY_MS);
  }

  /** The ingest part of these settings. */
  public IngestConfig ingest() {
    return ingest;
  }

  public String applicationId() {
    return getString(APPLICATION_ID);
  }

  public String stateDir() {
    return getString(STATE_DIR);
  }

  public String processingGuarantee() {
    return getString(PROCESSING_GUARANTEE);
  }

  /** The stream threads to run: the setting, or one per available processor when it is 0. */
  public int streamThreads() {
    int threads = getInt(STREAM_THREADS);
    return threads > 0 ? threads : Runtime.getRuntime().availableProcessors();
  }

  public int standbyReplicas() {
    return getInt(STANDBY_REPLICAS);
  }

  public String apiHost() {
    return getString(API_HOST);
  }

  public int apiPort() {
    return getInt(API_PORT);
  }

  public String apiAdvertisedHost() {
    return getString(API_ADVERTISED_HOST);
  }

  /** The API's token, or null; prints as {@code [hidden]}. */
  public Password apiAuthToken() {
    return getPassword(API_AUTH_TOKEN);
  }

  public String apiTlsKeystorePath() {
    return getString(API_TLS_KEYSTORE_PATH);
  }

  public Password apiTlsKeystorePassword() {
    return getPassword(API_TLS_KEYSTORE_PASSWORD);
  }

  public String apiTlsKeystoreType() {
    return getString(API_TLS_KEYSTORE_TYPE);
  }

  public List<String> apiCorsOrigins() {
    return getList(API_CORS_ORIGINS);
  }

  public double apiRateLimit() {
    return getDouble(API_RATE_LIMIT);
  }

  public int apiMaxRequestBytes() {
    return getInt(API_MAX_REQUEST_BYTES);
  }

  public int windowMaxNodes() {
    return getInt(WINDOW_MAX_NODES);
  }

  public int windowMaxEdges() {
    return getInt(WINDOW_MAX_EDGES);
  }

  public int windowMaxOperations() {
    return getInt(WINDOW_MAX_OPERATIONS);
  }
}
