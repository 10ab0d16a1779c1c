package dev.digitstream.streamapp.batching;

/**
 * When a stream thread's batch goes to inference.
 *
 * <p>Without a latency target ({@code LATENCY_TARGET_MS} 0): when it holds {@code BATCH_MAX_SIZE}
 * images, or when its first image has waited {@code BATCH_MAX_DELAY_MS}.
 *
 * <p>With a target, batch size and wait follow the arrival rate and what inference measurably
 * costs, in the spirit of Triton's dynamic batcher but driven by the target rather than a fixed
 * queue delay:
 *
 * <ul>
 *   <li>The batch runs once it holds the smallest power-of-two size whose inference keeps the
 *       thread at most {@link #BUSY} busy at the current arrival rate: one image at a time when
 *       traffic is light, larger batches as it grows.
 *   <li>While batches fill at once (the images were already waiting: a backlog; filled within a
 *       check and in under half the time the arrival rate needs), the size doubles with each batch
 *       up to {@code BATCH_MAX_SIZE}, the fastest way to catch up: the rate measured at the batch
 *       is then the thread's own speed, not the offered load, and would keep batches small; and
 *       images that queued are late already.
 *   <li>It runs at the latest when waiting one more check would make its first image miss the
 *       target: the time it has waited in the batch, plus the batch's estimated inference, plus one
 *       check interval.
 *   <li>Outside a backlog it never holds more than what inference finishes in half the target.
 * </ul>
 *
 * <p>The target covers an image's time in the batch and in inference; the time it waited before
 * (the broker, the poll, the batch before it) is not the batcher's to spend. An earlier version
 * counted from the input timestamp instead, and under load ran ever smaller batches for images that
 * had queued upstream, which made the queue longer (BENCHMARKS.md, "Latency target").
 *
 * <p>Inference time is an exponentially weighted average of the measured time per image of recent
 * batches, kept for each power-of-two band of batch sizes, so that it follows the load the machine
 * is under; the arrival rate is averaged the same way over windows of {@link #RATE_WINDOW_MS} ms. A
 * band smaller than the size chosen is not run, so its estimate would never change: one measured
 * slow (the first batches after a start, a pause) kept batches large at moderate rates, flushed by
 * the deadline (BENCHMARKS.md, "The latency target's stale estimates"). So a smaller band whose
 * estimate is older than {@link #REMEASURE_MS} (or that was never measured) runs once, none in a
 * backlog, and its new measurement replaces the old: at most one small batch per size and second.
 * One per {@link ThreadBatcher}, used by its thread only.
 */
final class FlushPolicy {

  /** The share of the thread that inference may take at the current arrival rate. */
  static final double BUSY = 0.6;

  /** Weight of the newest measurement in the averages. */
  private static final double WEIGHT = 0.2;

  private static final long RATE_WINDOW_MS = 100;

  /** Age at which a band's estimate is measured again rather than trusted. */
  static final long REMEASURE_MS = 1_000;

  private final int maxSize;
  private final BatchTiming timing;

  /** Average nanoseconds per image by band (band b holds sizes 2^(b-1)+1 .. 2^b); 0: none yet. */
  private final double[] nanosPerImage = new double[32];

  /** When each band was last measured, on the batcher's clock. */
  private final long[] measuredAtMs = new long[32];

  /** The batcher's clock as of the last arrival or batch. */
  private long nowMs;

  /** Images per second arriving at this thread's batch, averaged; -1 before the first window. */
  private double arrivalsPerSecond = -1;

  private long windowStartMs;
  private int windowArrivals;

  /** The size at which a batch runs, as of the last batch measured and the last rate window. */
  private int runAt;

  /** The least size while batches fill at once; 1 once one does not. */
  private int backlogSize = 1;

  FlushPolicy(int maxSize, BatchTiming timing, long nowMs) {
    this.maxSize = maxSize;
    this.timing = timing;
    this.runAt = maxSize;
    this.windowStartMs = nowMs;
    this.nowMs = nowMs;
  }

  /** The size at which the batch runs: the maximum without a target. */
  int runAt() {
    return runAt;
  }

  /** Whether batches follow a latency target. */
  boolean targeted() {
    return timing.latencyTargetMs() > 0;
  }

