package dev.faultline.analyzer.query;

import static java.util.Objects.requireNonNull;

import dev.faultline.schemas.incident.Incident;
import dev.faultline.schemas.incident.IncidentJson;
import dev.faultline.schemas.incident.IncidentStatus;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;

/** Reads incidents from this instance's copy of {@code faultline.alerts}. */
public final class IncidentQueries {
  private final Supplier<ReadOnlyKeyValueStore<String, byte[]>> store;

  public IncidentQueries(Supplier<ReadOnlyKeyValueStore<String, byte[]>> store) {
    this.store = requireNonNull(store, "store");
  }

  /** Open incidents first (most severe, then latest), then resolved ones (latest first). */
  public List<Incident> list() {
    List<Incident> out = new ArrayList<>();
    try (KeyValueIterator<String, byte[]> it = store.get().all()) {
      while (it.hasNext()) {
        KeyValue<String, byte[]> entry = it.next();
        parse(entry.value).ifPresent(out::add);
      }
    }
    out.sort(
        Comparator.comparing((Incident i) -> i.status() == IncidentStatus.RESOLVED)
            .thenComparing(Incident::severity)
            .thenComparing(Incident::eventTime, Comparator.reverseOrder()));
    return out;
  }

  public Optional<Incident> get(String id) {
    byte[] bytes = store.get().get(id);
    return bytes == null ? Optional.empty() : parse(bytes);
  }

  /** The current open incidents, for a new stream subscriber. */
  public List<Incident> open() {
    return list().stream().filter(i -> i.status() != IncidentStatus.RESOLVED).toList();
  }

  private static Optional<Incident> parse(byte[] bytes) {
    try {
      return Optional.of(IncidentJson.read(bytes));
    } catch (IOException e) {
      return Optional.empty(); // a record this version cannot read: skipped, not fatal
    }
  }
}
