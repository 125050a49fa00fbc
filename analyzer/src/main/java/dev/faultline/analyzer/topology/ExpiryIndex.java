package dev.faultline.analyzer.topology;

import static java.util.Objects.requireNonNull;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.state.KeyValueIterator;

/**
 * Trace assembly's expiry index: the ids of the traces to look at again, by deadline, in buckets of
 * {@link #BUCKET_MS} of event time.
 *
 * <p>A trace is indexed when it starts, when expiry finds it still receiving spans, and when it is
 * resolved (to be forgotten after retention): three times in its life for most traces, thousands of
 * times a second. Indexing one entry per trace cost a RocksDB write and a changelog record each
 * time, as many as the trace's own batches. Here an entry is appended to its bucket in memory, and
 * the buckets that changed are written once per commit ({@link CommitHookStore}, in the commit's
 * transaction under {@code exactly_once_v2}): a few records per commit instead of one per trace. A
 * bucket is read back and deleted as a whole when it is due.
 *
 * <p>Entries are hints, not facts: the trace's bookkeeping holds its deadline, and an entry whose
 * bucket is not its trace's deadline's any more (re-indexed since), or whose trace is gone, is
 * skipped. So the same id may be in a bucket twice, and a bucket that was read back and then
 * written again (eviction takes the oldest entries one at a time) loses nothing.
 *
 * <p>Keys are the bucket's start (8 bytes, sign bit flipped so byte order is numeric order); values
 * the ids, each as a 4-byte length and its bytes. Keys of a deadline followed by a trace id, with
 * an empty value, are entries of the one-per-trace layout of earlier versions, read as they come.
 */
final class ExpiryIndex {
  /** Width of a bucket: a trace is looked at up to this long after its deadline. */
  static final long BUCKET_MS = 100;

  private final CommitHookStore store;

  /**
   * The buckets held in memory: those with entries added since the last commit, and those read back
   * from the store (to be written again, or deleted, at the next commit).
   */
  private final TreeMap<Long, Bucket> buckets = new TreeMap<>();

  /** The bucket entries were last added to (most go to the same one), null when dropped. */
  private long lastStart;

  private Bucket lastBucket;

  /**
   * A bucket in memory: its ids from {@code next} on, and whether the stored ones are among them.
   */
  private static final class Bucket {
    final List<byte[]> ids = new ArrayList<>();
    int next;
    boolean loaded;
    boolean dirty;

    int remaining() {
      return ids.size() - next;
    }
  }

  /** An entry taken from the index: a trace id and the start of the bucket it was indexed in. */
  record Entry(byte[] traceId, long bucketStartMs) {}

  /** The index kept in {@code store}; its owner calls {@link #flush} before every commit. */
  ExpiryIndex(CommitHookStore store) {
    this.store = requireNonNull(store, "store");
  }

  /** The start of the bucket holding {@code deadlineMs}. */
  static long bucketOf(long deadlineMs) {
    return Math.floorDiv(deadlineMs, BUCKET_MS) * BUCKET_MS;
  }

  /** Indexes {@code traceId} at {@code deadlineMs}. */
  void add(long deadlineMs, byte[] traceId) {
    long start = bucketOf(deadlineMs);
    Bucket bucket = start == lastStart ? lastBucket : null;
    if (bucket == null) {
      bucket = buckets.computeIfAbsent(start, s -> new Bucket());
      lastStart = start;
      lastBucket = bucket;
    }
    bucket.ids.add(traceId);
    bucket.dirty = true;
  }

  /**
   * Takes the entries of the buckets whose every deadline is at or before {@code nowMs}, oldest
   * bucket first, whole buckets until at least {@code max} entries. A due bucket's stored part that
   * was not read back (more than {@code max} entries were due) stays in the store for the next
   * call.
   */
  List<Entry> takeDue(long nowMs, int max) {
    long lastDue = bucketOf(nowMs + 1) - BUCKET_MS; // its end, lastDue + BUCKET_MS - 1, <= nowMs
    loadStored(lastDue, max);
    List<Entry> out = new ArrayList<>();
    while (out.size() < max && !buckets.isEmpty() && buckets.firstKey() <= lastDue) {
      Map.Entry<Long, Bucket> first = buckets.firstEntry();
      Bucket bucket = first.getValue();
      for (int i = bucket.next; i < bucket.ids.size(); i++) {
        out.add(new Entry(bucket.ids.get(i), first.getKey()));
      }
      remove(first.getKey(), bucket);
    }
    return out;
  }

  /** Takes the oldest entry in the index, due or not, or null when it is empty. */
  Entry takeOldest() {
    while (true) {
      Long stored = firstUnloadedStored();
      if (stored != null && (buckets.isEmpty() || stored <= buckets.firstKey())) {
        loadStored(stored, Integer.MAX_VALUE);
        continue;
      }
      if (buckets.isEmpty()) {
        return null;
      }
      Map.Entry<Long, Bucket> first = buckets.firstEntry();
      Bucket bucket = first.getValue();
      if (bucket.remaining() == 0) {
        remove(first.getKey(), bucket);
        continue;
      }
      byte[] id = bucket.ids.get(bucket.next++);
      bucket.dirty = true;
      return new Entry(id, first.getKey());
    }
  }

