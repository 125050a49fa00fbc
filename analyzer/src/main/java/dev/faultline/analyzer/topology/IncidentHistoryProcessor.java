package dev.faultline.analyzer.topology;

import static java.util.Objects.requireNonNull;

import java.util.function.Consumer;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * Keeps every instance's copy of the incidents (global store {@link #STORE}, fed from {@code
 * faultline.alerts}: the latest state of each incident by id) and tells live listeners (the
 * server-sent event stream) about each new state.
 */
final class IncidentHistoryProcessor implements Processor<String, byte[], Void, Void> {
  static final String STORE = "incident-history";

  private final Consumer<byte[]> listener;
  private KeyValueStore<String, byte[]> store;

  IncidentHistoryProcessor(Consumer<byte[]> listener) {
    this.listener = requireNonNull(listener, "listener");
  }

  @Override
  public void init(ProcessorContext<Void, Void> context) {
    this.store = context.getStateStore(STORE);
  }

  @Override
  public void process(Record<String, byte[]> record) {
    if (record.key() == null) {
      return;
    }
    if (record.value() == null) {
      store.delete(record.key());
      return;
    }
    store.put(record.key(), record.value());
    listener.accept(record.value());
  }
}
