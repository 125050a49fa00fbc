package dev.faultline.ingest.normalize;

import java.io.IOException;

/**
 * String fields whose values repeat record after record (services, operations, attribute keys),
 * each distinct encoding decoded once: one String per name saves decoding it, the garbage, and
 * hashing it again wherever spans and calls are grouped by it. Long values (rarely repeated) are
 * decoded every time. Not thread-safe.
 */
final class Names {
  private static final int MAX_CACHED_BYTES = 128;
  private static final int MAX_CACHED = 4_096;

  private final BytesMap<String> cache = new BytesMap<>(MAX_CACHED);

  /** Reads the string field just tagged, refusing invalid UTF-8 as the generated parsers do. */
  String read(Wire wire) throws IOException {
    long range = wire.readRange();
    int offset = Wire.offset(range);
    int length = Wire.length(range);
    if (length > MAX_CACHED_BYTES) {
      return Wire.string(wire.bytes, offset, length);
    }
    int hash = BytesMap.hash(wire.bytes, offset, length);
    String known = cache.get(wire.bytes, offset, length, hash);
    if (known == null) {
      known = Wire.string(wire.bytes, offset, length);
      cache.put(wire.bytes, offset, length, hash, known);
    }
    return known;
  }
}
