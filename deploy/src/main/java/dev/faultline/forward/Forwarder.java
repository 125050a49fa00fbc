package dev.faultline.forward;

import static java.util.Objects.requireNonNull;

import dev.faultline.schemas.incident.Incident;
import dev.faultline.schemas.incident.IncidentJson;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Delivers every incident state on the alerts topic to one HTTP target, at least once.
 *
 * <p>Records are read in a consumer group with auto-commit off; a record's offset is committed only
 * after the target accepted it (2xx) or refused it for good (400, 413, 415, 422: counted and
 * logged, then skipped so that one bad record does not block every later incident). Any other
 * failure is retried with exponential backoff and jitter, for as long as it takes, while the
 * consumer keeps its group membership (its partitions are paused, not abandoned). If the forwarder
 * dies, the group resumes from the last committed offset: a state may be delivered twice, never
 * lost.
 *
 * <p>For Alertmanager, the forwarder remembers the open incidents (read back from the compacted
 * topic when it is given the partition) and sends them again every resend interval, so their alerts
 * keep firing; a standby forwarder of the same group sends nothing.
 */
public final class Forwarder implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(Forwarder.class);
  private static final Duration POLL = Duration.ofMillis(500);

  private final ForwarderSettings settings;
  private final Map<String, Object> consumerConfig;
  private final HttpTarget target;
  private final Clock clock;
  private final ForwarderMetrics metrics;
  private final OpenIncidents open = new OpenIncidents();
  private final CountDownLatch stopped = new CountDownLatch(1);
  private volatile boolean running = true;
  private volatile boolean started;
  private volatile KafkaConsumer<String, byte[]> consumer;
  private Instant nextResend;

  /**
   * @param settings target and timing
   * @param client Kafka client settings (bootstrap servers, security)
   * @param registry where the forwarder's counters go
   * @param clock wall clock (for alert validity and resends)
   */
  public Forwarder(
      ForwarderSettings settings, Map<String, Object> client, MeterRegistry registry, Clock clock) {
    this.settings = requireNonNull(settings, "settings");
    this.clock = requireNonNull(clock, "clock");
    this.target = new HttpTarget(settings.url(), settings.headers(), settings.timeout());
    this.metrics = new ForwarderMetrics(registry, settings.kind(), open::size);
    Map<String, Object> config = new HashMap<>(client);
    config.put(ConsumerConfig.GROUP_ID_CONFIG, settings.groupId());
    config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    config.putIfAbsent(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "latest");
    config.putIfAbsent(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    // Incidents are few and each one waits for an HTTP answer: small polls.
    config.putIfAbsent(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 50);
    this.consumerConfig = config;
  }

  /** Consumes and delivers until {@link #close()}. */
  public void run() {
    started = true;
    try (KafkaConsumer<String, byte[]> kafka =
        new KafkaConsumer<>(
            consumerConfig, new StringDeserializer(), new ByteArrayDeserializer())) {
      consumer = kafka;
      if (settings.kind() == TargetKind.ALERTMANAGER) {
        nextResend = clock.instant().plus(settings.resendInterval());
      }
      kafka.subscribe(List.of(settings.topic()), new OpenIncidentsOnAssignment());
      LOG.info(
          "forwarding {} (group {}) to {} {}",
          settings.topic(),
          settings.groupId(),
          settings.kind().label(),
          target.uri());
      while (running) {
        ConsumerRecords<String, byte[]> records = kafka.poll(POLL);
        deliver(kafka, records);
        resendIfDue();
      }
    } catch (WakeupException e) {
      if (running) {
        throw e;
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } finally {
      consumer = null;
      stopped.countDown();
      LOG.info("forwarder stopped");
    }
  }

  private void deliver(KafkaConsumer<String, byte[]> kafka, ConsumerRecords<String, byte[]> records)
      throws InterruptedException {
    for (TopicPartition partition : records.partitions()) {
      if (!kafka.assignment().contains(partition)) {
        continue; // revoked while an earlier partition was retried: its new owner delivers it
      }
      for (ConsumerRecord<String, byte[]> record : records.records(partition)) {
        if (!deliverUntilDone(kafka, partition, record)) {
          // Stopping, or the partition went to another forwarder: what was not committed is
          // delivered by whoever reads it next.
          if (kafka.assignment().contains(partition)) {
            kafka.seek(partition, record.offset());
          }
          break;
        }
        commit(kafka, partition, record.offset() + 1);
      }
    }
  }

  /** Delivers one record, retrying; false if it was given up to a stop or a rebalance. */
  private boolean deliverUntilDone(
      KafkaConsumer<String, byte[]> kafka,
      TopicPartition partition,
      ConsumerRecord<String, byte[]> record)
      throws InterruptedException {
    Duration backoff = settings.initialBackoff();
    for (int attempt = 1; ; attempt++) {
      HttpTarget.Result result = attempt(record);
      if (result == null) {
        return true;
      }
      switch (result.outcome()) {
        case ACCEPTED -> {
          metrics.delivered();
          LOG.debug("delivered {} ({})", describe(record), result.detail());
          return true;
        }
        case REJECTED -> {
          metrics.rejected();
          LOG.error(
              "{} refused {} for good ({}); skipping it",
              target.uri(),
              describe(record),
              result.detail());
          return true;
        }
        case RETRY -> {
          metrics.failure();
          Duration wait = jitter(backoff);
          LOG.warn(
              "delivering {} to {} failed (attempt {}: {}); retrying in {} ms",
              describe(record),
              target.uri(),
              attempt,
              result.detail(),
              wait.toMillis());
          if (!keepMembershipFor(kafka, wait) || !kafka.assignment().contains(partition)) {
            return false;
          }
          backoff = min(backoff.multipliedBy(2), settings.maxBackoff());
        }
      }
    }
  }

  /** One attempt; null when there is nothing to send (tombstone, unreadable incident). */
  private HttpTarget.Result attempt(ConsumerRecord<String, byte[]> record)
      throws InterruptedException {
    if (record.value() == null) {
      metrics.skipped();
      return null;
    }
    if (settings.kind() == TargetKind.WEBHOOK) {
      Header type = record.headers().lastHeader("content-type");
      String contentType =
          type == null ? "application/json" : new String(type.value(), StandardCharsets.UTF_8);
      Map<String, String> extra = new LinkedHashMap<>();
      if (record.key() != null) {
        extra.put("X-Faultline-Incident-Id", record.key());
      }
      return target.post(record.value(), contentType, extra);
    }
    Incident incident;
    try {
      incident = IncidentJson.read(record.value());
    } catch (IOException | RuntimeException e) {
      metrics.skipped();
      LOG.warn("skipping {}: not an incident ({})", describe(record), e.getMessage());
      return null;
    }
    Instant now = clock.instant();
    byte[] body =
        AlertmanagerAlerts.bytes(
            AlertmanagerAlerts.alerts(
                open.get(incident.id()),
                incident,
                now,
                now.plus(settings.alertValidity()),
                settings.generatorUrl()));
    HttpTarget.Result result = target.post(body, "application/json", Map.of());
    switch (result.outcome()) {
      case ACCEPTED -> open.update(incident);
      // Sending it again would be refused again.
      case REJECTED -> open.forget(incident.id());
      case RETRY -> {}
    }
    return result;
  }

  /**
   * For Alertmanager, the open incidents are those of the partitions this forwarder owns: learnt
   * again whenever it is given partitions (at start, or taking over from another forwarder of the
   * group), forgotten when it owns none, so that a standby never sends stale states.
   */
  private final class OpenIncidentsOnAssignment implements ConsumerRebalanceListener {
    @Override
    public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
      if (settings.kind() == TargetKind.ALERTMANAGER && !partitions.isEmpty()) {
        // The alerts topic has one partition: owning any means owning all of it.
        open.load(consumerConfig, settings.topic(), () -> running);
      }
    }

    @Override
    public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
      KafkaConsumer<String, byte[]> current = consumer;
      if (current != null && current.assignment().stream().allMatch(partitions::contains)) {
        open.clear();
      }
    }
  }

  /** Sends every open incident to Alertmanager again so that their alerts do not expire. */
  private void resendIfDue() throws InterruptedException {
    if (nextResend == null || clock.instant().isBefore(nextResend) || open.isEmpty()) {
      return;
    }
    KafkaConsumer<String, byte[]> current = consumer;
    if (current == null || current.assignment().isEmpty()) {
      return;
    }
    Instant now = clock.instant();
    nextResend = now.plus(settings.resendInterval());
    var alerts = com.fasterxml.jackson.databind.node.JsonNodeFactory.instance.arrayNode();
    for (Incident incident : open.all()) {
      alerts.add(
          AlertmanagerAlerts.alert(
              incident, now.plus(settings.alertValidity()), settings.generatorUrl()));
    }
    HttpTarget.Result result =
        target.post(AlertmanagerAlerts.bytes(alerts), "application/json", Map.of());
    if (result.outcome() == HttpTarget.Outcome.ACCEPTED) {
      metrics.resent(alerts.size());
    } else {
      metrics.failure();
      LOG.warn(
          "sending {} open incident(s) again to {} failed ({}); next try in {} s",
          alerts.size(),
          target.uri(),
          result.detail(),
          settings.resendInterval().toSeconds());
    }
  }

  /**
   * Waits while polling with the partitions paused, so the group does not think this consumer died
   * ({@code max.poll.interval.ms}); false when asked to stop.
   */
  private boolean keepMembershipFor(KafkaConsumer<String, byte[]> kafka, Duration wait) {
    Instant until = clock.instant().plus(wait);
    var paused = kafka.assignment();
    kafka.pause(paused);
    try {
      while (running) {
        Duration left = Duration.between(clock.instant(), until);
        if (left.isNegative() || left.isZero()) {
          return true;
        }
        ConsumerRecords<String, byte[]> unexpected = kafka.poll(min(left, POLL));
        // Partitions assigned during the wait are not paused: give their records back.
        for (TopicPartition partition : unexpected.partitions()) {
          kafka.seek(partition, unexpected.records(partition).get(0).offset());
        }
      }
      return false;
    } finally {
      kafka.resume(kafka.assignment());
    }
  }

  private void commit(KafkaConsumer<String, byte[]> kafka, TopicPartition partition, long next) {
    try {
      kafka.commitSync(Map.of(partition, new OffsetAndMetadata(next)));
    } catch (KafkaException e) {
      if (e instanceof WakeupException) {
        throw e;
      }
      LOG.warn(
          "could not commit {} at offset {} ({}); its last states may be delivered again",
          partition,
          next,
          e.getMessage());
    }
  }

  private static Duration jitter(Duration backoff) {
    long millis = backoff.toMillis();
    return Duration.ofMillis(millis / 2 + ThreadLocalRandom.current().nextLong(millis / 2 + 1));
  }

  private static Duration min(Duration a, Duration b) {
    return a.compareTo(b) <= 0 ? a : b;
  }

  private static String describe(ConsumerRecord<String, byte[]> record) {
    return "incident "
        + record.key()
        + " ("
        + record.topic()
        + "-"
        + record.partition()
        + "@"
        + record.offset()
        + ")";
  }

  /** Records delivered so far. */
  public double delivered() {
    return metrics.deliveredCount();
  }

  /** Failed attempts so far. */
  public double failures() {
    return metrics.failureCount();
  }

  /** Whether {@link #run()} has returned. */
  public boolean isStopped() {
    return stopped.getCount() == 0;
  }

  /** Stops the loop (a retry in progress is abandoned; its record is delivered after restart). */
  @Override
  public void close() throws InterruptedException {
    running = false;
    KafkaConsumer<String, byte[]> current = consumer;
    if (current != null) {
      current.wakeup();
    }
    if (started) {
      stopped.await(30, TimeUnit.SECONDS);
    }
  }
}
