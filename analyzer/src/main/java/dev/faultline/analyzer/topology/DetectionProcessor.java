package dev.faultline.analyzer.topology;

import static java.util.Objects.requireNonNull;

import dev.faultline.analyzer.detect.DetectionEngine;
import dev.faultline.analyzer.graph.GraphWindow;
import dev.faultline.schemas.incident.Incident;
import dev.faultline.schemas.incident.IncidentJson;
import dev.faultline.schemas.incident.IncidentStatus;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
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
