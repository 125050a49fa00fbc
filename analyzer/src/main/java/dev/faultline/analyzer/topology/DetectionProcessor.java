package dev.faultline.analyzer.topology;

import static java.util.Objects.requireNonNull;

import com.google.protobuf.InvalidProtocolBufferException;
import dev.faultline.analyzer.detect.DetectionEngine;
import dev.faultline.analyzer.graph.GraphWindow;
import dev.faultline.schemas.incident.Incident;
import dev.faultline.schemas.incident.IncidentJson;
import dev.faultline.schemas.incident.IncidentStatus;
import dev.faultline.schemas.proto.EdgeStats;
import dev.faultline.schemas.proto.GraphRecord;
import dev.faultline.schemas.proto.NodeStats;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;
import java.util.function.Supplier;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * Runs the detectors on every published window (one task: the graph stage's) and emits each
 * incident state, keyed by incident id, for {@code faultline.alerts}.
 *
 * <p>Store {@link #STORE} keeps the open incidents, so a restart updates them instead of opening
 * duplicates; the engine's baselines are warmed again from this instance's graph history.
 */
final class DetectionProcessor implements Processor<Bytes, GraphWindow, String, Incident> {
  static final String STORE = "incidents-open";

  private final Supplier<DetectionEngine> engines;
  private DetectionEngine engine;
  private ProcessorContext<String, Incident> context;
  private KeyValueStore<String, byte[]> open;

  DetectionProcessor(Supplier<DetectionEngine> engines) {
    this.engines = requireNonNull(engines, "engines");
  }

  @Override
  public void init(ProcessorContext<String, Incident> context) {
    this.context = context;
    this.open = context.getStateStore(STORE);
    this.engine = engines.get();
    List<Incident> restored = new ArrayList<>();
    try (KeyValueIterator<String, byte[]> it = open.all()) {
      while (it.hasNext()) {
        KeyValue<String, byte[]> entry = it.next();
        try {
          restored.add(IncidentJson.read(entry.value));
        } catch (IOException e) {
          throw new IllegalStateException("corrupt open incident " + entry.key, e);
        }
      }
    }
    engine.restore(restored);
    warmFromHistory(context.getStateStore(GraphHistoryProcessor.STORE));
  }

  /**
   * Gives the engine the windows this instance's graph history holds (every published window of the
   * last {@code faultline.graph.history.ms}), so that a task taken over from a failed instance, or
   * restarted, compares the next windows with the same baseline as before, instead of with the
   * windows that come after it started (which, during a fault, are the fault).
   */
  private void warmFromHistory(KeyValueStore<Bytes, byte[]> history) {
    TreeMap<Long, List<GraphRecord>> windows = new TreeMap<>();
    try (KeyValueIterator<Bytes, byte[]> it = history.all()) {
      while (it.hasNext()) {
        KeyValue<Bytes, byte[]> entry = it.next();
        try {
          GraphRecord record = GraphRecord.parseFrom(entry.value);
          windows.computeIfAbsent(record.getWindowStartMs(), w -> new ArrayList<>()).add(record);
        } catch (InvalidProtocolBufferException e) {
          throw new IllegalStateException("corrupt graph history entry", e);
        }
      }
    }
    windows.forEach(
        (start, records) -> {
          List<EdgeStats> edges = new ArrayList<>();
          List<NodeStats> nodes = new ArrayList<>();
          for (GraphRecord record : records) {
            if (record.hasEdge()) {
              edges.add(record.getEdge());
            } else if (record.hasNode()) {
              nodes.add(record.getNode());
            }
          }
          engine.warm(new GraphWindow(start, records.get(0).getWindowEndMs(), edges, nodes, true));
        });
  }

  @Override
  public void process(Record<Bytes, GraphWindow> record) {
    List<Incident> raised = engine.onWindow(record.value(), context.currentSystemTimeMs());
    for (Incident incident : raised) {
      if (incident.status() == IncidentStatus.RESOLVED) {
        open.delete(incident.id());
      } else {
        open.put(incident.id(), IncidentJson.write(incident));
      }
      context.forward(new Record<>(incident.id(), incident, record.timestamp()));
    }
  }
}
