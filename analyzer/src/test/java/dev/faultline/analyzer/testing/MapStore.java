package dev.faultline.analyzer.testing;

import java.util.Iterator;
import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;

/** A read-only key-value store over a sorted map, for query tests without a running topology. */
public final class MapStore implements ReadOnlyKeyValueStore<Bytes, byte[]> {
  private final NavigableMap<Bytes, byte[]> map = new TreeMap<>();

  public MapStore put(Bytes key, byte[] value) {
    map.put(key, value);
    return this;
  }

  @Override
  public byte[] get(Bytes key) {
    return map.get(key);
  }

  @Override
  public KeyValueIterator<Bytes, byte[]> range(Bytes from, Bytes to) {
    return iterator(map.subMap(from, true, to, true));
  }

  @Override
  public KeyValueIterator<Bytes, byte[]> reverseRange(Bytes from, Bytes to) {
    return iterator(map.subMap(from, true, to, true).descendingMap());
  }

  @Override
  public KeyValueIterator<Bytes, byte[]> all() {
    return iterator(map);
  }

  @Override
  public KeyValueIterator<Bytes, byte[]> reverseAll() {
    return iterator(map.descendingMap());
  }

  @Override
  public long approximateNumEntries() {
    return map.size();
  }

  private static KeyValueIterator<Bytes, byte[]> iterator(Map<Bytes, byte[]> entries) {
    Iterator<Map.Entry<Bytes, byte[]>> it = entries.entrySet().iterator();
    return new KeyValueIterator<>() {
      @Override
      public void close() {}

      @Override
      public Bytes peekNextKey() {
        throw new UnsupportedOperationException();
      }

      @Override
      public boolean hasNext() {
        return it.hasNext();
      }

      @Override
      public KeyValue<Bytes, byte[]> next() {
        Map.Entry<Bytes, byte[]> entry = it.next();
        return KeyValue.pair(entry.getKey(), entry.getValue());
      }
    };
  }
}
