package dev.digitstream.trainer.calibration;

import dev.digitstream.contract.idx.LabelledImages;
import dev.digitstream.model.OutOfDistribution;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Fits the {@link OutOfDistribution} detector: the mean and standard deviation of each input
 * statistic over the training digits, then the threshold on the validation split, as the smallest
 * score that flags at most {@link OutOfDistribution#VALIDATION_FLAGGED_TARGET} of its digits.
 */
public final class OutOfDistributionFit {

  private OutOfDistributionFit() {}

  public static OutOfDistribution fit(LabelledImages training, LabelledImages validation) {
    int k = OutOfDistribution.FEATURES.size();
    double[] sum = new double[k];
    double[] squares = new double[k];
    for (int i = 0; i < training.count(); i++) {
      double[] values = OutOfDistribution.statistics(training.image(i));
      for (int j = 0; j < k; j++) {
        sum[j] += values[j];
        squares[j] += values[j] * values[j];
      }
    }
    List<OutOfDistribution.Feature> features = new ArrayList<>();
    for (int j = 0; j < k; j++) {
      double mean = sum[j] / training.count();
      double deviation = Math.sqrt(Math.max(1e-12, squares[j] / training.count() - mean * mean));
      features.add(
          new OutOfDistribution.Feature(OutOfDistribution.FEATURES.get(j), mean, deviation));
    }
    OutOfDistribution unthresholded =
        new OutOfDistribution(features, Double.POSITIVE_INFINITY, training.count(), 0);
    double[] scores = new double[validation.count()];
    for (int i = 0; i < scores.length; i++) {
      scores[i] = unthresholded.score(validation.image(i));
    }
    Arrays.sort(scores);
    int allowed = (int) Math.floor(scores.length * OutOfDistribution.VALIDATION_FLAGGED_TARGET);
    double threshold = scores[scores.length - 1 - allowed];
    int flagged = 0;
    for (double s : scores) {
      if (s > threshold) {
        flagged++;
      }
    }
    return new OutOfDistribution(
        features, threshold, training.count(), (double) flagged / scores.length);
  }
}
