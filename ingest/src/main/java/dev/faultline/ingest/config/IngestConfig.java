package dev.faultline.ingest.config;

import java.util.List;
import java.util.Map;
import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Range;
import org.apache.kafka.common.config.ConfigDef.Type;

/**
 * The ingest settings: topic names, normalisation limits and the receiver. Keys and defaults are
 * listed in {@code docs/configuration.md}, generated from {@link #CONFIG}.
 */
public final class IngestConfig extends AbstractConfig {
  public static final String INPUT_TOPIC = "faultline.input.topic";
  public static final String SPANS_TOPIC = "faultline.spans.topic";
  public static final String DLQ_TOPIC = "faultline.dlq.topic";
  public static final String INPUT_KEYED_BY_TRACE = "faultline.input.keyed.by.trace";
  public static final String TOPIC_PARTITIONS = "faultline.topics.partitions";
  public static final String TOPIC_REPLICATION = "faultline.topics.replication.factor";
  public static final String ATTRIBUTES_ALLOW = "faultline.ingest.attributes.allow";
  public static final String MAX_ATTRIBUTE_LENGTH = "faultline.ingest.max.attribute.length";
  public static final String MAX_NAME_LENGTH = "faultline.ingest.max.name.length";
  public static final String MAX_SPAN_AGE_MS = "faultline.ingest.max.span.age.ms";
  public static final String MAX_FUTURE_SKEW_MS = "faultline.ingest.max.future.skew.ms";
  public static final String MAX_SPAN_DURATION_MS = "faultline.ingest.max.span.duration.ms";
  public static final String RECEIVER_HOST = "faultline.receiver.host";
  public static final String RECEIVER_HTTP_PORT = "faultline.receiver.http.port";
  public static final String RECEIVER_GRPC_PORT = "faultline.receiver.grpc.port";
  public static final String RECEIVER_MAX_REQUEST_BYTES = "faultline.receiver.max.request.bytes";
  public static final String RECEIVER_ACK_TIMEOUT_MS = "faultline.receiver.ack.timeout.ms";
  public static final String RECEIVER_THREADS = "faultline.receiver.threads";
  public static final String RECEIVER_AUTH_TOKEN = "faultline.receiver.auth.token";
  public static final String RECEIVER_AUTH_HEADER = "faultline.receiver.auth.header";
  public static final String RECEIVER_RATE_LIMIT = "faultline.receiver.rate.limit";

  /** Every ingest key with its type, default and documentation. */
  public static final ConfigDef CONFIG = define(new ConfigDef());

  public IngestConfig(Map<?, ?> values) {
    super(CONFIG, values, false);
  }

