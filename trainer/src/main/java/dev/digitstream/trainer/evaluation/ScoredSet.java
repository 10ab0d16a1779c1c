package dev.digitstream.trainer.evaluation;

/**
 * A labelled set as the serving classifier scored it: kept so that the evaluation and the
 * calibration read the same probabilities instead of scoring the set twice.
 *
 * @param probabilities the network's ten probabilities per image
 * @param labels the true digit per image
 * @param seconds wall time of the scoring
 */
public record ScoredSet(float[][] probabilities, int[] labels, double seconds) {

  public ScoredSet {
    if (probabilities.length != labels.length) {
      throw new IllegalArgumentException(
          probabilities.length + " probability rows for " + labels.length + " labels");
    }
  }

  public int size() {
    return labels.length;
  }

  /** The predicted digit of image {@code i}: the most probable, the first of equals. */
  public int predicted(int i) {
    float[] p = probabilities[i];
    int best = 0;
    for (int k = 1; k < p.length; k++) {
      if (p[k] > p[best]) {
        best = k;
      }
    }
    return best;
  }
}
