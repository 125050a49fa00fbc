package dev.faultline.forward;

import static dev.faultline.forward.Incidents.incident;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.faultline.broker.KafkaCluster;
import dev.faultline.broker.KafkaExtension;
import dev.faultline.ingest.kafka.TopicAdmin;
import dev.faultline.schemas.incident.Incident;
import dev.faultline.schemas.incident.IncidentJson;
import dev.faultline.schemas.incident.IncidentStatus;
import dev.faultline.schemas.incident.Severity;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.BooleanSupplier;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The forwarder on the real broker, delivering to a JDK HTTP server that stands in for the webhook
 * or Alertmanager: offsets are committed only after the target accepted, failures are retried, and
 * a restarted forwarder resumes where the group left off.
 */
@ExtendWith(KafkaExtension.class)
class ForwarderIT {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Duration WAIT = Duration.ofSeconds(30);

  @Test
  void webhookGetsEachStateUnchangedAndOffsetsAreCommittedOnlyAfterItAccepted(KafkaCluster kafka)
      throws Exception {
    String topic = topic(kafka);
    String group = "forward-it-" + UUID.randomUUID();
    List<Incident> states =
        List.of(
            incident("inc-a", IncidentStatus.OPEN, Severity.MAJOR, 1),
            incident("inc-a", IncidentStatus.UPDATED, Severity.CRITICAL, 2),
            incident("inc-a", IncidentStatus.RESOLVED, Severity.CRITICAL, 3));
    try (FakeEndpoint webhook = new FakeEndpoint()) {
      webhook.answer(503);
      produce(kafka, topic, states);
      Running first = start(kafka, settings(TargetKind.WEBHOOK, webhook, "/hook", topic, group));
      await(() -> webhook.requests().size() >= 3, "the webhook to be tried three times");

      assertThat(committed(kafka, topic, group)).as("nothing committed while refused").isNull();
      assertThat(first.forwarder().failures()).isGreaterThanOrEqualTo(3);

      webhook.answer(200);
      await(() -> first.forwarder().delivered() == 3, "three states delivered");
      await(() -> Long.valueOf(3).equals(committed(kafka, topic, group)), "offset 3 committed");
      List<FakeEndpoint.Request> accepted = webhook.requests();
      List<FakeEndpoint.Request> lastThree = accepted.subList(accepted.size() - 3, accepted.size());
      for (int i = 0; i < 3; i++) {
        assertThat(lastThree.get(i).body()).isEqualTo(IncidentJson.write(states.get(i)));
        assertThat(lastThree.get(i).path()).isEqualTo("/hook");
        assertThat(lastThree.get(i).contentType()).isEqualTo("application/json");
        assertThat(lastThree.get(i).incidentHeader()).isEqualTo("inc-a");
      }
      first.stop();

      // A forwarder of the same group resumes after the committed offset.
      int before = webhook.requests().size();
      Incident next = incident("inc-b", IncidentStatus.OPEN, Severity.MINOR, 1);
      produce(kafka, topic, List.of(next));
      Running second = start(kafka, settings(TargetKind.WEBHOOK, webhook, "/hook", topic, group));
      await(() -> second.forwarder().delivered() == 1, "the new state delivered");
      second.stop();
      assertThat(webhook.requests().subList(before, webhook.requests().size()))
          .extracting(FakeEndpoint.Request::incidentHeader)
          .containsExactly("inc-b");
    }
  }

