package dev.faultline.ingest.normalize;

import java.util.Arrays;

/**
 * A map from byte strings to values, looked up by a range of a larger array without copying or
 * decoding it. It holds at most a fixed number of entries and starts afresh when full, so input
 * that never repeats costs a lookup, not memory. Not thread-safe.
 *
 * @param <V> the values
 */
final class BytesMap<V> {
  // Starts small enough for the first-level cache; stays at most half full, so probes are short.
  private static final int INITIAL_SLOTS = 64;

  private final int maxEntries;
  private byte[][] keys = new byte[INITIAL_SLOTS][];
  private int[] hashes = new int[INITIAL_SLOTS];
  private Object[] values = new Object[INITIAL_SLOTS];
  private int entries;

  BytesMap(int maxEntries) {
    if (maxEntries < 1) {
      throw new IllegalArgumentException("maxEntries must be positive");
    }
    this.maxEntries = maxEntries;
  }

  /** A hash of the bytes, eight at a time. */
  static int hash(byte[] source, int offset, int length) {
    long hash = length;
    int i = offset;
    int end = offset + length;
    for (; i <= end - Long.BYTES; i += Long.BYTES) {
      hash = hash * 31 + Wire.longAt(source, i);
    }
    for (; i < end; i++) {
      hash = hash * 31 + source[i];
    }
    hash *= 0x9e37_79b9_7f4a_7c15L;
    return (int) (hash ^ (hash >>> 32));
  }

  /** The value of the bytes, or {@code null}; {@code hash} is their {@link #hash}. */
  @SuppressWarnings("unchecked")
  V get(byte[] source, int offset, int length, int hash) {
    int mask = keys.length - 1;
    for (int slot = hash & mask; keys[slot] != null; slot = (slot + 1) & mask) {
      if (hashes[slot] == hash
          && Arrays.equals(keys[slot], 0, keys[slot].length, source, offset, offset + length)) {
        return (V) values[slot];
      }
    }
    return null;
  }

  /** Maps a copy of the bytes to {@code value}; they must not be mapped yet. */
  void put(byte[] source, int offset, int length, int hash, V value) {
    if (entries == maxEntries) {
      clear();
    }
    if (entries >= keys.length / 2) {
      resize(keys.length * 2);
    }
    insert(Arrays.copyOfRange(source, offset, offset + length), hash, value);
  }

  private void insert(byte[] key, int hash, Object value) {
    int mask = keys.length - 1;
    int slot = hash & mask;
    while (keys[slot] != null) {
      slot = (slot + 1) & mask;
    }
    keys[slot] = key;
    hashes[slot] = hash;
    values[slot] = value;
    entries++;
  }

  private void resize(int slots) {
    byte[][] oldKeys = keys;
    int[] oldHashes = hashes;
    Object[] oldValues = values;
    keys = new byte[slots][];
    hashes = new int[slots];
    values = new Object[slots];
    entries = 0;
    for (int i = 0; i < oldKeys.length; i++) {
      if (oldKeys[i] != null) {
        insert(oldKeys[i], oldHashes[i], oldValues[i]);
      }
    }
  }

  private void clear() {
    keys = new byte[INITIAL_SLOTS][];
    hashes = new int[INITIAL_SLOTS];
    values = new Object[INITIAL_SLOTS];
    entries = 0;
  }
}
