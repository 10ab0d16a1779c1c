package dev.digitstream.streamapp.batching;

/**
 * When a stream thread's batch goes to inference.
 *
 * <p>Without a latency target ({@code LATENCY_TARGET_MS} 0): when it holds {@code BATCH_MAX_SIZE}
 * images, or when its first image has waited {@code BATCH_MAX_DELAY_MS}.
 *
 * <p>With a target, the batch is sized and timed from what inference measurably costs, in the
 * spirit of Triton's dynamic batcher but driven by the target rather than a fixed queue delay:
 *
 * <ul>
 *   <li>A batch runs as soon as waiting one more check would make its oldest image miss the target:
 *       the image's age since its input timestamp, plus the inference time of the batch as it
 *       stands, plus one check interval, reaches the target. Light traffic therefore runs small
 *       batches early, and heavier traffic larger ones, each image still in time.
 *   <li>A batch holding an image that can still make the target is never larger than what inference
 *       finishes in half the target.
 *   <li>An image that has already missed the target when it arrives (a backlog, a stall, a producer
 *       clock far behind) sets no deadline: a batch of such images fills to {@code BATCH_MAX_SIZE},
 *       the fastest way to catch up, or runs after {@code BATCH_MAX_DELAY_MS}.
 * </ul>
 *
 * <p>Inference time is an exponentially weighted average of the measured time per image of recent
 * batches, kept for each power-of-two band of batch sizes, so that it follows the load the machine
 * is under. One per {@link ThreadBatcher}, used by its thread only.
 */
final class FlushPolicy {

  /** Weight of the newest batch in the average time per image. */
  private static final double WEIGHT = 0.2;

  private final int maxSize;
  private final BatchTiming timing;

  /** Average nanoseconds per image by band (band b holds sizes 2^(b-1)+1 .. 2^b); 0: none yet. */
  private final double[] nanosPerImage = new double[32];

  FlushPolicy(int maxSize, BatchTiming timing) {
    this.maxSize = maxSize;
    this.timing = timing;
  }

  /** Whether an image of this age (from its input timestamp) can still make the target. */
  boolean inTime(long ageMs) {
    return timing.latencyTargetMs() > 0 && ageMs < timing.latencyTargetMs();
  }

  /**
   * The most images a batch may hold: with an image that can still make the target, the largest
   * size whose inference takes at most half the target (at least 1); otherwise the maximum.
   */
  int sizeCap(boolean holdsImageInTime) {
    if (!holdsImageInTime) {
      return maxSize;
    }
    double budgetNanos = timing.latencyTargetMs() * 1e6 / 2;
    int cap = maxSize;
    while (cap > 1 && estimateNanos(cap) > budgetNanos) {
      cap = cap * 3 / 4;
    }
    return cap;
  }

  /**
   * Whether the batch must run now.
   *
   * @param size images in the batch
   * @param waitedMs how long its first image has waited in the batch
   * @param oldestAgeMs the age, from its input timestamp, of its oldest image that can still make
   *     the target; negative when it holds none
   */
  boolean due(int size, long waitedMs, long oldestAgeMs) {
    if (size >= sizeCap(oldestAgeMs >= 0)) {
      return true;
    }
    if (oldestAgeMs < 0) {
      return waitedMs >= timing.maxDelayMs();
    }
    double finishMs = oldestAgeMs + estimateNanos(size) / 1e6 + timing.checkMs();
    return finishMs >= timing.latencyTargetMs();
  }

  /** What a batch of {@code size} images took. */
  void observed(int size, long nanos) {
    int band = band(size);
    double perImage = (double) nanos / size;
    nanosPerImage[band] =
        nanosPerImage[band] == 0
            ? perImage
            : (1 - WEIGHT) * nanosPerImage[band] + WEIGHT * perImage;
  }

  /**
   * The expected inference time of {@code size} images: its band's average time per image, else the
   * nearest measured band's; 0 before any batch has run.
   */
  double estimateNanos(int size) {
    int band = band(size);
    for (int distance = 0; distance < nanosPerImage.length; distance++) {
      for (int b : new int[] {band + distance, band - distance}) {
        if (b >= 0 && b < nanosPerImage.length && nanosPerImage[b] > 0) {
          return nanosPerImage[b] * size;
        }
      }
    }
    return 0;
  }

  private static int band(int size) {
    return 32 - Integer.numberOfLeadingZeros(Math.max(1, size) - 1);
  }
}