  @Test
  void alertmanagerGetsAlertsAndAResolvedIncidentEnds(KafkaCluster kafka) throws Exception {
    String topic = topic(kafka);
    String group = "forward-it-" + UUID.randomUUID();
    try (FakeEndpoint alertmanager = new FakeEndpoint()) {
      produce(
          kafka,
          topic,
          List.of(
              incident("inc-c", IncidentStatus.OPEN, Severity.CRITICAL, 1),
              incident("inc-c", IncidentStatus.RESOLVED, Severity.CRITICAL, 2)));
      Running running =
          start(
              kafka,
              settings(
                  TargetKind.ALERTMANAGER,
                  alertmanager,
                  ForwarderSettings.endpoint(TargetKind.ALERTMANAGER, "http://x:9093").getPath(),
                  topic,
                  group));
      await(() -> running.forwarder().delivered() == 2, "two alerts delivered");
      running.stop();

      List<FakeEndpoint.Request> posts = alertmanager.requests();
      assertThat(posts).extracting(FakeEndpoint.Request::path).containsOnly("/api/v2/alerts");
      JsonNode opened = JSON.readTree(posts.get(0).body()).get(0);
      JsonNode resolved = JSON.readTree(posts.get(1).body()).get(0);
      assertThat(opened.get("labels").get("alertname").asText())
          .isEqualTo("FaultlineCascadingLatency");
      assertThat(opened.get("labels").get("incident_id").asText()).isEqualTo("inc-c");
      assertThat(opened.get("labels").get("service").asText()).isEqualTo("inventory");
      assertThat(opened.get("annotations").get("path").asText())
          .isEqualTo("inventory -> checkout -> web-gateway");
      assertThat(Instant.parse(opened.get("endsAt").asText())).isAfter(Instant.now());
      assertThat(Instant.parse(resolved.get("endsAt").asText())).isBefore(Instant.now());
      assertThat(resolved.get("labels")).isEqualTo(opened.get("labels"));
    }
  }

  @Test
  void openIncidentsAreSentAgainAlsoByARestartedForwarderUntilTheyResolve(KafkaCluster kafka)
      throws Exception {
    String topic = topic(kafka);
    String group = "forward-it-" + UUID.randomUUID();
    try (FakeEndpoint alertmanager = new FakeEndpoint()) {
      produce(kafka, topic, List.of(incident("inc-e", IncidentStatus.OPEN, Severity.MAJOR, 1)));
      ForwarderSettings settings =
          settings(
              TargetKind.ALERTMANAGER,
              alertmanager,
              "/api/v2/alerts",
              topic,
              group,
              Duration.ofMillis(500));
      Running first = start(kafka, settings);
      await(() -> alertmanager.requests().size() >= 2, "the open incident sent again");
      first.stop();

      int before = alertmanager.requests().size();
      Running second = start(kafka, settings);
      await(
          () -> alertmanager.requests().size() >= before + 1,
          "the restarted forwarder to send the open incident again");
      assertThat(second.forwarder().delivered()).as("nothing new to deliver").isZero();
      JsonNode resent = JSON.readTree(alertmanager.requests().get(before).body());
      assertThat(resent).hasSize(1);
      assertThat(resent.get(0).get("labels").get("incident_id").asText()).isEqualTo("inc-e");
      assertThat(Instant.parse(resent.get(0).get("endsAt").asText())).isAfter(Instant.now());

      produce(kafka, topic, List.of(incident("inc-e", IncidentStatus.RESOLVED, Severity.MAJOR, 2)));
      await(() -> second.forwarder().delivered() == 1, "the resolution delivered");
      int afterResolution = alertmanager.requests().size();
      Thread.sleep(1_500);
      second.stop();
      assertThat(alertmanager.requests())
          .as("nothing sent again once resolved")
          .hasSize(afterResolution);
    }
  }

