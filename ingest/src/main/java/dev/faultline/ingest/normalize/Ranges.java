package dev.faultline.ingest.normalize;

import java.util.Arrays;

/**
 * A growable list of {@link Wire#range} values without boxing: a request's resources, scopes and
 * rejected spans are located first and read after, and a {@code List<Long>} of their positions
 * allocated a {@code Long} for nearly every one.
 */
final class Ranges {
  private static final long[] NONE = new long[0];

  private long[] values = NONE;
  private int size;

  void add(long range) {
    if (size == values.length) {
      values = Arrays.copyOf(values, Math.max(2, size * 2));
    }
    values[size++] = range;
  }

  long get(int index) {
    if (index < 0 || index >= size) {
      throw new IndexOutOfBoundsException(index);
    }
    return values[index];
  }

  int size() {
    return size;
  }

  boolean isEmpty() {
    return size == 0;
  }
}
