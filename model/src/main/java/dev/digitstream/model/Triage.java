package dev.digitstream.model;

/**
 * Whether a prediction may be booked without a person looking at it: the rule the trainer measures
 * and the stream-app applies. A prediction goes to review when its image is out of distribution
 * ({@link OutOfDistribution}), else when its calibrated confidence ({@link Calibration#confidence})
 * is below the threshold; otherwise it is accepted.
 *
 * @param calibration the model's calibration
 * @param outOfDistribution the model's detector
 * @param threshold accept from this calibrated confidence on; 0 accepts every confident-enough
 *     prediction, above 1 none
 */
public record Triage(
    Calibration calibration, OutOfDistribution outOfDistribution, double threshold) {

  /** Why a prediction went to review. */
  public enum Reason {
    OUT_OF_DISTRIBUTION("out-of-distribution"),
    LOW_CONFIDENCE("low-confidence");

    private final String code;

    Reason(String code) {
      this.code = code;
    }

    /** The reason as the review record and the metrics name it. */
    public String code() {
      return code;
    }
  }

  /**
   * One prediction assessed.
   *
   * @param confidence the calibrated confidence of the predicted digit
   * @param outOfDistributionScore the image's {@link OutOfDistribution#score}
   * @param reason why it goes to review; null when accepted
   */
  public record Assessment(double confidence, double outOfDistributionScore, Reason reason) {
    public boolean accepted() {
      return reason == null;
    }
  }

  /** The model's own rule: its threshold for {@code targetAccuracy}, if it has one. */
  public static java.util.Optional<Triage> forTarget(
      Calibration calibration, OutOfDistribution outOfDistribution, double targetAccuracy) {
    return calibration
        .threshold(targetAccuracy)
        .map(t -> new Triage(calibration, outOfDistribution, t.confidence()));
  }

  public Assessment assess(byte[] image, float[] probabilities) {
    double confidence = calibration.confidence(probabilities);
    double score = outOfDistribution.score(image);
    Reason reason =
        outOfDistribution.flags(score)
            ? Reason.OUT_OF_DISTRIBUTION
            : !(confidence >= threshold) ? Reason.LOW_CONFIDENCE : null; // NaN: review
    return new Assessment(confidence, score, reason);
  }
}