  @Test
  void aStateTheTargetRefusesForGoodIsCountedAndSkipped(KafkaCluster kafka) throws Exception {
    String topic = topic(kafka);
    String group = "forward-it-" + UUID.randomUUID();
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    try (FakeEndpoint webhook = new FakeEndpoint()) {
      webhook.answer(400);
      produce(kafka, topic, List.of(incident("inc-d", IncidentStatus.OPEN, Severity.MINOR, 1)));
      Forwarder forwarder =
          new Forwarder(
              settings(TargetKind.WEBHOOK, webhook, "/hook", topic, group),
              client(kafka),
              registry,
              Clock.systemUTC());
      Running running = start(forwarder);
      await(() -> Long.valueOf(1).equals(committed(kafka, topic, group)), "offset 1 committed");
      running.stop();

      assertThat(webhook.requests()).hasSize(1);
      assertThat(
              registry
                  .get("faultline.forward.records")
                  .tag("outcome", "rejected")
                  .counter()
                  .count())
          .isEqualTo(1.0);
      assertThat(forwarder.delivered()).isZero();
    }
  }

  private record Running(Forwarder forwarder, Thread thread) {
    void stop() throws InterruptedException {
      forwarder.close();
      thread.join(WAIT.toMillis());
      assertThat(thread.isAlive()).as("forwarder stopped").isFalse();
    }
  }

  private static Running start(KafkaCluster kafka, ForwarderSettings settings) {
    return start(
        new Forwarder(settings, client(kafka), new SimpleMeterRegistry(), Clock.systemUTC()));
  }

  private static Running start(Forwarder forwarder) {
    Thread thread = new Thread(forwarder::run, "forwarder-it");
    thread.start();
    return new Running(forwarder, thread);
  }

  private static ForwarderSettings settings(
      TargetKind kind, FakeEndpoint endpoint, String path, String topic, String group) {
    return settings(kind, endpoint, path, topic, group, Duration.ofSeconds(60));
  }

  private static ForwarderSettings settings(
      TargetKind kind,
      FakeEndpoint endpoint,
      String path,
      String topic,
      String group,
      Duration resendInterval) {
    return new ForwarderSettings(
        kind,
        endpoint.uri(path),
        Map.of(),
        topic,
        group,
        Duration.ofSeconds(5),
        Duration.ofMillis(100),
        Duration.ofMillis(400),
        resendInterval,
        null);
  }

  private static Map<String, Object> client(KafkaCluster kafka) {
    return Map.of(
        "bootstrap.servers",
        kafka.bootstrapServers(),
        ConsumerConfig.AUTO_OFFSET_RESET_CONFIG,
        "earliest");
  }

  private static String topic(KafkaCluster kafka) throws Exception {
    String topic = "faultline.alerts-" + UUID.randomUUID().toString().substring(0, 8);
    try (Admin admin = Admin.create(Map.of("bootstrap.servers", kafka.bootstrapServers()))) {
      new TopicAdmin(admin)
          .ensure(List.of(new TopicAdmin.Spec(topic, 1, (short) 1)), Duration.ofSeconds(30));
    }
    return topic;
  }

  private static void produce(KafkaCluster kafka, String topic, List<Incident> states)
      throws Exception {
    try (KafkaProducer<String, byte[]> producer =
        new KafkaProducer<>(
            Map.of("bootstrap.servers", kafka.bootstrapServers(), "acks", "all"),
            new StringSerializer(),
            new ByteArraySerializer())) {
      for (Incident state : states) {
        producer.send(new ProducerRecord<>(topic, state.id(), IncidentJson.write(state))).get();
      }
    }
  }

  private static Long committed(KafkaCluster kafka, String topic, String group) {
    try (Admin admin = Admin.create(Map.of("bootstrap.servers", kafka.bootstrapServers()))) {
      Map<TopicPartition, OffsetAndMetadata> offsets =
          admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata().get();
      OffsetAndMetadata offset = offsets.get(new TopicPartition(topic, 0));
      return offset == null ? null : offset.offset();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    } catch (java.util.concurrent.ExecutionException e) {
      throw new IllegalStateException("cannot read the group's offsets", e);
    }
  }

  private static void await(BooleanSupplier condition, String what) throws InterruptedException {
    long deadline = System.nanoTime() + WAIT.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("timed out waiting for " + what);
      }
      Thread.sleep(100);
    }
  }
}
