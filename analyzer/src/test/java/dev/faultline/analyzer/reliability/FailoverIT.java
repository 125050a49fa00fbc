package dev.faultline.analyzer.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import dev.faultline.analyzer.config.AnalyzerConfig;
import dev.faultline.analyzer.detect.Detectors;
import dev.faultline.analyzer.replay.Replay;
import dev.faultline.broker.KafkaCluster;
import dev.faultline.broker.KafkaExtension;
import dev.faultline.ingest.config.IngestConfig;
import dev.faultline.ingest.simulate.Scenario;
import dev.faultline.ingest.simulate.Simulator;
import dev.faultline.schemas.incident.Incident;
import dev.faultline.schemas.incident.IncidentType;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.admin.MemberDescription;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.utils.Utils;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two analyzer instances in JVMs of their own, with {@code exactly_once_v2} and no standby
 * replicas; while the simulated fault is on, the one running the graph stage is killed with
 * SIGKILL. The survivor takes over its partitions and rebuilds their state from the changelogs.
 * Checked against what was sent, and against a replay of the same traffic (a run without failure):
 * every span is on {@code faultline.spans} exactly once (none in the DLQ); every service has
 * exactly the replay's visits in the graph; no incident state is written twice (each incident: one
 * OPEN, revisions 1, 2, 3..., nothing after RESOLVED); the killed instance's traces are served by
 * the survivor within 30 s. {@code -Dfailover.nokill=true} runs the same without the kill, {@code
 * -Dfailover.standby=1} with a standby replica of every task.
 */
@ExtendWith(KafkaExtension.class)
class FailoverIT {
  private static final int DURATION_S = 115;
  private static final int FAULT_START_S = 50;
  private static final int FAULT_END_S = 80;
  private static final int DRAIN_S = 60;
  private static final int PARTITIONS = 4;
  private static final Duration TAKEOVER_LIMIT = Duration.ofSeconds(30);

  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

