package dev.digitstream.streamapp.topology;

import java.util.Map;
import org.apache.kafka.streams.processor.StateStore;
import org.apache.kafka.streams.processor.StateStoreContext;
import org.apache.kafka.streams.state.StoreBuilder;
import org.apache.kafka.streams.state.internals.CacheFlushListener;
import org.apache.kafka.streams.state.internals.CachedStateStore;

/**
 * Tells a task's processor of its commits: runs its action at the start of every commit, and counts
 * the commits. A store with no data and no changelog.
 *
 * <p>The action: the processor writes the records still awaiting their prediction to its
 * changelogged pending store, so that no offset is committed past a record that is neither
 * predicted nor stored (see {@link ClassifyProcessor}). A commit flushes every task's store caches
 * ({@link CachedStateStore#flushCache}, which is how this store hears of it) before it flushes the
 * producer and commits the offsets (in one transaction under exactly-once); the pending store has
 * no cache, so what the action writes goes to its changelog at once, within that commit. If the
 * action fails, so does the commit.
 *
 * <p>The count: under at-least-once, a prediction's send and the tombstone that deletes its
 * pending-store entry go to different partitions through one producer, and nothing orders their
 * acknowledgements. A commit waits for every send before it commits offsets, and if that fails the
 * task is closed. So a processor that sees the count higher than when it forwarded a prediction
 * knows the prediction was acknowledged.
 *
 * <p>Kafka Streams has no public commit callback for processors ({@code
 * StateStoreContext.register}'s {@code CommitCallback} runs only when a checkpoint is due); {@link
 * CachedStateStore} is internal, and {@code TopologyTest} fails if a Kafka upgrade stops calling it
 * at the start of a commit.
 */
final class CommitCounter implements StateStore, CachedStateStore<Void, Void> {

  private final String name;
  private volatile boolean open;
  private long commits;
  private Runnable beforeCommit = () -> {};

  private CommitCounter(String name) {
    this.name = name;
  }

  /**
   * Runs {@code action} at the start of each commit of the task, on its stream thread, from now on
   * (the last one set counts; the processor sets a no-op when it closes).
   */
  void beforeCommit(Runnable action) {
    this.beforeCommit = action;
  }

  /** Commits of the task so far; read by the task's own processor. */
  long commits() {
    return commits;
  }

  @Override
  public void flushCache() {
    beforeCommit.run();
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
