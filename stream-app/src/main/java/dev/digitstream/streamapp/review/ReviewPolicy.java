package dev.digitstream.streamapp.review;

import dev.digitstream.contract.Prediction;
import dev.digitstream.contract.ReviewRequest;
import dev.digitstream.model.Calibration;
import dev.digitstream.model.ModelMetadata;
import dev.digitstream.model.Triage;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.stream.IntStream;

/**
 * Which predictions go to a person: the settings {@code REVIEW_TOPIC} (empty: none) and {@code
 * REVIEW_THRESHOLD} (null: each model's own threshold for {@link
 * Calibration#DEFAULT_TARGET_ACCURACY}), applied to each served model through its {@link Triage}.
 *
 * @param topic the review topic; empty when review is off
 * @param threshold the calibrated confidence from which predictions are booked; null for the
 *     model's own
 */
public record ReviewPolicy(String topic, Double threshold) {

  /** No review: every valid record gets a prediction. */
  public static final ReviewPolicy OFF = new ReviewPolicy("", null);

  public boolean enabled() {
    return !topic.isEmpty();
  }

  /**
   * The triage of {@code model}: its calibration and detector, with the threshold set here or its
   * own. A model with neither gets 0: no low-confidence review, out-of-distribution review only.
   */
  public Triage triageFor(ModelMetadata model) {
    Calibration calibration = model.calibration();
    return threshold != null
        ? new Triage(calibration, model.outOfDistribution(), threshold)
        : Triage.forTarget(
                calibration, model.outOfDistribution(), Calibration.DEFAULT_TARGET_ACCURACY)
            .orElse(new Triage(calibration, model.outOfDistribution(), 0));
  }

  /** One line on what the triage of {@code model} does, for the log. */
  public String describe(ModelMetadata model) {
    if (!enabled()) {
      return "review off (REVIEW_TOPIC empty): every valid record gets a prediction, none is"
          + " assessed";
    }
    Triage triage = triageFor(model);
    String confidence =
        triage.threshold() > 0
            ? String.format(
                Locale.ROOT,
                "calibrated confidence below %.6f (%s)",
                triage.threshold(),
                threshold != null ? "REVIEW_THRESHOLD" : "the model's 99.9 % threshold")
            : "no low-confidence review (the model has no threshold: recalibrate it with `trainer"
                + " calibrate` or set REVIEW_THRESHOLD)";
    String ood =
        model.outOfDistribution().fitted()
            ? String.format(
                Locale.ROOT,
                "out-of-distribution score above %.3f",
                model.outOfDistribution().threshold())
            : "no out-of-distribution detector in the model";
    return "model %s to review (%s): %s; %s".formatted(model.versionId(), topic, confidence, ood);
  }

  /** The review record of a prediction that triage did not accept. */
  public static ReviewRequest request(
      Triage triage, Triage.Assessment assessment, Prediction prediction, byte[] image) {
    double[] probabilities = triage.calibration().probabilities(prediction.probabilities());
    List<ReviewRequest.Candidate> top = new ArrayList<>(3);
    IntStream.range(0, probabilities.length)
        .boxed()
        .sorted(Comparator.comparingDouble((Integer k) -> -probabilities[k]))
        .limit(3)
        .forEach(k -> top.add(new ReviewRequest.Candidate(k, probabilities[k])));
    return new ReviewRequest(
        assessment.reason().code(),
        prediction.label(),
        assessment.confidence(),
        triage.threshold(),
        assessment.outOfDistributionScore(),
        triage.outOfDistribution().threshold(),
        top,
        prediction.modelVersion(),
        image);
  }
}
