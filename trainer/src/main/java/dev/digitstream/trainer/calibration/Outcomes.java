package dev.digitstream.trainer.calibration;

import dev.digitstream.model.Calibration;
import dev.digitstream.trainer.evaluation.ScoredSet;

/**
 * Each image's confidence in its predicted digit and whether that digit is right: all that the
 * calibration error and the thresholds look at.
 *
 * @param confidence probability of the predicted digit, 0-1
 * @param correct whether the predicted digit is the true one
 */
public record Outcomes(double[] confidence, boolean[] correct) {

  public Outcomes {
    if (confidence.length != correct.length) {
      throw new IllegalArgumentException(
          confidence.length + " confidences for " + correct.length + " outcomes");
    }
  }

  /** The network's own confidences, before any scaling. */
  public static Outcomes raw(ScoredSet set) {
    double[] confidence = new double[set.size()];
    boolean[] correct = new boolean[set.size()];
    for (int i = 0; i < set.size(); i++) {
      int predicted = set.predicted(i);
      confidence[i] = set.probabilities()[i][predicted];
      correct[i] = predicted == set.labels()[i];
    }
    return new Outcomes(confidence, correct);
  }

  /**
   * Confidences after {@code calibration}'s temperature. Scaling never changes the predicted digit,
   * so only the confidences differ from {@link #raw}.
   */
  public static Outcomes calibrated(ScoredSet set, Calibration calibration) {
    double[] confidence = new double[set.size()];
    boolean[] correct = new boolean[set.size()];
    for (int i = 0; i < set.size(); i++) {
      confidence[i] = calibration.confidence(set.probabilities()[i]);
      correct[i] = set.predicted(i) == set.labels()[i];
    }
    return new Outcomes(confidence, correct);
  }

  public int size() {
    return correct.length;
  }
}
