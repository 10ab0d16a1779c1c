package dev.digitstream.trainer.calibration;

import dev.digitstream.contract.idx.LabelledImages;
import dev.digitstream.model.BatchClassifier;
import dev.digitstream.model.Calibration;
import dev.digitstream.model.DriftBaseline;
import dev.digitstream.model.ModelMetadata;
import dev.digitstream.model.OutOfDistribution;
import dev.digitstream.model.Triage;
import dev.digitstream.trainer.evaluation.Evaluator;
import dev.digitstream.trainer.evaluation.ScoredSet;

/**
 * Everything that says how far to trust a trained network, fitted after training ({@code train}) or
 * again for an existing model ({@code calibrate}): the calibration on the validation split, the
 * out-of-distribution detector on the training digits with its threshold on the validation split,
 * and the drift baseline and reports on the test set, which chooses nothing.
 */
public record TrustFit(
    Calibration calibration,
    OutOfDistribution outOfDistribution,
    DriftBaseline driftBaseline,
    CalibrationReport calibrationReport,
    OutOfDistributionReport outOfDistributionReport) {

  /**
   * @param validation null when the run has no validation split: then nothing is fitted
   * @param onTest {@code test} as {@code classifier} scored it
   */
  public static TrustFit fit(
      BatchClassifier classifier,
      LabelledImages training,
      LabelledImages validation,
      LabelledImages test,
      ScoredSet onTest) {
    if (validation == null) {
      return new TrustFit(
          Calibration.NONE,
          OutOfDistribution.NONE,
          DriftBaseline.NONE,
          CalibrationReport.of(Calibration.NONE, onTest, "test"),
          null);
    }
    Calibration calibration = Calibrator.fit(Evaluator.score(classifier, validation), onTest);
    OutOfDistribution detector = OutOfDistribution.fit(training, validation);
    Triage triage =
        Triage.forTarget(calibration, detector, Calibration.DEFAULT_TARGET_ACCURACY).orElseThrow();
    return new TrustFit(
        calibration,
        detector,
        DriftBaselineFit.measure(onTest, test, calibration, detector),
        CalibrationReport.of(calibration, onTest, "test"),
        OutOfDistributionReport.of(classifier, triage, test, onTest));
  }

  /** {@code metadata} with what was fitted here. */
  public ModelMetadata applyTo(ModelMetadata metadata) {
    return metadata.withTrust(calibration, outOfDistribution, driftBaseline);
  }

  /** The calibration report, then the detector's and the out-of-distribution figures. */
  public String toText() {
    StringBuilder out = new StringBuilder(calibrationReport.toText());
    if (outOfDistribution.fitted()) {
      out.append(System.lineSeparator())
          .append(
              String.format(
                  java.util.Locale.ROOT,
                  "Out-of-distribution detector: input statistics of %,d training digits; threshold"
                      + " %.3f flags %.2f %% of validation digits%n",
                  outOfDistribution.fittedImages(),
                  outOfDistribution.threshold(),
                  100 * outOfDistribution.validationFlagged()))
          .append(outOfDistributionReport.toText());
    }
    return out.toString();
  }
}