  @Test
  @Timeout(value = 300, unit = TimeUnit.SECONDS)
  void survivorTakesOverAKilledInstanceLosingAndDuplicatingNothing(
      KafkaCluster kafka, @TempDir Path state) throws Exception {
    String suffix = UUID.randomUUID().toString().substring(0, 8);
    Path dir = Path.of("target", "reliability", "failover-" + suffix).toAbsolutePath();
    Map<String, Object> settings = settings(suffix);
    AnalyzerConfig config = new AnalyzerConfig(settings);
    String bootstrap = kafka.bootstrapServers();

    long start = System.currentTimeMillis() - (DURATION_S + DRAIN_S + 10) * 1_000L;
    Scenario scenario = Traffic.storefrontLatency(DURATION_S, FAULT_START_S, FAULT_END_S);
    List<ExportTraceServiceRequest> scenarioRequests = Simulator.collect(scenario, start);
    List<ExportTraceServiceRequest> drain =
        Traffic.drain(start + DURATION_S * 1_000L + 5_000, DRAIN_S, 250, 8, 7);
    // Sent once everything else is processed: closes the windows late data went into.
    List<ExportTraceServiceRequest> last =
        Traffic.drain(start + (DURATION_S + DRAIN_S + 40) * 1_000L, 1, 250, 16, 8);
    List<ExportTraceServiceRequest> all = new ArrayList<>(scenarioRequests);
    all.addAll(drain);
    all.addAll(last);

    // The reference: the scenario replayed without any failure (the replay drains by itself).
    Replay.Result expected =
        new Replay(config, () -> Detectors.engine(config)).run(scenarioRequests, line -> {});
    Map<String, Long> expectedVisits = withoutDrain(Ledger.visitsByService(expected.windows()));
    Map<String, List<String>> expectedStates = Ledger.statesById(expected.incidents());
    assertThat(truthIncidents(expected.incidents()))
        .as("the replay raises the scenario's incident, so the comparison means something")
        .isNotEmpty();
    Map<String, Integer> sent = new HashMap<>();
    all.forEach(r -> Ledger.spanIds(r, id -> sent.merge(id, 1, Integer::sum)));

    // Kill during the fault: the first part goes through both instances, the rest flows while one
    // dies.
    int split = indexAfter(scenarioRequests, start + (FAULT_START_S + 20) * 1_000L);
    Map<String, Object> clientA = Map.of("bootstrap.servers", bootstrap, "client.id", "fo-a");
    Map<String, Object> clientB = Map.of("bootstrap.servers", bootstrap, "client.id", "fo-b");
    try (AnalyzerChild a =
            AnalyzerChild.start("a", childSettings(settings, state.resolve("a")), clientA, dir);
        AnalyzerChild b =
            AnalyzerChild.start("b", childSettings(settings, state.resolve("b")), clientB, dir);
        Admin admin = Admin.create(Map.of("bootstrap.servers", bootstrap));
        KafkaProducer<byte[], byte[]> producer = producer(bootstrap)) {
      String group = config.applicationId();
      Map<String, Set<TopicPartition>> owners = awaitAssignment(admin, group, 2);
      send(producer, config.ingest().inputTopic(), scenarioRequests.subList(0, split), 0);
      // Both instances have processed the first part (the fault began in it): state to take over.
      Lag.awaitZero(admin, group, Duration.ofSeconds(90));

      String repartition = group + "-graph-partials-repartition";
      owners = awaitAssignment(admin, group, 2);
      String victimId = ownerOf(owners, repartition);
      AnalyzerChild victim = victimId.startsWith("fo-a") ? a : b;
      AnalyzerChild survivor = victim == a ? b : a;
      Set<Integer> victimSpanPartitions =
          owners.get(victimId).stream()
              .filter(tp -> tp.topic().equals(config.ingest().spansTopic()))
              .map(TopicPartition::partition)
              .collect(Collectors.toSet());
      assertThat(victimSpanPartitions).as("the victim assembles traces too").isNotEmpty();
      List<String> victimTraces =
          tracesIn(scenarioRequests.subList(split - 400, split), victimSpanPartitions, 6);
      for (String trace : victimTraces) {
        assertThat(awaitTrace(survivor, trace, Duration.ofSeconds(30)))
            .as("trace %s served through the survivor before the kill", trace)
            .isEqualTo(200);
      }
      // The lag was zero above: every batch of these traces was assembled.
      Map<String, Integer> spansBefore = new LinkedHashMap<>();
      for (String trace : victimTraces) {
        spansBefore.put(trace, spanCount(survivor, trace));
      }

      CompletableFuture<Void> rest =
          CompletableFuture.runAsync(
              () ->
                  send(
                      producer,
                      config.ingest().inputTopic(),
                      scenarioRequests.subList(split, scenarioRequests.size()),
                      40));
      Thread.sleep(1_000);
      long killedAt = System.nanoTime();
      if (!Boolean.getBoolean("failover.nokill")) {
        victim.kill();
      }
      long takeoverMs = awaitTraces(survivor, victimTraces, Duration.ofSeconds(90), killedAt);
      // Their batches were stored by reference (faultline.trace.batches.by.reference): the
      // survivor rebuilt the references from the changelog and read the spans from the input.
      Map<String, Integer> spansAfter = new LinkedHashMap<>();
      for (String trace : victimTraces) {
        spansAfter.put(trace, spanCount(survivor, trace));
      }
      rest.get(120, TimeUnit.SECONDS);
      // The drain goes to every input partition (every source of trace assembly's watermark), so
      // no source is left behind to be waited for until it counts as idle.
      sendToEveryPartition(producer, config.ingest().inputTopic(), drain);
      Lag.awaitZero(admin, group, Duration.ofSeconds(120));
      sendToEveryPartition(producer, config.ingest().inputTopic(), last);
      long lag = Lag.awaitZero(admin, group, Duration.ofSeconds(60));
      Map<String, Long> visits =
          awaitVisits(bootstrap, config.graphTopic(), expectedVisits, Duration.ofSeconds(30));
      System.out.println("FAILOVER survivor metrics:\n" + metrics(survivor));
      if (victim.isAlive()) {
        System.out.println("FAILOVER other instance's metrics:\n" + metrics(victim));
      }
      Map<Long, Long> liveWindows =
          Ledger.visitsByWindow(bootstrap, config.graphTopic(), Traffic.DRAIN_SERVICE);
      Map<Long, Long> replayWindows =
          Ledger.visitsByWindow(expected.windows(), Traffic.DRAIN_SERVICE);
      StringBuilder diff = new StringBuilder();
      new java.util.TreeSet<>(
              java.util.stream.Stream.concat(
                      liveWindows.keySet().stream(), replayWindows.keySet().stream())
                  .toList())
          .forEach(
              w -> {
                long l = liveWindows.getOrDefault(w, 0L);
                long r = replayWindows.getOrDefault(w, 0L);
                diff.append((w - start) / 1000).append(':').append(l).append('/').append(r);
                diff.append(l == r ? " " : "* ");
              });
      System.out.println("FAILOVER windows (s: live/replay):\n" + diff);
      List<Incident> incidents = Ledger.incidents(bootstrap, config.alertsTopic());
      Map<String, List<String>> states = Ledger.statesById(incidents);
      Map<String, Integer> stored = Ledger.spansById(bootstrap, config.ingest().spansTopic());
      long dead = Ledger.deadLetterSpans(bootstrap, config.ingest().dlqTopic());
      long storedSpans = stored.values().stream().mapToLong(Integer::longValue).sum();

      System.out.printf(
          "FAILOVER lag=%d spans sent=%d stored=%d dlq=%d; visits expected=%s seen=%s;"
              + " incidents expected=%s seen=%s; victim=%s takeover=%d ms%n",
          lag,
          sent.values().stream().mapToLong(Integer::longValue).sum(),
          storedSpans,
          dead,
          expectedVisits,
          visits,
          expectedStates,
          states,
          victim.name,
          takeoverMs);

      assertThat(takeoverMs)
          .as("the killed instance's traces answered again by the survivor")
          .isLessThan(TAKEOVER_LIMIT.toMillis());
      assertThat(survivor.isAlive()).as("survivor:\n%s", survivor.tail()).isTrue();
      assertThat(spansAfter)
          .as("the killed instance's traces, spans read back from the input topic")
          .isEqualTo(spansBefore);
      String survivorMetrics = metrics(survivor);
      assertThat(counter(survivorMetrics, "faultline_trace_batches_lost_total")).isZero();
      if (!Boolean.getBoolean("failover.nokill")) {
        assertThat(counter(survivorMetrics, "faultline_trace_batches_fetched_total"))
            .as("batches of the killed instance's traces read from the input topic")
            .isPositive();
      }
      assertThat(dead).as("spans in the DLQ").isZero();
      assertThat(Ledger.difference(sent, stored))
          .as("every span on faultline.spans exactly once")
          .isNull();
      // Every visit exactly once: none counted twice, none lost with the killed instance's open
      // windows (they are in a changelogged store) or left in a window that never closed.
      assertThat(visits).as("visits per service, against the replay").isEqualTo(expectedVisits);
      // And in the replay's windows: nothing late while the instances catch up at different
      // speeds or take over a killed one's partitions (a visit or two can sit on the other side
      // of a window boundary).
      long moved = 0;
      for (Long window : replayWindows.keySet()) {
        moved += Math.abs(liveWindows.getOrDefault(window, 0L) - replayWindows.get(window));
      }
      assertThat(moved)
          .as("visits in another window than the replay's (windows printed above)")
          .isLessThanOrEqualTo(total(expectedVisits) / 1_000);
      assertThat(truthIncidents(incidents))
          .as("the scenario's incident raised live too, although the graph stage moved")
          .isNotEmpty();
      states.forEach(
          (id, seq) -> assertThat(Ledger.sequenceProblem(id, seq)).as("incident " + id).isNull());
    }
  }

