package dev.faultline.ingest.normalize;

import static java.util.Objects.requireNonNull;

import com.google.protobuf.InvalidProtocolBufferException;

/**
 * Attribute keys as they appear on the wire, each decoded and judged by the {@link AttributeFilter}
 * once: the same few dozen keys come with every span, and most are dropped, so looking the bytes up
 * is cheaper than decoding them. Not thread-safe.
 */
final class AttributeKeys {
  /** A decoded key and whether span records keep it. */
  record Key(String name, boolean kept) {
    Key {
      requireNonNull(name, "name");
    }
  }

  private static final int MAX_KEYS = 2048;

  private final AttributeFilter filter;
  private final BytesMap<Key> seen = new BytesMap<>(MAX_KEYS);
  private final Key empty;

  AttributeKeys(AttributeFilter filter) {
    this.filter = requireNonNull(filter, "filter");
    this.empty = new Key("", filter.keeps(""));
  }

  /** The key of a {@code KeyValue} without a key field. */
  Key empty() {
    return empty;
  }

  /**
   * The key whose UTF-8 bytes are {@code length} bytes at {@code offset}.
   *
   * @throws InvalidProtocolBufferException if they are not UTF-8, as the generated parser would
   */
  Key lookup(byte[] source, int offset, int length) throws InvalidProtocolBufferException {
    int hash = BytesMap.hash(source, offset, length);
    Key key = seen.get(source, offset, length, hash);
    if (key != null) {
      return key;
    }
    String name = Wire.string(source, offset, length);
    key = new Key(name, filter.keeps(name));
    seen.put(source, offset, length, hash, key);
    return key;
  }
}
