package dev.digitstream.model;

import java.util.List;
import java.util.Optional;

/**
 * How far to trust the network's softmax: a temperature fitted after training on the validation
 * split, and confidence thresholds chosen there for target accuracies of the predictions accepted.
 *
 * <p>Temperature scaling divides the logits by {@code T}. The network ends in a softmax, so {@code
 * log p(k)} equals its logit up to a constant per image, which the softmax cancels: the calibrated
 * probabilities are {@code p_T(k) ∝ p(k)^(1/T)}, computed from the served probabilities alone.
 * {@code T > 1} softens an over-confident network, {@code T < 1} sharpens an under-confident one;
 * the predicted digit never changes. Training and serving compute this with the same {@link
 * #probabilities} and {@link #confidence}, so a threshold chosen by the trainer means the same
 * thing where it is applied.
 *
 * <p>Model files written before calibration existed have none; they read as {@link #NONE}
 * (temperature 1, no thresholds).
 *
 * @param temperature {@code T > 0}; 1 leaves the probabilities as they are
 * @param validationImages images of the validation split the temperature and the thresholds were
 *     fitted on; 0 when not fitted
 * @param validationEceBefore expected calibration error (15 equal-width confidence bins) on the
 *     validation split before scaling; 0 when not fitted
 * @param validationEceAfter the same after scaling
 * @param thresholds one per target accuracy, in the order of the targets
 */
public record Calibration(
    double temperature,
    int validationImages,
    double validationEceBefore,
    double validationEceAfter,
    List<ConfidenceThreshold> thresholds) {

  /** No calibration: temperature 1 and no thresholds; what files without one read as. */
  public static final Calibration NONE = new Calibration(1, 0, 0, 0, List.of());

  /** The target accuracy whose threshold applies when none is named: 99.9 %. */
  public static final double DEFAULT_TARGET_ACCURACY = 0.999;

  /**
   * Stands for {@code log 0}: below the log of the smallest positive float (about -103.3), so that
   * a probability that underflowed to 0 stays the least likely, and every result stays finite.
   */
  private static final double LOG_OF_ZERO = -104;

  public Calibration {
    if (!(temperature > 0) || Double.isInfinite(temperature)) {
      throw new IllegalArgumentException("temperature must be positive, got " + temperature);
    }
    if (validationImages < 0) {
      throw new IllegalArgumentException("validationImages must not be negative");
    }
    thresholds = thresholds == null ? List.of() : List.copyOf(thresholds);
  }

  /** Whether this was fitted on validation data, rather than {@link #NONE}. */
  public boolean fitted() {
    return validationImages > 0;
  }

  /** The threshold chosen for {@code targetAccuracy}, if one was. */
  public Optional<ConfidenceThreshold> threshold(double targetAccuracy) {
    return thresholds.stream().filter(t -> t.targetAccuracy() == targetAccuracy).findFirst();
  }

  /** The calibrated probabilities of one image, from the network's. */
  public double[] probabilities(float[] probabilities) {
    double[] logs = logProbabilities(probabilities, temperature);
    for (int k = 0; k < logs.length; k++) {
      logs[k] = Math.exp(logs[k]);
    }
    return logs;
  }

  /** The calibrated probability of the predicted digit: what thresholds are compared with. */
  public double confidence(float[] probabilities) {
    double[] logs = logProbabilities(probabilities, temperature);
    double max = Double.NEGATIVE_INFINITY;
    for (double log : logs) {
      max = Math.max(max, log);
    }
    return Math.exp(max);
  }

  /**
   * The logs of the probabilities scaled by {@code temperature}: {@code log softmax(log p / T)},
   * stable for any {@code T > 0}. Fitting the temperature minimises the mean of {@code -result[y]}.
   */
  public static double[] logProbabilities(float[] probabilities, double temperature) {
    int k = probabilities.length;
    double[] z = new double[k];
    double max = Double.NEGATIVE_INFINITY;
    for (int i = 0; i < k; i++) {
      double log = probabilities[i] > 0 ? Math.log(probabilities[i]) : LOG_OF_ZERO;
      z[i] = log / temperature;
      max = Math.max(max, z[i]);
    }
    double sum = 0;
    for (int i = 0; i < k; i++) {
      sum += Math.exp(z[i] - max);
    }
    double logSum = max + Math.log(sum);
    for (int i = 0; i < k; i++) {
      z[i] -= logSum;
    }
    return z;
  }
}
