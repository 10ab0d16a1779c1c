package dev.digitstream.trainer.calibration;

import dev.digitstream.trainer.evaluation.ScoredSet;
import java.util.Random;

/**
 * Scored sets whose calibration is known by construction: each image has logits {@code z}, its true
 * digit is drawn from {@code softmax(z)} (so those probabilities are perfectly calibrated), and the
 * "network" reports {@code softmax(sharpness * z)}. A sharpness above 1 is over-confident, and the
 * temperature that undoes it is the sharpness itself. About 80 % of the predictions are right, with
 * confidences spread from 0.2 to 1.
 */
final class SyntheticScores {

  private SyntheticScores() {}

  static ScoredSet draw(int n, double sharpness, long seed) {
    Random random = new Random(seed);
    float[][] probabilities = new float[n][];
    int[] labels = new int[n];
    for (int i = 0; i < n; i++) {
      double[] z = new double[10];
      for (int k = 0; k < 10; k++) {
        z[k] = 1.5 * random.nextGaussian();
      }
      z[random.nextInt(10)] += 12 * random.nextDouble();
      double[] truth = softmax(z, 1);
      labels[i] = sample(truth, random);
      double[] reported = softmax(z, sharpness);
      probabilities[i] = new float[10];
      for (int k = 0; k < 10; k++) {
        probabilities[i][k] = (float) reported[k];
      }
    }
    return new ScoredSet(probabilities, labels, 0);
  }

  private static double[] softmax(double[] z, double sharpness) {
    double max = Double.NEGATIVE_INFINITY;
    for (double v : z) {
      max = Math.max(max, sharpness * v);
    }
    double[] p = new double[z.length];
    double sum = 0;
    for (int k = 0; k < z.length; k++) {
      p[k] = Math.exp(sharpness * z[k] - max);
      sum += p[k];
    }
    for (int k = 0; k < z.length; k++) {
      p[k] /= sum;
    }
    return p;
  }

  private static int sample(double[] p, Random random) {
    double u = random.nextDouble();
    double cumulative = 0;
    for (int k = 0; k < p.length; k++) {
      cumulative += p[k];
      if (u < cumulative) {
        return k;
      }
    }
    return p.length - 1;
  }
}
