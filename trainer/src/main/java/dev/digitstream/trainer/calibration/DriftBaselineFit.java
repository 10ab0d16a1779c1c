package dev.digitstream.trainer.calibration;

import dev.digitstream.contract.ImageRecord;
import dev.digitstream.contract.idx.LabelledImages;
import dev.digitstream.model.Calibration;
import dev.digitstream.model.DriftBaseline;
import dev.digitstream.model.OutOfDistribution;
import dev.digitstream.trainer.evaluation.ScoredSet;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** Measures the {@link DriftBaseline} of a model on the test set. */
public final class DriftBaselineFit {

  /** Deciles: at most 10 confidence bins. */
  static final int CONFIDENCE_BINS = 10;

  private DriftBaselineFit() {}

  public static DriftBaseline measure(
      ScoredSet test,
      LabelledImages images,
      Calibration calibration,
      OutOfDistribution outOfDistribution) {
    int n = test.size();
    long[] digits = new long[ImageRecord.CLASSES];
    double[] confidences = new double[n];
    long flagged = 0;
    for (int i = 0; i < n; i++) {
      digits[test.predicted(i)]++;
      confidences[i] = calibration.confidence(test.probabilities()[i]);
      if (outOfDistribution.flags(outOfDistribution.score(images.image(i)))) {
        flagged++;
      }
    }
    double[] sorted = confidences.clone();
    Arrays.sort(sorted);
    List<Double> edges = new ArrayList<>();
    for (int b = 1; b < CONFIDENCE_BINS; b++) {
      double edge = sorted[(int) ((long) b * n / CONFIDENCE_BINS)];
      if (edges.isEmpty() || edge > edges.get(edges.size() - 1)) {
        edges.add(edge);
      }
    }
    DriftBaseline binning = new DriftBaseline(0, List.of(), edges, null, 0);
    long[] bins = new long[edges.size() + 1];
    for (double c : confidences) {
      bins[binning.confidenceBin(c)]++;
    }
    return new DriftBaseline(n, shares(digits), edges, shares(bins), (double) flagged / n);
  }

  private static List<Double> shares(long[] counts) {
    long total = Arrays.stream(counts).sum();
    return Arrays.stream(counts).mapToObj(c -> (double) c / total).toList();
  }
}