  /** Adds the ingest keys to {@code def}; the analyzer's configuration includes them. */
  public static ConfigDef define(ConfigDef def) {
    return def.define(
            INPUT_TOPIC,
            Type.STRING,
            "otlp_spans",
            new ConfigDef.NonEmptyString(),
            Importance.HIGH,
            "Topic holding what the OpenTelemetry Collector's kafkaexporter writes (otlp_proto or"
                + " otlp_json), and where the OTLP receiver writes.")
        .define(
            SPANS_TOPIC,
            Type.STRING,
            "faultline.spans",
            new ConfigDef.NonEmptyString(),
            Importance.MEDIUM,
            "Internal topic of normalised span batches keyed by trace id.")
        .define(
            DLQ_TOPIC,
            Type.STRING,
            "faultline.dlq",
            new ConfigDef.NonEmptyString(),
            Importance.MEDIUM,
            "Dead-letter topic: undecodable records and rejected spans, with headers naming the"
                + " error and the source topic, partition and offset.")
        .define(
            INPUT_KEYED_BY_TRACE,
            Type.BOOLEAN,
            false,
            Importance.MEDIUM,
            "The input is already partitioned by trace id (the collector's"
                + " partition_traces_by_id: true): decoded spans go straight to trace assembly"
                + " without the round trip through the spans topic. Only set it when every"
                + " record of the input holds the spans of one trace and is keyed by it.")
        .define(
            TOPIC_PARTITIONS,
            Type.INT,
            6,
            Range.atLeast(1),
            Importance.MEDIUM,
            "Partitions of the topics Faultline creates (spans, dead letters). Bounds how many"
                + " instances share the work.")
        .define(
            TOPIC_REPLICATION,
            Type.SHORT,
            (short) -1,
            Importance.MEDIUM,
            "Replication factor of the topics Faultline creates; -1 takes the broker's default.")
        .define(
            ATTRIBUTES_ALLOW,
            Type.LIST,
            List.of(),
            Importance.LOW,
            "Span or resource attributes to keep beyond the ones the analyzer needs. An entry"
                + " ending in '*' is a prefix, e.g. 'k8s.*'.")
        .define(
            MAX_ATTRIBUTE_LENGTH,
            Type.INT,
            16_384,
            Range.atLeast(16),
            Importance.LOW,
            "A kept attribute value longer than this many characters sends its span to the"
                + " dead-letter topic.")
        .define(
            MAX_NAME_LENGTH,
            Type.INT,
            1_024,
            Range.atLeast(16),
            Importance.LOW,
            "A service or operation name longer than this sends its span to the dead-letter"
                + " topic.")
        .define(
            MAX_SPAN_AGE_MS,
            Type.LONG,
            86_400_000L,
            Range.atLeast(1),
            Importance.LOW,
            "A span that started longer than this before its Kafka record's timestamp is"
                + " rejected as an absurd timestamp.")
        .define(
            MAX_FUTURE_SKEW_MS,
            Type.LONG,
            3_600_000L,
            Range.atLeast(0),
            Importance.LOW,
            "A span that ends more than this after its Kafka record's timestamp is rejected as"
                + " an absurd timestamp.")
        .define(
            MAX_SPAN_DURATION_MS,
            Type.LONG,
            86_400_000L,
            Range.atLeast(1),
            Importance.LOW,
            "A span lasting longer than this is rejected as an absurd timestamp.")
        .define(
            RECEIVER_HOST,
            Type.STRING,
            "0.0.0.0",
            Importance.MEDIUM,
            "Address the OTLP receiver binds to.")
        .define(
            RECEIVER_HTTP_PORT,
            Type.INT,
            4318,
            Range.between(0, 65_535),
            Importance.MEDIUM,
            "OTLP/HTTP port (POST /v1/traces); 0 picks a free port.")
        .define(
            RECEIVER_GRPC_PORT,
            Type.INT,
            4317,
            Range.between(0, 65_535),
            Importance.MEDIUM,
            "OTLP/gRPC port (TraceService/Export); 0 picks a free port.")
        .define(
            RECEIVER_MAX_REQUEST_BYTES,
            Type.INT,
            16 * 1024 * 1024,
            Range.atLeast(1024),
            Importance.LOW,
            "Largest request body the receiver accepts, after decompression; larger gets 413"
                + " (HTTP) or RESOURCE_EXHAUSTED (gRPC).")
        .define(
            RECEIVER_ACK_TIMEOUT_MS,
            Type.LONG,
            30_000L,
            Range.atLeast(100),
            Importance.LOW,
            "How long the receiver waits for Kafka to acknowledge a request before it answers"
                + " 503 (HTTP) or UNAVAILABLE (gRPC), both retryable.")
        .define(
            RECEIVER_THREADS,
            Type.INT,
            16,
            Range.atLeast(1),
            Importance.LOW,
            "Threads serving OTLP/HTTP requests.")
        .define(
            RECEIVER_AUTH_TOKEN,
            Type.PASSWORD,
            null,
            Importance.MEDIUM,
            "When set, every OTLP request must carry this token in the header named by "
                + RECEIVER_AUTH_HEADER
                + " ('Authorization: Bearer <token>' by default); others get 401 (HTTP) or"
                + " UNAUTHENTICATED (gRPC). Never logged.")
        .define(
            RECEIVER_AUTH_HEADER,
            Type.STRING,
            "Authorization",
            new ConfigDef.NonEmptyString(),
            Importance.LOW,
            "Header (gRPC: metadata key) that carries the receiver's token. For Authorization"
                + " the value is 'Bearer <token>'; for any other header it is the token itself.")
        .define(
            RECEIVER_RATE_LIMIT,
            Type.DOUBLE,
            0.0,
            Range.atLeast(0),
            Importance.LOW,
            "Export requests a second each client address may make on average (bursts of twice"
                + " that, at least 10); more get 429 with Retry-After (gRPC: RESOURCE_EXHAUSTED)."
                + " 0 turns the limit off.");
  }

  public String inputTopic() {
    return getString(INPUT_TOPIC);
  }

  public String spansTopic() {
    return getString(SPANS_TOPIC);
  }

  public String dlqTopic() {
    return getString(DLQ_TOPIC);
  }

  public boolean inputKeyedByTrace() {
    return getBoolean(INPUT_KEYED_BY_TRACE);
  }

  public int topicPartitions() {
    return getInt(TOPIC_PARTITIONS);
  }

  public short topicReplication() {
    return getShort(TOPIC_REPLICATION);
  }

  /** The normalisation limits of these settings. */
  public NormalizerSettings normalizer() {
    return new NormalizerSettings(
        getList(ATTRIBUTES_ALLOW),
        getInt(MAX_ATTRIBUTE_LENGTH),
        getInt(MAX_NAME_LENGTH),
        getLong(MAX_SPAN_AGE_MS),
        getLong(MAX_FUTURE_SKEW_MS),
        getLong(MAX_SPAN_DURATION_MS));
  }

  /** The receiver settings. */
  public ReceiverSettings receiver() {
    return new ReceiverSettings(
        getString(RECEIVER_HOST),
        getInt(RECEIVER_HTTP_PORT),
        getInt(RECEIVER_GRPC_PORT),
        getInt(RECEIVER_MAX_REQUEST_BYTES),
        getLong(RECEIVER_ACK_TIMEOUT_MS),
        getInt(RECEIVER_THREADS),
        inputTopic(),
        getPassword(RECEIVER_AUTH_TOKEN),
        getString(RECEIVER_AUTH_HEADER),
        getDouble(RECEIVER_RATE_LIMIT));
  }
}
