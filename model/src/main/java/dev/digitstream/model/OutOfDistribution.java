package dev.digitstream.model;

import dev.digitstream.contract.ImageRecord;
import dev.digitstream.contract.idx.LabelledImages;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * How unlike a handwritten digit an image's pixels are: a few input statistics, each compared with
 * its mean and standard deviation over the training digits, and a threshold on the largest
 * deviation chosen on the validation split. It needs no inference, so it flags what the network
 * cannot be trusted on at all (noise, blank fields, inverted scans) however confident the network
 * is.
 *
 * <p>The statistics, in the order of {@link #FEATURES}: {@code ink}, {@code ln(1 + total ink)} in
 * full-ink pixels (the log makes a blank field as far from a digit as a dark one); {@code strokes},
 * the share of pixels at 128 or more; {@code grey}, the share of pixels from 1 to 127 (anti-aliased
 * edges, paper noise); {@code margin}, the ink in the 4-pixel margin that the MNIST normalisation
 * keeps empty, in full-ink pixels. The score ({@link #score}) is the largest {@code |value - mean|
 * / deviation}: a z-score.
 *
 * <p>Model files written before this existed read as {@link #NONE}, which flags nothing.
 *
 * @param features per statistic, its mean and standard deviation over the training digits
 * @param threshold an image is out of distribution when its score is above this
 * @param fittedImages the training images the means and deviations come from; 0 for {@link #NONE}
 * @param validationFlagged the share of validation digits above the threshold
 */
public record OutOfDistribution(
    List<Feature> features, double threshold, int fittedImages, double validationFlagged) {

  /** The statistics, in the order {@link #statistics} computes them. */
  public static final List<String> FEATURES = List.of("ink", "strokes", "grey", "margin");

  /** The share of validation digits the threshold is chosen to flag at most: 0.1 %. */
  public static final double VALIDATION_FLAGGED_TARGET = 0.001;

  /** Flags nothing: what model files without a detector read as. */
  public static final OutOfDistribution NONE =
      new OutOfDistribution(List.of(), Double.POSITIVE_INFINITY, 0, 0);

  private static final int MARGIN = 4;

  /** One statistic's mean and standard deviation over the training digits. */
  public record Feature(String name, double mean, double deviation) {}

  public OutOfDistribution {
    features = features == null ? List.of() : List.copyOf(features);
    if (fittedImages > 0 && !features.stream().map(Feature::name).toList().equals(FEATURES)) {
      throw new IllegalArgumentException("out-of-distribution features must be " + FEATURES);
    }
  }

  /**
   * Fits a detector: the mean and standard deviation of each statistic over {@code training}, then
   * the threshold as the smallest score that flags at most {@link #VALIDATION_FLAGGED_TARGET} of
   * {@code validation}.
   *
   * @throws IllegalArgumentException when either set is empty
   */
  public static OutOfDistribution fit(LabelledImages training, LabelledImages validation) {
    if (training.count() == 0 || validation.count() == 0) {
      throw new IllegalArgumentException("need training and validation images to fit a detector");
    }
    int k = FEATURES.size();
    double[] sum = new double[k];
    double[] squares = new double[k];
    for (int i = 0; i < training.count(); i++) {
      double[] values = statistics(training.image(i));
      for (int j = 0; j < k; j++) {
        sum[j] += values[j];
        squares[j] += values[j] * values[j];
      }
    }
    List<Feature> features = new ArrayList<>();
    for (int j = 0; j < k; j++) {
      double mean = sum[j] / training.count();
      double deviation = Math.sqrt(Math.max(1e-12, squares[j] / training.count() - mean * mean));
      features.add(new Feature(FEATURES.get(j), mean, deviation));
    }
    OutOfDistribution unthresholded =
        new OutOfDistribution(features, Double.POSITIVE_INFINITY, training.count(), 0);
    double[] scores = new double[validation.count()];
    for (int i = 0; i < scores.length; i++) {
      scores[i] = unthresholded.score(validation.image(i));
    }
    Arrays.sort(scores);
    int allowed = (int) Math.floor(scores.length * VALIDATION_FLAGGED_TARGET);
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

  /** Whether this was fitted, rather than {@link #NONE}. */
  public boolean fitted() {
    return fittedImages > 0;
  }

  /** The statistics of one 784-byte image, in the order of {@link #FEATURES}. */
  public static double[] statistics(byte[] image) {
    long sum = 0;
    int strokes = 0;
    int grey = 0;
    long margin = 0;
    int side = ImageRecord.WIDTH;
    for (int y = 0; y < side; y++) {
      boolean marginRow = y < MARGIN || y >= side - MARGIN;
      for (int x = 0; x < side; x++) {
        int v = image[y * side + x] & 0xff;
        sum += v;
        if (v >= 128) {
          strokes++;
        } else if (v > 0) {
          grey++;
        }
        if (marginRow || x < MARGIN || x >= side - MARGIN) {
          margin += v;
        }
      }
    }
    double pixels = ImageRecord.SIZE;
    return new double[] {Math.log1p(sum / 255.0), strokes / pixels, grey / pixels, margin / 255.0};
  }

  /** The score of one image: the largest z-score of its statistics; 0 when not fitted. */
  public double score(byte[] image) {
    if (!fitted()) {
      return 0;
    }
    double[] values = statistics(image);
    double score = 0;
    for (int i = 0; i < values.length; i++) {
      Feature f = features.get(i);
      score = Math.max(score, Math.abs(values[i] - f.mean()) / f.deviation());
    }
    return score;
  }

  /** Whether an image of this {@link #score} is out of distribution. */
  public boolean flags(double score) {
    return score > threshold;
  }
}
