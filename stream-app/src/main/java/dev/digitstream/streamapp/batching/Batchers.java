package dev.digitstream.streamapp.batching;

import dev.digitstream.streamapp.metrics.BatchMetrics;
import dev.digitstream.streamapp.review.DriftMonitor;
import dev.digitstream.streamapp.review.ReviewPolicy;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/**
 * Hands each stream thread its {@link ThreadBatcher}, which takes its model copy from the {@link
 * ModelGeneration} served at the time, and switches when a new one is served. Also carries the
 * clocks, the shutdown "drain" flag the processors look at, and the counts a graceful stop waits
 * on.
 */
public final class Batchers {

  private volatile Serving serving;
  private volatile Shadow shadow;
  private final BatchTiming timing;
  private final BatchMetrics metrics;
  private final ReviewPolicy review;
  private final DriftMonitor drift;
  private final LongSupplier wallClockMs;
  private final LongSupplier monotonicMs;
  private final Map<Thread, ThreadBatcher> byThread = new ConcurrentHashMap<>();
  private final AtomicLong unsettled = new AtomicLong();
  private final AtomicLong stored = new AtomicLong();
  private volatile boolean draining;

  /**
   * @param served the model to serve first
   * @param decision the decision it serves by (0: none)
   * @param review which predictions go to review
   * @param drift where each batch's triage is counted
   * @param wallClockMs the wall clock of end-to-end latencies ({@code System::currentTimeMillis})
   * @param monotonicMs the clock of batch deadlines, monotonic (nanoTime in ms); tests give their
   *     own clocks
   */
  public Batchers(
      ModelGeneration served,
      long decision,
      BatchTiming timing,
      BatchMetrics metrics,
      ReviewPolicy review,
      DriftMonitor drift,
      LongSupplier wallClockMs,
      LongSupplier monotonicMs) {
    this.serving = new Serving(served, decision);
    this.timing = timing;
    this.metrics = metrics;
    this.review = review;
    this.drift = drift;
    this.wallClockMs = wallClockMs;
    this.monotonicMs = monotonicMs;
  }

  /** The system clocks: wall clock for latencies, {@code System.nanoTime} for deadlines. */
  public static Batchers withSystemClocks(
      ModelGeneration served,
      long decision,
      BatchTiming timing,
      BatchMetrics metrics,
      ReviewPolicy review,
      DriftMonitor drift) {
    return new Batchers(
        served,
        decision,
        timing,
        metrics,
        review,
        drift,
        System::currentTimeMillis,
        () -> System.nanoTime() / 1_000_000);
  }

  /** The batcher of the calling stream thread. */
  public ThreadBatcher forCurrentThread() {
    return byThread.computeIfAbsent(
        Thread.currentThread(),
        t ->
            new ThreadBatcher(
                this::serving, this::shadow, timing, metrics, review, drift, monotonicMs));
  }

  /** Which predictions go to review. */
  public ReviewPolicy review() {
    return review;
  }

  /** The model served now. */
  public ModelGeneration generation() {
    return serving.generation();
  }

  /** The model served now and the decision it serves by. */
  public Serving serving() {
    return serving;
  }

  /**
   * Serves {@code next} by {@code decision} from now on: each stream thread switches to its copy at
   * its next batch boundary, so a batch is always computed by one model.
   */
  public void serve(ModelGeneration next, long decision) {
    serving = new Serving(next, decision);
  }

  /** The version scored in shadow now, or null for none. */
  public Shadow shadow() {
    return shadow;
  }

  /**
   * Scores {@code next} in shadow from each stream thread's next batch on (null: none). A shadow
   * whose score compares with another version than the one served is not run.
   */
  public void shadow(Shadow next) {
    shadow = next;
  }

  /** The current wall-clock time, read afresh. */
  public long nowMs() {
    return wallClockMs.getAsLong();
  }

  /** Images waiting for inference on all threads. */
  public int pending() {
    return byThread.values().stream().mapToInt(ThreadBatcher::pending).sum();
  }

  /**
   * Counts predictions computed but not yet settled: not yet emitted by their task, or (under
   * at-least-once) emitted but with their pending-store entry not yet deleted. A graceful stop
   * waits for this to reach 0 so that it neither drops a computed prediction nor leaves an entry
   * that a restart would predict again.
   */
  public AtomicLong unsettled() {
    return unsettled;
  }

  /** Counts the entries of all pending stores on this instance (records awaiting a prediction). */
  public AtomicLong stored() {
    return stored;
  }

  /** From now on, every punctuation flushes whatever is pending (shutdown). */
  public void drain() {
    draining = true;
  }

  public boolean draining() {
    return draining;
  }
}
