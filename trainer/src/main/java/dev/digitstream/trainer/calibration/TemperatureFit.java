package dev.digitstream.trainer.calibration;

import dev.digitstream.model.Calibration;
import dev.digitstream.trainer.evaluation.ScoredSet;

/**
 * Fits the temperature that minimises the negative log-likelihood of a labelled set (Guo et al.,
 * "On Calibration of Modern Neural Networks", 2017).
 *
 * <p>The likelihood is {@code -log softmax(z / T)[y]} with {@code z = log p}; as a function of
 * {@code 1/T} it is a log-sum-exp of linear functions minus a linear one, hence convex, hence
 * unimodal in {@code log T} too. A golden-section search on {@code log T} therefore finds the
 * minimum within its range without derivatives. The range, 0.05 to 20, is far wider than any
 * temperature a trained LeNet needs (about 1-2); a fit that ends on its edge says the network is
 * broken, not miscalibrated.
 */
public final class TemperatureFit {

  static final double MIN_TEMPERATURE = 0.05;
  static final double MAX_TEMPERATURE = 20;

  /** Width of the final interval in {@code log T}: 0.01 % of the temperature. */
  private static final double TOLERANCE = 1e-4;

  private static final double INVERSE_GOLDEN_RATIO = (Math.sqrt(5) - 1) / 2;

  private TemperatureFit() {}

  /** The temperature minimising {@link #negativeLogLikelihood} on {@code set}. */
  public static double fit(ScoredSet set) {
    if (set.size() == 0) {
      throw new IllegalArgumentException("cannot fit a temperature on no images");
    }
    double a = Math.log(MIN_TEMPERATURE);
    double b = Math.log(MAX_TEMPERATURE);
    double c = b - INVERSE_GOLDEN_RATIO * (b - a);
    double d = a + INVERSE_GOLDEN_RATIO * (b - a);
    double fc = negativeLogLikelihood(set, Math.exp(c));
    double fd = negativeLogLikelihood(set, Math.exp(d));
    while (b - a > TOLERANCE) {
      if (fc <= fd) {
        b = d;
        d = c;
        fd = fc;
        c = b - INVERSE_GOLDEN_RATIO * (b - a);
        fc = negativeLogLikelihood(set, Math.exp(c));
      } else {
        a = c;
        c = d;
        fc = fd;
        d = a + INVERSE_GOLDEN_RATIO * (b - a);
        fd = negativeLogLikelihood(set, Math.exp(d));
      }
    }
    return Math.exp((a + b) / 2);
  }

  /** Mean {@code -log p_T(true digit)} over the set. */
  public static double negativeLogLikelihood(ScoredSet set, double temperature) {
    double sum = 0;
    for (int i = 0; i < set.size(); i++) {
      sum -= Calibration.logProbabilities(set.probabilities()[i], temperature)[set.labels()[i]];
    }
    return sum / set.size();
  }
}
