package dev.digitstream.trainer.calibration;

import dev.digitstream.model.Calibration;
import dev.digitstream.model.ConfidenceThreshold;
import dev.digitstream.trainer.evaluation.ScoredSet;
import java.util.ArrayList;
import java.util.List;

/**
 * Calibrates a trained network from its scores on the validation split: fits the temperature, then
 * chooses a confidence threshold for each of {@link #TARGET_ACCURACIES} among the calibrated
 * validation confidences, and measures each threshold on the test set, which plays no part in
 * choosing anything.
 */
public final class Calibrator {

  /**
   * The accuracies of accepted predictions a threshold is chosen for: 99.9 % ({@link
   * Calibration#DEFAULT_TARGET_ACCURACY}) and 99.99 %. Listed in docs/trainer.md.
   */
  public static final List<Double> TARGET_ACCURACIES =
      List.of(Calibration.DEFAULT_TARGET_ACCURACY, 0.9999);

  private Calibrator() {}

  /**
   * @param validation the validation split's scores: what the temperature and thresholds are fitted
   *     on
   * @param test the test set's scores: where the thresholds are measured
   */
  public static Calibration fit(ScoredSet validation, ScoredSet test) {
    double temperature = TemperatureFit.fit(validation);
    Calibration scaling = new Calibration(temperature, validation.size(), 0, 0, List.of());
    RiskCoverage onValidation = RiskCoverage.of(Outcomes.calibrated(validation, scaling));
    RiskCoverage onTest = RiskCoverage.of(Outcomes.calibrated(test, scaling));
    List<ConfidenceThreshold> thresholds = new ArrayList<>();
    for (double target : TARGET_ACCURACIES) {
      double threshold = onValidation.thresholdFor(target);
      thresholds.add(
          new ConfidenceThreshold(
              target, threshold, onValidation.acceptance(threshold), onTest.acceptance(threshold)));
    }
    return new Calibration(
        temperature,
        validation.size(),
        ReliabilityDiagram.of(Outcomes.raw(validation)).ece(),
        ReliabilityDiagram.of(Outcomes.calibrated(validation, scaling)).ece(),
        thresholds);
  }
}
