package dev.digitstream.streamapp.topology;

import java.util.Map;
import org.apache.kafka.streams.processor.StateStore;
import org.apache.kafka.streams.processor.StateStoreContext;
import org.apache.kafka.streams.state.StoreBuilder;
import org.apache.kafka.streams.state.internals.CacheFlushListener;
import org.apache.kafka.streams.state.internals.CachedStateStore;

/**
 * Counts the commits of one task: a store with no data and no changelog whose only job is to be
 * told when the task commits.
 *
 * <p>Why: under at-least-once, a prediction's send and the tombstone that deletes its pending-store
 * entry go to different partitions through one producer, and nothing orders their acknowledgements.
 * A commit flushes every task's store caches ({@link CachedStateStore#flushCache}, which is how
 * this store hears of it) and then the producer, waiting for every send, before it commits offsets;
 * if the flush fails the task is closed. So a processor that sees the count higher than when it
 * forwarded a prediction knows the prediction was acknowledged. Kafka Streams has no public commit
 * callback for processors ({@code StateStoreContext.register}'s {@code CommitCallback} runs only
 * when a checkpoint is due); {@link CachedStateStore} is internal, and {@code TopologyTest} fails
 * if a Kafka upgrade stops calling it on commit.
 */
final class CommitCounter implements StateStore, CachedStateStore<Void, Void> {

  private final String name;
  private volatile boolean open;
  private long commits;

  private CommitCounter(String name) {
    this.name = name;
  }

  /** Commits of the task so far; read by the task's own processor. */
  long commits() {
    return commits;
  }

  @Override
  public void flushCache() {
    commits++;
  }

  @Override
  public boolean setFlushListener(CacheFlushListener<Void, Void> listener, boolean sendOldValues) {
    return false;
  }

  @Override
  public void clearCache() {}

  @Override
  public String name() {
    return name;
  }

  @Override
  public void init(StateStoreContext context, StateStore root) {
    context.register(root, (key, value) -> {});
    open = true;
  }

  @Override
  public void flush() {}

  @Override
  public void close() {
    open = false;
  }

  @Override
  public boolean persistent() {
    return false;
  }

  @Override
  public boolean isOpen() {
    return open;
  }

  static StoreBuilder<CommitCounter> builder(String name) {
    return new StoreBuilder<>() {
      @Override
      public StoreBuilder<CommitCounter> withCachingEnabled() {
        return this;
      }

      @Override
      public StoreBuilder<CommitCounter> withCachingDisabled() {
        return this;
      }

      @Override
      public StoreBuilder<CommitCounter> withLoggingEnabled(Map<String, String> config) {
        return this;
      }

      @Override
      public StoreBuilder<CommitCounter> withLoggingDisabled() {
        return this;
      }

      @Override
      public CommitCounter build() {
        return new CommitCounter(name);
      }

      @Override
      public Map<String, String> logConfig() {
        return Map.of();
      }

      @Override
      public boolean loggingEnabled() {
        return false;
      }

      @Override
      public String name() {
        return name;
      }
    };
  }
}
