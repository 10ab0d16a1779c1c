package dev.digitstream.streamapp.batching;

import dev.digitstream.model.BatchClassifier;
import dev.digitstream.streamapp.metrics.BatchMetrics;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * Hands each stream thread its {@link ThreadBatcher}, created on first use with a classifier from
 * the pool of warmed-up model copies (one per stream thread), or made on demand when the pool is
 * empty. Also carries the clock and the shutdown "drain" flag the processors look at.
 */
public final class Batchers {

  private final BlockingQueue<BatchClassifier> warmed;
  private final Supplier<BatchClassifier> fallback;
  private final long maxDelayMs;
  private final BatchMetrics metrics;
  private final LongSupplier clockMs;
  private final Map<Thread, ThreadBatcher> byThread = new ConcurrentHashMap<>();
  private volatile boolean draining;

  /**
   * @param warmed ready classifiers, one per expected stream thread
   * @param fallback makes a classifier when a thread finds the pool empty (threads added later)
   * @param clockMs the wall clock of batch deadlines and latencies ({@code
   *     System::currentTimeMillis}; tests give their own)
   */
  public Batchers(
      Iterable<BatchClassifier> warmed,
      Supplier<BatchClassifier> fallback,
      long maxDelayMs,
      BatchMetrics metrics,
      LongSupplier clockMs) {
    this.warmed = new LinkedBlockingQueue<>();
    warmed.forEach(this.warmed::add);
    this.fallback = fallback;
    this.maxDelayMs = maxDelayMs;
    this.metrics = metrics;
    this.clockMs = clockMs;
  }

  /** The batcher of the calling stream thread. */
  public ThreadBatcher forCurrentThread() {
    return byThread.computeIfAbsent(
        Thread.currentThread(),
        t -> {
          BatchClassifier classifier = warmed.poll();
          return new ThreadBatcher(
              classifier != null ? classifier : fallback.get(), maxDelayMs, metrics, clockMs);
        });
  }

  /** The current wall-clock time, read afresh. */
  public long nowMs() {
    return clockMs.getAsLong();
  }

  /** Images waiting for inference on all threads. */
  public int pending() {
    return byThread.values().stream().mapToInt(ThreadBatcher::pending).sum();
  }

  /** From now on, every punctuation flushes whatever is pending (shutdown). */
  public void drain() {
    draining = true;
  }

  public boolean draining() {
    return draining;
  }
}