  /**
   * Reads back the stored buckets up to the one starting at {@code upToStartMs} (entries of the old
   * layout in them included) that are not in memory yet, at least {@code max} entries' worth.
   */
  private void loadStored(long upToStartMs, int max) {
    Map<Long, List<byte[]>> found = new TreeMap<>();
    List<Bytes> oldLayout = new ArrayList<>();
    int entries = 0;
    try (KeyValueIterator<Bytes, byte[]> it =
        store.range(key(Long.MIN_VALUE), key(upToStartMs + BUCKET_MS))) {
      while (it.hasNext() && entries < max) {
        KeyValue<Bytes, byte[]> next = it.next();
        long start = startOf(next.key);
        if (next.key.get().length != Long.BYTES) {
          oldLayout.add(next.key);
          entries++;
        } else if (!isLoaded(start)) {
          List<byte[]> ids = ids(next.value);
          found.put(start, ids);
          entries += ids.size();
        }
      }
    }
    found.forEach(
        (start, ids) -> {
          Bucket bucket = buckets.computeIfAbsent(start, s -> new Bucket());
          bucket.ids.subList(0, bucket.next).clear();
          bucket.ids.addAll(0, ids);
          bucket.next = 0;
          bucket.loaded = true;
        });
    for (Bytes key : oldLayout) {
      // An entry of the old layout: a deadline and a trace id. It becomes an entry of its bucket.
      byte[] id = new byte[key.get().length - Long.BYTES];
      System.arraycopy(key.get(), Long.BYTES, id, 0, id.length);
      store.delete(key);
      add(startOf(key), id);
    }
  }

  private boolean isLoaded(long start) {
    Bucket bucket = buckets.get(start);
    return bucket != null && bucket.loaded;
  }

  /** The start of the oldest stored bucket not in memory yet (or of an old-layout entry's). */
  private Long firstUnloadedStored() {
    try (KeyValueIterator<Bytes, byte[]> it = store.all()) {
      while (it.hasNext()) {
        Bytes key = it.next().key;
        long start = startOf(key);
        if (key.get().length != Long.BYTES) {
          return bucketOf(start);
        }
        if (!isLoaded(start)) {
          return start;
        }
      }
    }
    return null;
  }

  /**
   * Drops a bucket whose entries were all taken: from memory, and from the store if it is there.
   */
  private void remove(long start, Bucket bucket) {
    buckets.remove(start);
    lastBucket = null;
    if (bucket.loaded) {
      store.delete(key(start));
    }
  }

  /** Writes the buckets that changed since the last commit. */
  void flush() {
    for (Map.Entry<Long, Bucket> entry : buckets.entrySet()) {
      Bucket bucket = entry.getValue();
      if (!bucket.dirty) {
        continue;
      }
      Bytes key = key(entry.getKey());
      List<byte[]> ids = bucket.ids.subList(bucket.next, bucket.ids.size());
      if (!bucket.loaded) {
        byte[] stored = store.get(key);
        if (stored != null) {
          ids.addAll(0, ids(stored));
        }
      }
      if (ids.isEmpty()) {
        if (bucket.loaded) {
          store.delete(key);
        }
      } else {
        store.put(key, encode(ids));
      }
    }
    buckets.clear();
    lastBucket = null;
  }

  /** Traces indexed in a store of the old layout, for a count of traces in flight. */
  long approximateEntries() {
    return store.approximateNumEntries();
  }

  static Bytes key(long startMs) {
    return Bytes.wrap(ByteBuffer.allocate(Long.BYTES).putLong(startMs ^ Long.MIN_VALUE).array());
  }

  private static long startOf(Bytes key) {
    return ByteBuffer.wrap(key.get()).getLong() ^ Long.MIN_VALUE;
  }

  static byte[] encode(List<byte[]> ids) {
    int size = 0;
    for (byte[] id : ids) {
      size += Integer.BYTES + id.length;
    }
    ByteBuffer out = ByteBuffer.allocate(size);
    for (byte[] id : ids) {
      out.putInt(id.length).put(id);
    }
    return out.array();
  }

  static List<byte[]> ids(byte[] value) {
    List<byte[]> out = new ArrayList<>();
    ByteBuffer in = ByteBuffer.wrap(value);
    while (in.remaining() >= Integer.BYTES) {
      int length = in.getInt();
      if (length < 0 || length > in.remaining()) {
        throw new IllegalStateException("corrupt expiry bucket");
      }
      byte[] id = new byte[length];
      in.get(id);
      out.add(id);
    }
    return out;
  }
}
