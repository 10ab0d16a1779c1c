package dev.digitstream.model;

/**
 * The least calibrated confidence at which predictions are accepted for a target accuracy: chosen
 * on the validation split as the lowest threshold at which the validation predictions with at least
 * that confidence are at least {@code targetAccuracy} accurate, and measured on the test set.
 *
 * <p>A target the validation split cannot reach at any threshold gets {@link #ACCEPT_NONE}, above
 * every confidence, so that nothing is accepted, and {@link #reached()} is false.
 *
 * @param targetAccuracy the accuracy the accepted predictions should have, 0-1
 * @param confidence accept a prediction when its calibrated confidence ({@link
 *     Calibration#confidence}) is at least this
 * @param validation what the threshold accepts on the validation split it was chosen on
 * @param test what it accepts on the test set, which played no part in choosing it
 */
public record ConfidenceThreshold(
    double targetAccuracy, double confidence, Acceptance validation, Acceptance test) {

  /** The threshold of an unreachable target: the least double above 1, which accepts nothing. */
  public static final double ACCEPT_NONE = Math.nextUp(1.0);

  /** Whether the validation split reached the target at this threshold. */
  public boolean reached() {
    return validation.accepted() > 0 && validation.accuracy() >= targetAccuracy;
  }

  /** Whether a prediction of this calibrated confidence is accepted. */
  public boolean accepts(double calibratedConfidence) {
    return calibratedConfidence >= confidence;
  }

  /**
   * What a threshold accepts from a labelled set.
   *
   * @param images the images of the set
   * @param accepted those whose calibrated confidence reaches the threshold
   * @param errors accepted ones whose predicted digit is wrong
   */
  public record Acceptance(long images, long accepted, long errors) {

    /** The accuracy of the accepted predictions; 1 when none is accepted, as no error was made. */
    public double accuracy() {
      return accepted == 0 ? 1 : (double) (accepted - errors) / accepted;
    }

    /** The share of the set accepted, 0-1. */
    public double coverage() {
      return images == 0 ? 0 : (double) accepted / images;
    }
  }
}
