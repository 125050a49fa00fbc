package dev.faultline.analyzer.topology;

import static java.util.Objects.requireNonNull;

import java.util.Map;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.Serdes.ByteArraySerde;
import org.apache.kafka.common.serialization.Serdes.BytesSerde;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.processor.StateStore;
import org.apache.kafka.streams.processor.StateStoreContext;
import org.apache.kafka.streams.query.Position;
import org.apache.kafka.streams.query.PositionBound;
import org.apache.kafka.streams.query.Query;
import org.apache.kafka.streams.query.QueryConfig;
import org.apache.kafka.streams.query.QueryResult;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.StoreBuilder;
import org.apache.kafka.streams.state.Stores;
import org.apache.kafka.streams.state.internals.CacheFlushListener;
import org.apache.kafka.streams.state.internals.CachedStateStore;

/**
 * A changelogged RocksDB key-value store that lets its processor write just before each commit.
 *
 * <p>A processor that keeps its state as objects (the window stage's accumulators) registers a hook
 * with {@link #beforeCommit}; the task calls it when it prepares a commit, before it flushes its
 * output and commits the input offsets, so what the hook writes is in the same transaction as the
 * offsets under {@code exactly_once_v2}. This is how Kafka Streams' own record cache writes its
 * dirty entries (the task asks every {@link CachedStateStore} to flush), except that nothing is
 * serialized per record: the hook serializes what changed, once per commit.
 *
 * <p>Returned as is by {@code ProcessorContext.getStateStore} (it is not a {@link KeyValueStore},
 * which the context would wrap), so the processor can register its hook.
 */
final class CommitHookStore implements StateStore, CachedStateStore<Bytes, byte[]> {
  private final KeyValueStore<Bytes, byte[]> inner;
  private Runnable beforeCommit = () -> {};

  private CommitHookStore(KeyValueStore<Bytes, byte[]> inner) {
    this.inner = requireNonNull(inner, "inner");
  }

  /** The builder to add to the topology: a persistent, changelogged store without record cache. */
  static StoreBuilder<CommitHookStore> builder(String name) {
    return new Builder(
        Stores.keyValueStoreBuilder(
                Stores.persistentKeyValueStore(name), new BytesSerde(), new ByteArraySerde())
            .withCachingDisabled());
  }

  /** Runs {@code hook} whenever the task prepares a commit (and when it closes cleanly). */
  void beforeCommit(Runnable hook) {
    this.beforeCommit = requireNonNull(hook, "hook");
  }

  byte[] get(Bytes key) {
    return inner.get(key);
  }

  void put(Bytes key, byte[] value) {
    inner.put(key, value);
  }

  void delete(Bytes key) {
    inner.delete(key);
  }

  KeyValueIterator<Bytes, byte[]> all() {
    return inner.all();
  }

  KeyValueIterator<Bytes, byte[]> range(Bytes from, Bytes to) {
    return inner.range(from, to);
  }

  long approximateNumEntries() {
    return inner.approximateNumEntries();
  }

  @Override
  public void flushCache() {
    beforeCommit.run();
  }

  @Override
  public void clearCache() {
    // Nothing cached here: what the hook would have written is lost with the uncommitted work.
  }

  @Override
  public boolean setFlushListener(CacheFlushListener<Bytes, byte[]> listener, boolean oldValues) {
    return false;
  }

  @Override
  public String name() {
    return inner.name();
  }

  @Override
  public void init(StateStoreContext context, StateStore root) {
    inner.init(context, root);
  }

  @Override
  @SuppressWarnings("deprecation")
  public void flush() {
    inner.flush();
  }

  @Override
  public void commit(Map<TopicPartition, Long> changelogOffsets) {
    inner.commit(changelogOffsets);
  }

  @Override
  public Long committedOffset(TopicPartition partition) {
    return inner.committedOffset(partition);
  }

  @Override
  public boolean managesOffsets() {
    return inner.managesOffsets();
  }

  @Override
  public long approximateNumUncommittedBytes() {
    return inner.approximateNumUncommittedBytes();
  }

  @Override
  public void close() {
    inner.close();
  }

  @Override
  public boolean persistent() {
    return inner.persistent();
  }

  @Override
  public boolean isOpen() {
    return inner.isOpen();
  }

  @Override
  public <R> QueryResult<R> query(Query<R> query, PositionBound bound, QueryConfig config) {
    return inner.query(query, bound, config);
  }

  @Override
  public Position getPosition() {
    return inner.getPosition();
  }

  private static final class Builder implements StoreBuilder<CommitHookStore> {
    private final StoreBuilder<KeyValueStore<Bytes, byte[]>> inner;

    Builder(StoreBuilder<KeyValueStore<Bytes, byte[]>> inner) {
      this.inner = inner;
    }

    @Override
    public StoreBuilder<CommitHookStore> withCachingEnabled() {
      throw new UnsupportedOperationException("the hook replaces the record cache");
    }

    @Override
    public StoreBuilder<CommitHookStore> withCachingDisabled() {
      return this;
    }

    @Override
    public StoreBuilder<CommitHookStore> withLoggingEnabled(Map<String, String> config) {
      inner.withLoggingEnabled(config);
      return this;
    }

    @Override
    public StoreBuilder<CommitHookStore> withLoggingDisabled() {
      inner.withLoggingDisabled();
      return this;
    }

    @Override
    public CommitHookStore build() {
      return new CommitHookStore(inner.build());
    }

    @Override
    public Map<String, String> logConfig() {
      return inner.logConfig();
    }

    @Override
    public boolean loggingEnabled() {
      return inner.loggingEnabled();
    }

    @Override
    public String name() {
      return inner.name();
    }
  }
}