  /** An image arrived at the batch, at {@code nowMs} of the batcher's monotonic clock. */
  void arrived(long nowMs) {
    if (!targeted()) {
      return;
    }
    this.nowMs = nowMs;
    windowArrivals++;
    long window = nowMs - windowStartMs;
    if (window >= RATE_WINDOW_MS) {
      double rate = windowArrivals * 1e3 / window;
      arrivalsPerSecond =
          arrivalsPerSecond < 0 ? rate : (1 - WEIGHT) * arrivalsPerSecond + WEIGHT * rate;
      windowStartMs = nowMs;
      windowArrivals = 0;
      runAt = chooseSize();
    }
  }

  /**
   * What a batch of {@code size} images took, how long its first image had waited for it, and when
   * it finished ({@code nowMs}, the batcher's clock).
   */
  void observed(int size, long nanos, long waitedMs, long nowMs) {
    if (!targeted()) {
      return;
    }
    this.nowMs = nowMs;
    int band = band(size);
    double perImage = (double) nanos / size;
    nanosPerImage[band] =
        stale(band) ? perImage : (1 - WEIGHT) * nanosPerImage[band] + WEIGHT * perImage;
    measuredAtMs[band] = nowMs;
    boolean filledAtOnce = size >= runAt && early(size, waitedMs);
    backlogSize = filledAtOnce ? Math.min(maxSize, 2 * Math.max(backlogSize, size)) : 1;
    runAt = chooseSize();
  }

  /**
   * Whether a batch that is not full must run now.
   *
   * @param size images in the batch
   * @param waitedMs how long its first image has waited in the batch
   */
  boolean due(int size, long waitedMs) {
    if (!targeted()) {
      return waitedMs >= timing.maxDelayMs();
    }
    return waitedMs + estimateNanos(size) / 1e6 + timing.checkMs() >= timing.latencyTargetMs();
  }

  /**
   * In a backlog, the size it has grown to; otherwise the smallest power-of-two size that keeps
   * inference within {@link #BUSY} of the thread at the arrival rate, or a smaller one whose
   * estimate is stale (to be measured again, however slow it was: a stale estimate is not trusted);
   * capped at what inference finishes in half the target (at least one image).
   */
  private int chooseSize() {
    if (backlogSize > 1) {
      return backlogSize;
    }
    double budgetNanos = timing.latencyTargetMs() * 1e6 / 2;
    int cap = maxSize;
    while (cap > 1 && estimateNanos(cap) > budgetNanos) {
      cap = cap * 3 / 4;
    }
    if (arrivalsPerSecond < 0) {
      return cap;
    }
    for (int size = 1; size < cap; size *= 2) {
      if (stale(band(size)) || arrivalsPerSecond * estimateNanos(size) / size / 1e9 <= BUSY) {
        return size;
      }
    }
    return cap;
  }

  /**
   * Whether a batch of {@code size} filled within a check and in under half the time the arrival
   * rate takes to bring as many images (the clock counts whole milliseconds: {@code waitedMs + 1}
   * bounds the real wait): the images were waiting. Within a check alone was not enough: at 3,830
   * images/s, 16 images arrive in 4 ms, so batches that filled as fast as traffic came looked like
   * a backlog and doubled to the maximum. A single image always fills its batch at once, so a
   * backlog shows only from two images up, once the rate has lifted the size there.
   */
  private boolean early(int size, long waitedMs) {
    if (waitedMs >= timing.checkMs()) {
      return false;
    }
    if (arrivalsPerSecond <= 0) {
      return size > 1; // no rate yet
    }
    return waitedMs + 1 <= (size - 1) * 1e3 / arrivalsPerSecond / 2;
  }

  /** Whether a band was never measured or not in the last {@link #REMEASURE_MS}. */
  private boolean stale(int band) {
    return nanosPerImage[band] == 0 || nowMs - measuredAtMs[band] > REMEASURE_MS;
  }

  /**
   * The expected inference time of {@code size} images: its band's average time per image, else the
   * nearest measured band's; 0 before any batch has run.
   */
  double estimateNanos(int size) {
    int band = band(size);
    for (int distance = 0; distance < nanosPerImage.length; distance++) {
      if (band + distance < nanosPerImage.length && nanosPerImage[band + distance] > 0) {
        return nanosPerImage[band + distance] * size;
      }
      if (band - distance >= 0 && nanosPerImage[band - distance] > 0) {
        return nanosPerImage[band - distance] * size;
      }
    }
    return 0;
  }

  private static int band(int size) {
    return 32 - Integer.numberOfLeadingZeros(Math.max(1, size) - 1);
  }
}
