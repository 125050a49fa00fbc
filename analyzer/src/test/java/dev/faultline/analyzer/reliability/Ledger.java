package dev.faultline.analyzer.reliability;

import dev.faultline.schemas.incident.Incident;
import dev.faultline.schemas.incident.IncidentJson;
import dev.faultline.schemas.incident.IncidentStatus;
import dev.faultline.schemas.proto.GraphRecord;
import dev.faultline.schemas.proto.NodeStats;
import dev.faultline.schemas.proto.Span;
import dev.faultline.schemas.proto.SpanBatch;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * What ended up on the topics, read back as a downstream consumer would ({@code read_committed}):
 * spans by id, node visits per service, incident states per id. The reliability tests compare it
 * with what was sent.
 */
final class Ledger {
  private Ledger() {}

  /** Reads every committed record of {@code topic} from the beginning up to its end now. */
  static void readAll(
      String bootstrap, String topic, Consumer<ConsumerRecord<byte[], byte[]>> each) {
    Map<String, Object> config = new HashMap<>();
    config.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    config.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    config.put(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, 8 * 1024 * 1024);
    try (KafkaConsumer<byte[], byte[]> consumer =
        new KafkaConsumer<>(config, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
      List<TopicPartition> partitions =
          consumer.partitionsFor(topic, Duration.ofSeconds(30)).stream()
              .map(p -> new TopicPartition(topic, p.partition()))
              .toList();
      consumer.assign(partitions);
      consumer.seekToBeginning(partitions);
      // With read_committed these are the last stable offsets.
      Map<TopicPartition, Long> end = consumer.endOffsets(partitions, Duration.ofSeconds(30));
      long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
      while (partitions.stream().anyMatch(p -> consumer.position(p) < end.get(p))) {
        if (System.nanoTime() > deadline) {
          throw new IllegalStateException("could not read " + topic + " to its end in 60 s");
        }
        consumer.poll(Duration.ofMillis(200)).forEach(each);
      }
    }
  }

  /** How many times each span id (hex) appears in the span batches of {@code topic}. */
  static Map<String, Integer> spansById(String bootstrap, String topic) {
    Map<String, Integer> out = new HashMap<>();
    readAll(
        bootstrap,
        topic,
        record -> {
          try {
            for (Span span : SpanBatch.parseFrom(record.value()).getSpansList()) {
              out.merge(hex(span.getSpanId().toByteArray()), 1, Integer::sum);
            }
          } catch (com.google.protobuf.InvalidProtocolBufferException e) {
            throw new IllegalStateException("not a SpanBatch on " + topic, e);
          }
        });
    return out;
  }

  /** Spans counted in the dead-letter topic's header {@code faultline.dlq.span.count}. */
  static long deadLetterSpans(String bootstrap, String topic) {
    long[] spans = {0};
    readAll(
        bootstrap,
        topic,
        record -> {
          var header = record.headers().lastHeader("faultline.dlq.span.count");
          spans[0] +=
              header == null
                  ? 0
                  : Long.parseLong(new String(header.value(), StandardCharsets.UTF_8));
        });
    return spans[0];
  }

  /** Node visits per service, summed over every window published to the graph topic. */
  static Map<String, Long> visitsByService(String bootstrap, String topic) {
    Map<String, Long> out = new TreeMap<>();
    readAll(
        bootstrap,
        topic,
        record -> {
          try {
            GraphRecord graph = GraphRecord.parseFrom(record.value());
            if (graph.hasNode()) {
              NodeStats node = graph.getNode();
              out.merge(node.getService(), node.getVisits(), Long::sum);
            }
          } catch (com.google.protobuf.InvalidProtocolBufferException e) {
            throw new IllegalStateException("not a GraphRecord on " + topic, e);
          }
        });
    return out;
  }

  /** Node visits of the services other than {@code except}, per window start. */
  static Map<Long, Long> visitsByWindow(String bootstrap, String topic, String except) {
    Map<Long, Long> out = new TreeMap<>();
    readAll(
        bootstrap,
        topic,
        record -> {
          try {
            GraphRecord graph = GraphRecord.parseFrom(record.value());
            if (graph.hasNode() && !graph.getNode().getService().equals(except)) {
              out.merge(graph.getWindowStartMs(), graph.getNode().getVisits(), Long::sum);
            }
          } catch (com.google.protobuf.InvalidProtocolBufferException e) {
            throw new IllegalStateException("not a GraphRecord on " + topic, e);
          }
        });
    return out;
  }

  /** Node visits of the services other than {@code except}, per window start, of a replay. */
  static Map<Long, Long> visitsByWindow(
      List<dev.faultline.analyzer.graph.GraphWindow> windows, String except) {
    Map<Long, Long> out = new TreeMap<>();
    windows.forEach(
        w ->
            w.nodes().stream()
                .filter(n -> !n.getService().equals(except))
                .forEach(n -> out.merge(w.startMs(), n.getVisits(), Long::sum)));
    return out;
  }

  /** Node visits per service in windows as the replay published them. */
  static Map<String, Long> visitsByService(List<dev.faultline.analyzer.graph.GraphWindow> windows) {
    Map<String, Long> out = new TreeMap<>();
    windows.forEach(
        w -> w.nodes().forEach(n -> out.merge(n.getService(), n.getVisits(), Long::sum)));
    return out;
  }

  /** Every state written to the alerts topic, in order. */
  static List<Incident> incidents(String bootstrap, String topic) {
    List<Incident> out = new ArrayList<>();
    readAll(
        bootstrap,
        topic,
        record -> {
          try {
            out.add(IncidentJson.read(record.value()));
          } catch (IOException e) {
            throw new UncheckedIOException("not an incident on " + topic, e);
          }
        });
    return out;
  }

  /** Each incident's states as {@code STATUS#revision}, in the order they were written. */
  static Map<String, List<String>> statesById(List<Incident> incidents) {
    Map<String, List<String>> out = new LinkedHashMap<>();
    for (Incident incident : incidents) {
      out.computeIfAbsent(incident.id(), id -> new ArrayList<>())
          .add(incident.status() + "#" + incident.revision());
    }
    return out;
  }

  /**
   * What is wrong with one incident's states, or null: a state written twice, a missing or repeated
   * OPEN, revisions not counting 1, 2, 3..., anything after RESOLVED.
   */
  static String sequenceProblem(String id, List<String> states) {
    for (int i = 0; i < states.size(); i++) {
      String[] parts = states.get(i).split("#");
      IncidentStatus status = IncidentStatus.valueOf(parts[0]);
      int revision = Integer.parseInt(parts[1]);
      if (revision != i + 1) {
        return id + ": revision " + revision + " at position " + (i + 1) + " in " + states;
      }
      if ((i == 0) != (status == IncidentStatus.OPEN)) {
        return id + ": OPEN must come first and once: " + states;
      }
      if (status == IncidentStatus.RESOLVED && i != states.size() - 1) {
        return id + ": states after RESOLVED: " + states;
      }
    }
    return null;
  }

  /** Span ids (hex) of a request, each as often as it occurs. */
  static void spanIds(ExportTraceServiceRequest request, Consumer<String> each) {
    for (ResourceSpans resource : request.getResourceSpansList()) {
      for (ScopeSpans scope : resource.getScopeSpansList()) {
        scope.getSpansList().forEach(s -> each.accept(hex(s.getSpanId().toByteArray())));
      }
    }
  }

  static int spanCount(ExportTraceServiceRequest request) {
    int[] n = {0};
    spanIds(request, id -> n[0]++);
    return n[0];
  }

  /** Span ids sent but missing, and span ids stored more often than sent (a few of each). */
  static String difference(Map<String, Integer> sent, Map<String, Integer> stored) {
    List<String> missing = new ArrayList<>();
    List<String> extra = new ArrayList<>();
    long missingCount = 0;
    long extraCount = 0;
    for (var e : sent.entrySet()) {
      int got = stored.getOrDefault(e.getKey(), 0);
      if (got < e.getValue()) {
        missingCount++;
        if (missing.size() < 5) {
          missing.add(e.getKey());
        }
      } else if (got > e.getValue()) {
        extraCount++;
        if (extra.size() < 5) {
          extra.add(e.getKey() + "x" + got);
        }
      }
    }
    for (String id : Set.copyOf(stored.keySet())) {
      if (!sent.containsKey(id)) {
        extraCount++;
        if (extra.size() < 5) {
          extra.add(id + " (never sent)");
        }
      }
    }
    if (missingCount == 0 && extraCount == 0) {
      return null;
    }
    return missingCount
        + " span(s) missing "
        + missing
        + ", "
        + extraCount
        + " duplicated "
        + extra;
  }

  static String hex(byte[] bytes) {
    return HexFormat.of().formatHex(bytes);
  }
}
