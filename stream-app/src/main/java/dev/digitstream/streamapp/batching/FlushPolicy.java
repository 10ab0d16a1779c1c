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
 *   <li>While batches fill at once (the images were already waiting: a backlog), the size doubles
 *       with each batch up to {@code BATCH_MAX_SIZE}, the fastest way to catch up: the rate
 *       measured at the batch is then the thread's own speed, not the offered load, and would keep
 *       batches small; and images that queued are late already.
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
 * is under; the arrival rate is averaged the same way over windows of {@link #RATE_WINDOW_MS} ms.
 * One per {@link ThreadBatcher}, used by its thread only.
 */
final class FlushPolicy {

  /** The share of the thread that inference may take at the current arrival rate. */
  static final double BUSY = 0.6;

  /** Weight of the newest measurement in the averages. */
  private static final double WEIGHT = 0.2;

  private static final long RATE_WINDOW_MS = 100;

  private final int maxSize;
  private final BatchTiming timing;

  /** Average nanoseconds per image by band (band b holds sizes 2^(b-1)+1 .. 2^b); 0: none yet. */
  private final double[] nanosPerImage = new double[32];

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

  /** What a batch of {@code size} images took, and how long its first image had waited for it. */
  void observed(int size, long nanos, long waitedMs) {
    if (!targeted()) {
      return;
    }
    int band = band(size);
    double perImage = (double) nanos / size;
    nanosPerImage[band] =
        nanosPerImage[band] == 0
            ? perImage
            : (1 - WEIGHT) * nanosPerImage[band] + WEIGHT * perImage;
    boolean filledAtOnce = size >= runAt && waitedMs < timing.checkMs();
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
   * inference within {@link #BUSY} of the thread at the arrival rate, capped at what inference
   * finishes in half the target (at least one image).
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
      if (arrivalsPerSecond * estimateNanos(size) / size / 1e9 <= BUSY) {
        return size;
      }
    }
    return cap;
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