  private static Map<String, Object> settings(String suffix) {
    Map<String, Object> values = new LinkedHashMap<>();
    values.put(AnalyzerConfig.APPLICATION_ID, "faultline-failover-" + suffix);
    values.put(AnalyzerConfig.PROCESSING_GUARANTEE, "exactly_once_v2");
    values.put(AnalyzerConfig.STANDBY_REPLICAS, Integer.getInteger("failover.standby", 0));
    // One consumer per instance, so that the group's members are the instances.
    values.put(AnalyzerConfig.STREAM_THREADS, 1);
    values.put(AnalyzerConfig.API_HOST, "127.0.0.1");
    values.put(AnalyzerConfig.API_PORT, 0);
    values.put(AnalyzerConfig.API_ADVERTISED_HOST, "127.0.0.1");
    values.put(AnalyzerConfig.GRAPH_TOPIC, "faultline.graph-" + suffix);
    values.put(AnalyzerConfig.ALERTS_TOPIC, "faultline.alerts-" + suffix);
    values.put(IngestConfig.INPUT_TOPIC, "otlp_spans-" + suffix);
    values.put(IngestConfig.SPANS_TOPIC, "faultline.spans-" + suffix);
    values.put(IngestConfig.DLQ_TOPIC, "faultline.dlq-" + suffix);
    values.put(IngestConfig.TOPIC_PARTITIONS, PARTITIONS);
    return values;
  }

