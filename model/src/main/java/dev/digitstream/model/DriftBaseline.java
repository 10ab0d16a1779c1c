package dev.digitstream.model;

import java.util.List;

/**
 * What the model's output looks like on data like its training data, to compare live traffic with
 * (label-free drift): the share of each predicted digit, the distribution of the calibrated
 * confidence over bins, and the share flagged out of distribution, all measured on the test set
 * when the model was trained.
 *
 * <p>The confidence bins are {@code [edges[i-1], edges[i])}, with the first open below and the last
 * reaching 1: their edges are the test set's deciles of the calibrated confidence, duplicates
 * dropped (confidences pile up near 1), so each bin holds a useful share.
 *
 * <p>Model files written before this existed read as {@link #NONE}, against which nothing drifts.
 *
 * @param images the test images measured; 0 for {@link #NONE}
 * @param digitShares the share of each predicted digit, 0-9
 * @param confidenceEdges the inner bin edges, ascending
 * @param confidenceShares the share of each bin: one more than the edges
 * @param outOfDistributionShare the share of test images flagged out of distribution
 */
public record DriftBaseline(
    int images,
    List<Double> digitShares,
    List<Double> confidenceEdges,
    List<Double> confidenceShares,
    double outOfDistributionShare) {

  /** No baseline: what files without one read as. */
  public static final DriftBaseline NONE = new DriftBaseline(0, List.of(), List.of(), List.of(), 0);

  /** Shares below this count as this in {@link #psi}, so that an empty bin stays finite. */
  private static final double FLOOR = 1e-4;

  public DriftBaseline {
    digitShares = digitShares == null ? List.of() : List.copyOf(digitShares);
    confidenceEdges = confidenceEdges == null ? List.of() : List.copyOf(confidenceEdges);
    confidenceShares = confidenceShares == null ? List.of() : List.copyOf(confidenceShares);
    if (images > 0 && confidenceShares.size() != confidenceEdges.size() + 1) {
      throw new IllegalArgumentException("need one more confidence share than edges");
    }
  }

  public boolean measured() {
    return images > 0;
  }

  /** The bin of a calibrated confidence. */
  public int confidenceBin(double confidence) {
    int bin = 0;
    while (bin < confidenceEdges.size() && confidence >= confidenceEdges.get(bin)) {
      bin++;
    }
    return bin;
  }

  /**
   * The population stability index of observed counts against expected shares: {@code sum (o - e)
   * ln(o / e)} over the bins, shares below 1e-4 taken as 1e-4. About 0.1 is a moderate shift, 0.25
   * a large one (the usual reading); 0 when nothing was observed.
   */
  public static double psi(long[] observed, List<Double> expected) {
    long total = 0;
    for (long count : observed) {
      total += count;
    }
    if (total == 0) {
      return 0;
    }
    double psi = 0;
    for (int i = 0; i < observed.length; i++) {
      double o = Math.max(FLOOR, (double) observed[i] / total);
      double e = Math.max(FLOOR, expected.get(i));
      psi += (o - e) * Math.log(o / e);
    }
    return psi;
  }
}
