package dev.digitstream.trainer.calibration;

import dev.digitstream.model.ConfidenceThreshold;
import dev.digitstream.model.ConfidenceThreshold.Acceptance;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;

/**
 * What each confidence threshold accepts from a labelled set: the share accepted (coverage) and the
 * accuracy of what is accepted. A threshold accepts the predictions whose confidence is at least
 * the threshold, so predictions of equal confidence are always accepted or refused together.
 */
public final class RiskCoverage {

  /** Confidences, highest first. */
  private final double[] confidence;

  /** {@code correct[i]}: right predictions among the {@code i + 1} most confident. */
  private final long[] correct;

  private RiskCoverage(double[] confidence, long[] correct) {
    this.confidence = confidence;
    this.correct = correct;
  }

  public static RiskCoverage of(Outcomes outcomes) {
    int n = outcomes.size();
    Integer[] order = new Integer[n];
    for (int i = 0; i < n; i++) {
      order[i] = i;
    }
    Arrays.sort(order, Comparator.comparingDouble((Integer i) -> -outcomes.confidence()[i]));
    double[] confidence = new double[n];
    long[] correct = new long[n];
    long right = 0;
    for (int r = 0; r < n; r++) {
      confidence[r] = outcomes.confidence()[order[r]];
      right += outcomes.correct()[order[r]] ? 1 : 0;
      correct[r] = right;
    }
    return new RiskCoverage(confidence, correct);
  }

  public int size() {
    return confidence.length;
  }

  /**
   * The lowest threshold at which the accepted predictions are at least {@code targetAccuracy}
   * accurate; {@link ConfidenceThreshold#ACCEPT_NONE} when no threshold is. Only confidences that
   * occur are candidates: any other threshold accepts what the next occurring one above it does.
   * Accuracy need not fall steadily as the threshold falls, so every candidate is looked at, and
   * the lowest that reaches the target (the largest coverage) is taken.
   */
  public double thresholdFor(double targetAccuracy) {
    double threshold = ConfidenceThreshold.ACCEPT_NONE;
    for (int r = 0; r < confidence.length; r++) {
      boolean lastOfItsConfidence = r == confidence.length - 1 || confidence[r + 1] < confidence[r];
      if (lastOfItsConfidence && (double) correct[r] / (r + 1) >= targetAccuracy) {
        threshold = confidence[r];
      }
    }
    return threshold;
  }

  /** What {@code threshold} accepts. */
  public Acceptance acceptance(double threshold) {
    int accepted = acceptedAt(threshold);
    long right = accepted == 0 ? 0 : correct[accepted - 1];
    return new Acceptance(confidence.length, accepted, accepted - right);
  }

  /** The number of confidences at least {@code threshold}: a binary search, highest first. */
  private int acceptedAt(double threshold) {
    int low = 0;
    int high = confidence.length;
    while (low < high) {
      int mid = (low + high) >>> 1;
      if (confidence[mid] >= threshold) {
        low = mid + 1;
      } else {
        high = mid;
      }
    }
    return low;
  }

  /**
   * One point of the curve.
   *
   * @param threshold the confidence threshold
   * @param coverage the share it accepts
   * @param accuracy the accuracy of what it accepts
   */
  public record Point(double threshold, double coverage, double accuracy) {}

  /**
   * The curve from the most confident prediction to all of them, at most {@code maxPoints} points
   * (about evenly spaced in coverage) plus the last, which accepts everything.
   */
  public List<Point> curve(int maxPoints) {
    int n = confidence.length;
    List<Point> points = new ArrayList<>();
    double step = (double) n / maxPoints;
    double next = 0;
    for (int r = 0; r < n; r++) {
      boolean lastOfItsConfidence = r == n - 1 || confidence[r + 1] < confidence[r];
      if (lastOfItsConfidence && (r + 1 >= next || r == n - 1)) {
        points.add(new Point(confidence[r], (double) (r + 1) / n, (double) correct[r] / (r + 1)));
        next = r + 1 + step;
      }
    }
    return points;
  }
}
