package dev.digitstream.trainer.calibration;

import java.util.ArrayList;
import java.util.List;

/**
 * Predictions grouped by confidence into equal-width bins, each with its accuracy and mean
 * confidence: the data of a reliability diagram, and the expected calibration error (ECE), the
 * bins' {@code |accuracy - mean confidence|} weighted by their share of the images.
 *
 * <p>Bins are closed above, {@code (i/n, (i+1)/n]}, as in Guo et al. (2017); a confidence of 0
 * falls in the first.
 */
public record ReliabilityDiagram(List<Bin> bins) {

  /** The number of bins the trainer reports ECE with. */
  public static final int BINS = 15;

  /**
   * One bin.
   *
   * @param lower confidence above which images fall in it
   * @param upper confidence up to which they do
   * @param count images in it
   * @param meanConfidence their mean confidence; 0 when empty
   * @param accuracy the share of them predicted right; 0 when empty
   */
  public record Bin(
      double lower, double upper, long count, double meanConfidence, double accuracy) {

    /** How far confidence and accuracy disagree in this bin. */
    public double gap() {
      return Math.abs(accuracy - meanConfidence);
    }
  }

  public ReliabilityDiagram {
    bins = List.copyOf(bins);
  }

  /** The diagram with {@value #BINS} bins. */
  public static ReliabilityDiagram of(Outcomes outcomes) {
    return of(outcomes, BINS);
  }

  public static ReliabilityDiagram of(Outcomes outcomes, int binCount) {
    long[] count = new long[binCount];
    long[] correct = new long[binCount];
    double[] confidenceSum = new double[binCount];
    for (int i = 0; i < outcomes.size(); i++) {
      double c = outcomes.confidence()[i];
      int bin = Math.min(binCount - 1, Math.max(0, (int) Math.ceil(c * binCount) - 1));
      count[bin]++;
      confidenceSum[bin] += c;
      correct[bin] += outcomes.correct()[i] ? 1 : 0;
    }
    List<Bin> bins = new ArrayList<>(binCount);
    for (int b = 0; b < binCount; b++) {
      bins.add(
          new Bin(
              (double) b / binCount,
              (double) (b + 1) / binCount,
              count[b],
              count[b] == 0 ? 0 : confidenceSum[b] / count[b],
              count[b] == 0 ? 0 : (double) correct[b] / count[b]));
    }
    return new ReliabilityDiagram(bins);
  }

  public long total() {
    return bins.stream().mapToLong(Bin::count).sum();
  }

  /** The expected calibration error: 0 for a perfectly calibrated set, and for an empty one. */
  public double ece() {
    long total = total();
    if (total == 0) {
      return 0;
    }
    double ece = 0;
    for (Bin bin : bins) {
      ece += (double) bin.count() / total * bin.gap();
    }
    return ece;
  }
}