  private static Map<String, Object> childSettings(Map<String, Object> settings, Path stateDir) {
    Map<String, Object> out = new LinkedHashMap<>(settings);
    out.put(AnalyzerConfig.STATE_DIR, stateDir.toString());
    return out;
  }

  private static KafkaProducer<byte[], byte[]> producer(String bootstrap) {
    return new KafkaProducer<>(
        Map.of(
            "bootstrap.servers",
            bootstrap,
            "acks",
            "all",
            "enable.idempotence",
            true,
            "linger.ms",
            20),
        new ByteArraySerializer(),
        new ByteArraySerializer());
  }

  /** Sends in order and waits for every acknowledgement; pauses after every {@code pace}. */
  private static void send(
      KafkaProducer<byte[], byte[]> producer,
      String topic,
      List<ExportTraceServiceRequest> requests,
      int pace) {
    try {
      List<java.util.concurrent.Future<?>> acks = new ArrayList<>();
      for (int i = 0; i < requests.size(); i++) {
        acks.add(producer.send(new ProducerRecord<>(topic, requests.get(i).toByteArray())));
        if (pace > 0 && i % pace == pace - 1) {
          Thread.sleep(10);
        }
      }
      for (var ack : acks) {
        ack.get(60, TimeUnit.SECONDS);
      }
    } catch (Exception e) {
      throw new IllegalStateException("could not send to " + topic, e);
    }
  }

  /** Sends request i to partition i modulo the partitions, and waits for the acknowledgements. */
  private static void sendToEveryPartition(
      KafkaProducer<byte[], byte[]> producer,
      String topic,
      List<ExportTraceServiceRequest> requests) {
    try {
      List<java.util.concurrent.Future<?>> acks = new ArrayList<>();
      for (int i = 0; i < requests.size(); i++) {
        acks.add(
            producer.send(
                new ProducerRecord<>(topic, i % PARTITIONS, null, requests.get(i).toByteArray())));
      }
      for (var ack : acks) {
        ack.get(60, TimeUnit.SECONDS);
      }
    } catch (Exception e) {
      throw new IllegalStateException("could not send to " + topic, e);
    }
  }

  private static int indexAfter(List<ExportTraceServiceRequest> requests, long epochMs) {
    long nanos = epochMs * 1_000_000L;
    for (int i = 0; i < requests.size(); i++) {
      if (latestEnd(requests.get(i)) >= nanos) {
        return i;
      }
    }
    throw new IllegalArgumentException("no request after " + epochMs);
  }

  private static long latestEnd(ExportTraceServiceRequest request) {
    long end = 0;
    for (ResourceSpans resource : request.getResourceSpansList()) {
      for (ScopeSpans scope : resource.getScopeSpansList()) {
        for (var span : scope.getSpansList()) {
          end = Math.max(end, span.getEndTimeUnixNano());
        }
      }
    }
    return end;
  }

  /** Trace ids (hex) of the requests whose trace lands on one of {@code partitions}. */
  private static List<String> tracesIn(
      List<ExportTraceServiceRequest> requests, Set<Integer> partitions, int limit) {
    Set<String> out = new LinkedHashSet<>();
    for (ExportTraceServiceRequest request : requests) {
      for (ResourceSpans resource : request.getResourceSpansList()) {
        for (ScopeSpans scope : resource.getScopeSpansList()) {
          for (var span : scope.getSpansList()) {
            byte[] id = span.getTraceId().toByteArray();
            if (partitions.contains(Utils.toPositive(Utils.murmur2(id)) % PARTITIONS)) {
              out.add(Ledger.hex(id));
            }
          }
        }
      }
    }
    return out.stream().limit(limit).toList();
  }

