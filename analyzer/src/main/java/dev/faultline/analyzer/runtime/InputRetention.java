package dev.faultline.analyzer.runtime;

import dev.faultline.analyzer.config.AnalyzerConfig;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Whether trace assembly's input topic keeps records long enough for batches stored by reference
 * ({@link AnalyzerConfig#TRACE_BATCHES_BY_REFERENCE}): a stored batch refers to its input record
 * until the trace is forgotten, a pairing timeout plus the trace retention after its last span, and
 * an instance taking the task over reads the record then. The topic must delete by age only (no
 * compaction, which keeps only a key's latest record, and records are keyed by trace), and keep
 * records for that long plus a margin for an analyzer that lags behind its input.
 */
public final class InputRetention {
  private static final Logger LOG = LoggerFactory.getLogger(InputRetention.class);

  /** Kept beyond a trace's lifetime, for an analyzer that reads its input late. */
  static final Duration MARGIN = Duration.ofHours(1);

  private InputRetention() {}

  /** The topic trace assembly reads: the input itself when keyed by trace id, else the spans. */
  static String topic(AnalyzerConfig config) {
    return config.ingest().inputKeyedByTrace()
        ? config.ingest().inputTopic()
        : config.ingest().spansTopic();
  }

  /** How long the topic must keep records. */
  static long neededMs(AnalyzerConfig config) {
    return config.pairingTimeoutMs() + config.traceRetentionMs() + MARGIN.toMillis();
  }

  /**
   * {@code config}, with batches stored by value when the topic's settings do not allow references
   * or cannot be read (logged, with the reason).
   */
  public static AnalyzerConfig checked(AnalyzerConfig config, Admin admin) {
    if (!config.traceBatchesByReference()) {
      return config;
    }
    String topic = topic(config);
    Optional<String> against;
    try {
      ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, topic);
      Config settings =
          admin.describeConfigs(List.of(resource)).all().get(30, TimeUnit.SECONDS).get(resource);
      against = reasonAgainst(settings, neededMs(config));
    } catch (ExecutionException | java.util.concurrent.TimeoutException e) {
      against = Optional.of("its settings could not be read (" + e.getMessage() + ")");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      against = Optional.of("interrupted while reading its settings");
    }
    if (against.isEmpty()) {
      LOG.info(
          "trace assembly stores batches as references to their records in {} ({})",
          topic,
          AnalyzerConfig.TRACE_BATCHES_BY_REFERENCE);
      return config;
    }
    LOG.warn(
        "trace assembly stores batches by value, each in its changelog too, not as references to"
            + " their records in {}: {}. References need cleanup.policy=delete, no"
            + " retention.bytes and retention.ms of at least {} ms (pairing timeout + trace"
            + " retention + {} h); or set {}=false to silence this",
        topic,
        against.get(),
        neededMs(config),
        MARGIN.toHours(),
        AnalyzerConfig.TRACE_BATCHES_BY_REFERENCE);
    Map<Object, Object> values = new HashMap<>(config.originals());
    values.put(AnalyzerConfig.TRACE_BATCHES_BY_REFERENCE, false);
    return new AnalyzerConfig(values);
  }

  /** Why records of a topic with these settings may be gone too early, if they may. */
  static Optional<String> reasonAgainst(Config settings, long neededMs) {
    String policy = value(settings, TopicConfig.CLEANUP_POLICY_CONFIG, "delete");
    if (!policy.trim().equals(TopicConfig.CLEANUP_POLICY_DELETE)) {
      return Optional.of("cleanup.policy is " + policy);
    }
    String bytes = value(settings, TopicConfig.RETENTION_BYTES_CONFIG, "-1");
    if (!bytes.trim().equals("-1")) {
      return Optional.of("retention.bytes is " + bytes);
    }
    String ms = value(settings, TopicConfig.RETENTION_MS_CONFIG, "-1");
    try {
      long retention = Long.parseLong(ms.trim());
      if (retention >= 0 && retention < neededMs) {
        return Optional.of("retention.ms is " + retention);
      }
    } catch (NumberFormatException e) {
      return Optional.of("retention.ms is " + ms);
    }
    return Optional.empty();
  }

  private static String value(Config settings, String name, String absent) {
    ConfigEntry entry = settings.get(name);
    return entry == null || entry.value() == null ? absent : entry.value();
  }
}
