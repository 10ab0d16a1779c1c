package dev.digitstream.streamapp.batching;

/**
 * How long a batch may wait ({@code BATCH_MAX_DELAY_MS}), the latency target it is sized and timed
 * for ({@code LATENCY_TARGET_MS}, 0 for none; see {@link FlushPolicy}), and how often a stream
 * thread looks at its batch.
 */
public record BatchTiming(long maxDelayMs, long latencyTargetMs) {

  /** How often a stream thread checks its batch: a quarter of the delay, a tenth of the target. */
  public long checkMs() {
    long check = maxDelayMs / 4;
    if (latencyTargetMs > 0) {
      check = Math.min(check, latencyTargetMs / 10);
    }
    return Math.max(1, check);
  }
}