  /** Client id prefix of each member holding partitions, once {@code members} share them all. */
  private static Map<String, Set<TopicPartition>> awaitAssignment(
      Admin admin, String group, int members) throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
    Map<String, Set<TopicPartition>> owners = Map.of();
    while (System.nanoTime() < deadline) {
      ConsumerGroupDescription description =
          admin.describeConsumerGroups(List.of(group)).all().get(10, TimeUnit.SECONDS).get(group);
      owners = new HashMap<>();
      for (MemberDescription member : description.members()) {
        if (!member.assignment().topicPartitions().isEmpty()) {
          owners.put(member.clientId(), member.assignment().topicPartitions());
        }
      }
      if (owners.size() == members
          && description.groupState() == org.apache.kafka.common.GroupState.STABLE) {
        return owners;
      }
      Thread.sleep(250);
    }
    throw new AssertionError("group " + group + " never had " + members + " members: " + owners);
  }

  private static String ownerOf(Map<String, Set<TopicPartition>> owners, String topic) {
    return owners.entrySet().stream()
        .filter(e -> e.getValue().stream().anyMatch(tp -> tp.topic().equals(topic)))
        .map(Map.Entry::getKey)
        .findFirst()
        .orElseThrow(() -> new AssertionError("nobody reads " + topic + ": " + owners));
  }

  private int awaitTrace(AnalyzerChild instance, String traceId, Duration timeout)
      throws Exception {
    long deadline = System.nanoTime() + timeout.toNanos();
    int status = -1;
    while (System.nanoTime() < deadline) {
      status = traceStatus(instance, traceId);
      if (status == 200) {
        return status;
      }
      Thread.sleep(200);
    }
    return status;
  }

  /** Milliseconds from {@code since} until every trace is served by {@code instance}. */
  private long awaitTraces(
      AnalyzerChild instance, List<String> traceIds, Duration timeout, long since)
      throws Exception {
    long deadline = System.nanoTime() + timeout.toNanos();
    Map<String, Integer> statuses = new LinkedHashMap<>();
    while (System.nanoTime() < deadline) {
      for (String trace : traceIds) {
        statuses.put(trace, traceStatus(instance, trace));
      }
      if (statuses.values().stream().allMatch(s -> s == 200)) {
        return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - since);
      }
      Thread.sleep(250);
    }
    throw new AssertionError(
        "traces of the killed instance not served in " + timeout + ": " + statuses);
  }

  private String metrics(AnalyzerChild instance) throws Exception {
    String body =
        http.send(
                HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + instance.apiPort() + "/metrics"))
                    .GET()
                    .build(),
                HttpResponse.BodyHandlers.ofString())
            .body();
    return body.lines()
        .filter(l -> l.startsWith("faultline_") && !l.contains("receiver"))
        .collect(Collectors.joining("\n"));
  }

  private static double counter(String metrics, String name) {
    return metrics
        .lines()
        .filter(l -> l.startsWith(name + " ") || l.startsWith(name + "{"))
        .mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1)))
        .sum();
  }

  private static HttpRequest traceRequest(AnalyzerChild instance, String traceId) {
    return HttpRequest.newBuilder(
            URI.create("http://127.0.0.1:" + instance.apiPort() + "/api/v1/traces/" + traceId))
        .timeout(Duration.ofSeconds(5))
        .GET()
        .build();
  }

  /** The spans of a trace as an instance serves it. */
  private int spanCount(AnalyzerChild instance, String traceId) throws Exception {
    String body =
        http.send(traceRequest(instance, traceId), HttpResponse.BodyHandlers.ofString()).body();
    return new com.fasterxml.jackson.databind.ObjectMapper()
        .readTree(body)
        .get("spanCount")
        .asInt();
  }

  private int traceStatus(AnalyzerChild instance, String traceId) {
    try {
      return http.send(traceRequest(instance, traceId), HttpResponse.BodyHandlers.discarding())
          .statusCode();
    } catch (java.io.IOException e) {
      return -1;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return -1;
    }
  }

  private static Map<String, Long> awaitVisits(
      String bootstrap, String topic, Map<String, Long> expected, Duration timeout)
      throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    Map<String, Long> visits = Map.of();
    while (System.nanoTime() < deadline) {
      visits = withoutDrain(Ledger.visitsByService(bootstrap, topic));
      if (total(visits) >= total(expected)) {
        // Give a duplicate the chance to show.
        Thread.sleep(3_000);
        return withoutDrain(Ledger.visitsByService(bootstrap, topic));
      }
      Thread.sleep(1_000);
    }
    return visits;
  }

  /** The incidents that name the scenario's truth: cascading latency rooted at inventory. */
  private static List<Incident> truthIncidents(List<Incident> incidents) {
    return incidents.stream()
        .filter(i -> i.type() == IncidentType.CASCADING_LATENCY)
        .filter(i -> i.rootCause().service().equals("inventory"))
        .toList();
  }

  private static Map<String, Long> withoutDrain(Map<String, Long> visits) {
    Map<String, Long> out = new java.util.TreeMap<>(visits);
    out.remove(Traffic.DRAIN_SERVICE);
    return out;
  }

  private static long total(Map<String, Long> visits) {
    return visits.values().stream().filter(Objects::nonNull).mapToLong(Long::longValue).sum();
  }
}
