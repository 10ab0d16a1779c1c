package dev.digitstream.streamapp.review;

import dev.digitstream.contract.ImageRecord;
import dev.digitstream.model.DriftBaseline;
import java.util.Arrays;
import java.util.function.LongSupplier;

/**
 * Label-free drift of one replica's traffic over the last {@link #WINDOW_MS}: the population
 * stability index of the predicted digits and of the calibrated confidences against the serving
 * model's {@link DriftBaseline}, and the share of images out of distribution. Counts sit in
 * 10-second buckets, so the window slides without keeping records. A new serving model starts a new
 * window, against its own baseline. Thread-safe: the stream threads record, the scrape reads.
 */
public final class DriftMonitor {

  /** The window the figures cover: 5 minutes. */
  public static final long WINDOW_MS = 300_000;

  private static final int BUCKETS = 30;
  private static final long BUCKET_MS = WINDOW_MS / BUCKETS;

  /** The figures of the window now. */
  public record Figures(long records, double digitPsi, double confidencePsi, double oodShare) {}

  private final LongSupplier clockMs;
  private DriftBaseline baseline = DriftBaseline.NONE;
  private final long[] bucketStart = new long[BUCKETS];
  private final long[][] digits = new long[BUCKETS][ImageRecord.CLASSES];
  private long[][] confidences = new long[BUCKETS][1];
  private final long[] ood = new long[BUCKETS];

  public DriftMonitor(LongSupplier clockMs) {
    this.clockMs = clockMs;
    Arrays.fill(bucketStart, Long.MIN_VALUE);
  }

  /**
   * Counts one batch.
   *
   * @param baseline the classifying model's baseline: another one (another model, or the same
   *     version recalibrated) starts a new window
   * @param labels the predicted digits
   * @param confidences their calibrated confidences
   * @param outOfDistribution whether each image was out of distribution
   */
  public synchronized void record(
      DriftBaseline baseline,
      int[] labels,
      double[] confidences,
      boolean[] outOfDistribution,
      int count) {
    if (baseline != this.baseline) { // each model's metadata, hence baseline, is one object
      this.baseline = baseline;
      this.confidences = new long[BUCKETS][Math.max(1, baseline.confidenceShares().size())];
      Arrays.fill(bucketStart, Long.MIN_VALUE);
    }
    long now = clockMs.getAsLong();
    long start = now - Math.floorMod(now, BUCKET_MS);
    int b = (int) Math.floorMod(start / BUCKET_MS, (long) BUCKETS);
    if (bucketStart[b] != start) {
      bucketStart[b] = start;
      Arrays.fill(digits[b], 0);
      Arrays.fill(this.confidences[b], 0);
      ood[b] = 0;
    }
    for (int i = 0; i < count; i++) {
      digits[b][labels[i]]++;
      this.confidences[b][this.baseline.confidenceBin(confidences[i])]++;
      if (outOfDistribution[i]) {
        ood[b]++;
      }
    }
  }

  /** The window's figures; zeros when it is empty or the model has no baseline. */
  public synchronized Figures figures() {
    long now = clockMs.getAsLong();
    long[] digitCounts = new long[ImageRecord.CLASSES];
    long[] confidenceCounts = new long[confidences[0].length];
    long oodCount = 0;
    for (int b = 0; b < BUCKETS; b++) {
      if (bucketStart[b] == Long.MIN_VALUE || now - bucketStart[b] >= WINDOW_MS) {
        continue;
      }
      for (int k = 0; k < digitCounts.length; k++) {
        digitCounts[k] += digits[b][k];
      }
      for (int k = 0; k < confidenceCounts.length; k++) {
        confidenceCounts[k] += confidences[b][k];
      }
      oodCount += ood[b];
    }
    long records = Arrays.stream(digitCounts).sum();
    if (records == 0 || !baseline.measured()) {
      return new Figures(records, 0, 0, records == 0 ? 0 : (double) oodCount / records);
    }
    return new Figures(
        records,
        DriftBaseline.psi(digitCounts, baseline.digitShares()),
        DriftBaseline.psi(
            Arrays.copyOf(confidenceCounts, baseline.confidenceShares().size()),
            baseline.confidenceShares()),
        (double) oodCount / records);
  }
}
